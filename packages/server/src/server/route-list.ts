/**
 * Every route registered on a server's Fastify app, with the API key scope it
 * needs (`null`: no API key, e.g. `/healthz`; `undefined`: the route declared
 * nothing). Tests walk this list, so a route added later is checked too.
 */
import type { FastifyInstance } from 'fastify';
import type { KeyScope } from '../key-scopes.js';

/** One registered route. */
export interface RegisteredRoute {
  method: string;
  /** Fastify syntax: `/v1/projects/:projectId/…`. */
  url: string;
  /** The scope it needs; `null` for a route without API keys; `undefined` when it declared nothing. */
  scope: KeyScope | null | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API key scope the route needs (`null`: no API key); read by `recordRoutes` and the scope check. */
    permissioScope?: KeyScope | null;
  }
}

const lists = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Starts recording the routes of `app` (before any is added). */
export function recordRoutes(app: FastifyInstance): void {
  const list: RegisteredRoute[] = [];
  lists.set(app, list);
  app.addHook('onRoute', (options) => {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    const config = options.config;
    // HEAD twins of GET routes are listed too (same hooks, same scope).
    for (const method of methods) list.push({ method, url: options.url, scope: config?.permissioScope });
  });
}

/** The routes registered on `app` so far (empty when it was not recorded). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return lists.get(app) ?? [];
}

/**
 * Reads Hono's own route table (`app.routes`, and `c.req.matchedRoutes` per
 * request) for the route manifest and `requireGuard`. Endpoints are told from
 * middleware as Hono's own `inspectRoutes` does: a handler taking `(c, next)`
 * is middleware.
 */
import type { Context } from 'hono';
import {
  guardOf,
  isPublicMarker,
  manifestEntry,
  sortManifest,
  type RouteGuard,
  type RouteManifestEntry,
} from '@permissio/core/internal';

/** A route entry of `app.routes` / `matchedRoutes(c)`. */
interface HonoRoute {
  readonly method: string;
  readonly path: string;
  readonly handler: unknown;
}

/** The handler behind a sub-app's composed wrapper (`app.route('/x', sub)`). */
function target(handler: unknown): unknown {
  let current = handler;
  for (let i = 0; i < 16; i++) {
    const inner = (current as { __COMPOSED_HANDLER?: unknown } | null)?.__COMPOSED_HANDLER;
    if (inner === undefined) return current;
    current = inner;
  }
  return current;
}

function isEndpoint(route: HonoRoute): boolean {
  const handler = target(route.handler);
  return typeof handler === 'function' && handler.length < 2;
}

/** Whether a middleware registered at `pattern` runs for requests to `path`. */
function covers(pattern: string, path: string): boolean {
  if (pattern === path) return true;
  if (!pattern.endsWith('*')) return false;
  const prefix = pattern.slice(0, -1).replace(/\/$/, '');
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

/** Every endpoint of the route table, with the markers registered before it that apply to it. */
export function collectRoutes(routes: readonly HonoRoute[]): RouteManifestEntry[] {
  const entries = new Map<string, RouteManifestEntry>();
  routes.forEach((route, index) => {
    if (!isEndpoint(route)) return;
    const key = `${route.method} ${route.path}`;
    if (entries.has(key)) return;
    const guards: RouteGuard[] = [];
    let isPublic = false;
    for (const before of routes.slice(0, index)) {
      if (before.method !== route.method && before.method !== 'ALL') continue;
      if (!covers(before.path, route.path)) continue;
      const handler = target(before.handler);
      const guard = guardOf(handler);
      if (guard !== undefined) guards.push(guard);
      else if (isPublicMarker(handler)) isPublic = true;
    }
    entries.set(key, manifestEntry(route.method, route.path, guards, isPublic));
  });
  return sortManifest([...entries.values()]);
}

/**
 * For `requireGuard`: the endpoint this request reaches when none of the
 * handlers matched for it is a permission guard or public marker; `undefined`
 * when it is covered, or when no endpoint matches (a 404 stays a 404).
 */
export function unguardedEndpoint(c: Context): HonoRoute | undefined {
  let endpoint: HonoRoute | undefined;
  // `c.req.matchedRoutes` exists in every Hono 4 release (the `hono/route` helper only in recent ones).
  const matched = (c.req as unknown as { matchedRoutes: readonly HonoRoute[] }).matchedRoutes;
  for (const route of matched) {
    const handler = target(route.handler);
    if (guardOf(handler) !== undefined || isPublicMarker(handler)) return undefined;
    if (endpoint === undefined && isEndpoint(route)) endpoint = route;
  }
  return endpoint;
}

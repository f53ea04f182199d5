/**
 * The plugin's view of the route table, from Fastify's `onRoute` hook: every
 * route registered after the plugin (in its context and the contexts below)
 * is recorded for `routeManifest(app)`, checked against the policy at
 * `onReady`, and — with `requireGuard` — refused when it has neither a
 * permission guard nor `config: { public: true }`.
 */
import type { FastifyInstance, RouteOptions, preHandlerHookHandler } from 'fastify';
import type { Logger, Permissio } from '@permissio/core';
import {
  PermissioRefusalError,
  guardOf,
  isPublicMarker,
  manifestEntry,
  sortManifest,
  unguardedOutcome,
  unguardedStyle,
  formatManifest,
  validateManifest,
  type RouteManifestEntry,
  type RouteValidationMode,
} from '@permissio/core/internal';
import { INSTANCE, refuse } from './require-permission.js';

/** Instance slot of the recorded routes (registered symbol: ESM and CJS copies agree). */
export const ROUTES: unique symbol = Symbol.for('@permissio/fastify.routes') as never;

/** The routes one plugin registration has seen. */
export interface RouteRegistry {
  readonly entries: RouteManifestEntry[];
}

declare module 'fastify' {
  interface FastifyInstance {
    [ROUTES]: RouteRegistry;
  }
}

const UNGUARDED_MARK = Symbol.for('@permissio/fastify.unguardedPreHandler');

function preHandlers(routeOptions: RouteOptions): unknown[] {
  const existing = routeOptions.preHandler;
  return existing === undefined ? [] : Array.isArray(existing) ? [...existing] : [existing];
}

function unguardedPreHandler(path: string): preHandlerHookHandler {
  return Object.assign(
    function permissioUnguardedRoute(request, reply, done) {
      const outcome = unguardedOutcome(`${request.method} ${path}`, unguardedStyle());
      const instance = request[INSTANCE];
      if (instance === null || instance === undefined) {
        done(new PermissioRefusalError(outcome));
        return;
      }
      refuse(instance, request, reply, done, outcome);
    } as preHandlerHookHandler,
    { [UNGUARDED_MARK]: true },
  );
}

/** Options of {@link installRouteTable}. */
export interface RouteTableOptions {
  readonly client: Permissio<boolean>;
  readonly requireGuard: boolean;
  readonly routeValidation: RouteValidationMode;
  /** Where validation warnings go. */
  readonly logger: Pick<Logger, 'warn'>;
}

/** Adds the `onRoute` recorder (and the `onReady` validation) to the plugin's context. */
export function installRouteTable(fastify: FastifyInstance, options: RouteTableOptions): void {
  const registry: RouteRegistry = { entries: [] };
  if (!fastify.hasDecorator(ROUTES)) fastify.decorate(ROUTES, registry);
  else fastify[ROUTES] = registry;

  fastify.addHook('onRoute', function permissioRouteTable(routeOptions) {
    const config = routeOptions.config as { public?: unknown } | undefined;
    const declared = config?.public;
    if (declared !== undefined && typeof declared !== 'boolean') {
      throw new TypeError(
        `@permissio/fastify: route ${String(routeOptions.method)} ${routeOptions.url}: config.public must be a boolean.`,
      );
    }
    const list = preHandlers(routeOptions);
    const guards = list.flatMap((handler) => {
      const guard = guardOf(handler);
      return guard === undefined ? [] : [guard];
    });
    const isPublic = declared === true || list.some(isPublicMarker);
    const methods = Array.isArray(routeOptions.method) ? routeOptions.method : [routeOptions.method];
    for (const method of methods) registry.entries.push(manifestEntry(method, routeOptions.url, guards, isPublic));
    if (!options.requireGuard || guards.length > 0 || isPublic) return;
    // Fastify copies a GET route's options to its HEAD route: add the refusal once.
    if (list.some((handler) => (handler as { [UNGUARDED_MARK]?: boolean })[UNGUARDED_MARK] === true)) return;
    routeOptions.preHandler = [unguardedPreHandler(routeOptions.url), ...(list as preHandlerHookHandler[])];
  });

  if (options.routeValidation !== 'off') {
    const mode = options.routeValidation;
    fastify.addHook('onReady', async function permissioRouteValidation() {
      await validateManifest(options.client, listing(registry), {
        framework: 'fastify',
        mode,
        logger: options.logger,
      });
    });
  }
}

/** The entries, without the HEAD routes Fastify adds for GET routes. */
function listing(registry: RouteRegistry): RouteManifestEntry[] {
  const gets = new Set(registry.entries.filter((e) => e.method === 'GET').map((e) => e.path));
  return sortManifest(registry.entries.filter((e) => !(e.method === 'HEAD' && gets.has(e.path))));
}

/**
 * Every route registered after the plugin, with its method, path and guard
 * (`{ action, resource }`), `public` (`config: { public: true }`), or
 * `unguarded`; sorted by path, then method. HEAD routes Fastify adds for GET
 * routes are left out.
 *
 * @throws TypeError when the plugin is not registered in `app`'s context
 */
/** {@link routeManifest} as a table, one route per line (method, path, guard). */
export function formatRouteManifest(app: FastifyInstance): string {
  return formatManifest(routeManifest(app));
}

export function routeManifest(app: FastifyInstance): RouteManifestEntry[] {
  const registry = (app as Partial<Record<typeof ROUTES, RouteRegistry>>)[ROUTES];
  if (registry === undefined || registry === null) {
    throw new TypeError(
      '@permissio/fastify: routeManifest(app): the plugin is not registered in this context (await app.register(permissioPlugin, { ... })).',
    );
  }
  return listing(registry);
}

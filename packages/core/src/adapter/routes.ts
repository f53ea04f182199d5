/**
 * Route markers and the route manifest, shared by the four adapters.
 *
 * Each adapter tags the handlers it creates: `requirePermission(...)` carries
 * its {@link RouteGuard}, the public marker (`publicRoute()`, `config.public`,
 * `@Public()`) carries {@link PUBLIC_MARK}. The adapters read their
 * framework's own route table, find these tags, and describe every route as
 * `guarded`, `public` or `unguarded` ({@link RouteManifestEntry}).
 */
import type { ResourceSpec } from './options.js';

/** Symbol slot of a guard handler's {@link RouteGuard} (registered: ESM and CJS copies agree). */
export const GUARD_MARK: unique symbol = Symbol.for('@permissio/adapter.guard') as never;
/** Symbol slot set to `true` on a public-route marker. */
export const PUBLIC_MARK: unique symbol = Symbol.for('@permissio/adapter.public') as never;
/** Symbol slot of the resource type a resolver is known to return (`resourceFromPath`). */
const RESOURCE_TYPE_MARK: unique symbol = Symbol.for('@permissio/adapter.resourceType') as never;

/** What one `requirePermission(action, resource)` asks, as the manifest shows it. */
export interface RouteGuard {
  /** The action, e.g. `"read"`. */
  readonly action: string;
  /**
   * The resource as far as it is known before a request: its type
   * (`"document"`), `"document:doc-1"` for a fixed instance, or `"(resolver)"`.
   */
  readonly resource: string;
  /** The resource type when it is known before a request (a type, a `CheckResource`, `resourceFromPath`). */
  readonly resourceType: string | undefined;
}

/** How a route is protected. */
export type RouteAccess = 'guarded' | 'public' | 'unguarded';

/** One route of a manifest. */
export interface RouteManifestEntry {
  /** Upper-case HTTP method (`ALL` for a route answering every method). */
  readonly method: string;
  /** The path as registered with the framework (`/documents/:id`). */
  readonly path: string;
  /** `guarded` when at least one permission guard applies, else `public` when marked so, else `unguarded`. */
  readonly access: RouteAccess;
  /** The permission guards that apply, in order. */
  readonly guards: readonly RouteGuard[];
}

/** Describes `requirePermission(action, resource)` for the manifest. */
export function describeGuard<Req>(action: string, resource: ResourceSpec<Req>): RouteGuard {
  if (typeof resource === 'string') return { action, resource, resourceType: resource };
  if (typeof resource === 'function') {
    const type = resourceTypeOf(resource);
    return { action, resource: type ?? '(resolver)', resourceType: type };
  }
  const described = resource.key === undefined ? resource.type : `${resource.type}:${resource.key}`;
  return { action, resource: described, resourceType: resource.type };
}

/** Tags `handler` as a permission guard for `action` on `resource`; returns it. */
export function markGuard<F extends object, Req>(handler: F, action: string, resource: ResourceSpec<Req>): F {
  Object.defineProperty(handler, GUARD_MARK, { value: describeGuard(action, resource), enumerable: false });
  return handler;
}

/** The guard a handler was tagged with, if any. */
export function guardOf(handler: unknown): RouteGuard | undefined {
  if (handler === null || (typeof handler !== 'function' && typeof handler !== 'object')) return undefined;
  return (handler as { [GUARD_MARK]?: RouteGuard })[GUARD_MARK];
}

/** Tags `handler` as the public-route marker; returns it. */
export function markPublic<F extends object>(handler: F): F {
  Object.defineProperty(handler, PUBLIC_MARK, { value: true, enumerable: false });
  return handler;
}

/** Whether a handler is a public-route marker. */
export function isPublicMarker(handler: unknown): boolean {
  if (handler === null || (typeof handler !== 'function' && typeof handler !== 'object')) return false;
  return (handler as { [PUBLIC_MARK]?: boolean })[PUBLIC_MARK] === true;
}

/** Records the resource type a resolver returns (so the manifest and startup checks know it). */
export function markResourceType<F extends object>(resolver: F, type: string): F {
  Object.defineProperty(resolver, RESOURCE_TYPE_MARK, { value: type, enumerable: false });
  return resolver;
}

function resourceTypeOf(resolver: unknown): string | undefined {
  const type = (resolver as { [RESOURCE_TYPE_MARK]?: unknown })[RESOURCE_TYPE_MARK];
  return typeof type === 'string' ? type : undefined;
}

/** The access of a route from its guards and whether a public marker applies. */
export function routeAccess(guards: readonly RouteGuard[], isPublic: boolean): RouteAccess {
  if (guards.length > 0) return 'guarded';
  return isPublic ? 'public' : 'unguarded';
}

/** Builds an entry (method upper-cased). */
export function manifestEntry(
  method: string,
  path: string,
  guards: readonly RouteGuard[],
  isPublic: boolean,
): RouteManifestEntry {
  return { method: method.toUpperCase(), path, access: routeAccess(guards, isPublic), guards: [...guards] };
}

/** Sorts entries by path, then method (a stable order for printing and diffs). */
export function sortManifest(entries: readonly RouteManifestEntry[]): RouteManifestEntry[] {
  return [...entries].sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path < b.path ? -1 : 1));
}

/**
 * The manifest as an aligned text table, one route a line:
 * `GET     /documents/:id   read document`, `public`, or `UNGUARDED`.
 */
export function formatManifest(entries: readonly RouteManifestEntry[]): string {
  const methodWidth = Math.max(6, ...entries.map((e) => e.method.length));
  const pathWidth = Math.max(4, ...entries.map((e) => e.path.length));
  return entries
    .map((entry) => {
      const access =
        entry.access === 'guarded'
          ? entry.guards.map((g) => `${g.action} ${g.resource}`).join(', ')
          : entry.access === 'public'
            ? 'public'
            : 'UNGUARDED';
      return `${entry.method.padEnd(methodWidth)}  ${entry.path.padEnd(pathWidth)}  ${access}`;
    })
    .join('\n');
}

/**
 * Reads Express's own route table (the router stack: `app.router.stack` in
 * Express 5, `app._router.stack` in Express 4) for the route manifest and
 * `requireGuard`. Only the parts every Express 4/5 router has are read:
 * `layer.route` (`path`, `methods`, `stack`), `layer.handle`, `layer.method`,
 * nested routers' `stack`, and the mount path (`layer.rawPath`, router 2.x).
 */
import {
  guardOf,
  isPublicMarker,
  manifestEntry,
  type RouteGuard,
  type RouteManifestEntry,
} from '@permissio/core/internal';

/** A router layer, as far as this module reads it. */
export interface ExpressLayer {
  readonly route?: ExpressRoute;
  readonly handle: unknown;
  readonly method?: string;
  readonly rawPath?: unknown;
}

/** A route (`app.get(path, ...)` / `app.route(path)`), as far as this module reads it. */
export interface ExpressRoute {
  readonly path: unknown;
  readonly methods: Record<string, boolean | undefined>;
  readonly stack: ExpressLayer[];
}

/** The root router stack of an Express app (or a `Router`), if it has one. */
export function routerStack(app: unknown): readonly ExpressLayer[] | undefined {
  if (app === null || (typeof app !== 'function' && typeof app !== 'object')) return undefined;
  const holder = app as { stack?: unknown; router?: unknown; _router?: unknown };
  if (Array.isArray(holder.stack)) return holder.stack as ExpressLayer[];
  // Express 5: `app.router` (created lazily); Express 4: `app._router` (absent before the first route).
  const router = (Object.hasOwn(holder, '_router') ? holder._router : undefined) ?? holder.router;
  const stack = (router as { stack?: unknown } | undefined)?.stack;
  return Array.isArray(stack) ? (stack as ExpressLayer[]) : undefined;
}

/** The method a route dispatches `method` as (`head` falls back to `get`, as the router does). */
export function dispatchMethod(route: ExpressRoute, method: string): string {
  const lower = method.toLowerCase();
  return lower === 'head' && route.methods.head !== true ? 'get' : lower;
}

function applies(layer: ExpressLayer, method: string): boolean {
  return layer.method === undefined || layer.method === method;
}

/** The guards and whether a public marker is in `route`'s own stack for `method`. */
export function routeMarks(route: ExpressRoute, method: string): { guards: RouteGuard[]; isPublic: boolean } {
  const guards: RouteGuard[] = [];
  let isPublic = false;
  for (const layer of route.stack) {
    if (!applies(layer, method)) continue;
    const guard = guardOf(layer.handle);
    if (guard !== undefined) guards.push(guard);
    else if (isPublicMarker(layer.handle)) isPublic = true;
  }
  return { guards, isPublic };
}

/** A route's path as text (`/a`, `/a,/b` for arrays, the source of a RegExp). */
export function routePath(path: unknown): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(routePath).join(',');
  return String(path);
}

interface Inherited {
  readonly prefix: string;
  readonly guard?: RouteGuard;
  readonly isPublic?: boolean;
}

function joinPath(prefix: string, path: string): string {
  if (path === '/' || path === '') return prefix;
  return `${prefix}${path.startsWith('/') ? path : `/${path}`}`;
}

function mountPath(layer: ExpressLayer): string {
  return typeof layer.rawPath === 'string' ? layer.rawPath : '';
}

/** Walks a router stack in order: app/router-level markers apply to the routes after them under their path. */
function walk(
  stack: readonly ExpressLayer[],
  prefix: string,
  inherited: readonly Inherited[],
  out: RouteManifestEntry[],
): void {
  const marks = [...inherited];
  for (const layer of stack) {
    const route = layer.route;
    if (route !== undefined) {
      const path = joinPath(prefix, routePath(route.path));
      const scoped = marks.filter(
        (mark) => path === mark.prefix || path.startsWith(`${mark.prefix}/`) || mark.prefix === '',
      );
      const methods = Object.keys(route.methods).filter((m) => route.methods[m] === true);
      for (const method of methods) {
        const own = routeMarks(route, method === '_all' ? '' : method);
        const guards = [...scoped.flatMap((m) => (m.guard === undefined ? [] : [m.guard])), ...own.guards];
        const isPublic = own.isPublic || scoped.some((m) => m.isPublic === true);
        out.push(manifestEntry(method === '_all' ? 'ALL' : method, path, guards, isPublic));
      }
      continue;
    }
    const nested = (layer.handle as { stack?: unknown } | null)?.stack;
    const at = joinPath(prefix, mountPath(layer));
    if (Array.isArray(nested)) {
      walk(nested as ExpressLayer[], at, marks, out);
      continue;
    }
    const guard = guardOf(layer.handle);
    if (guard !== undefined) marks.push({ prefix: at, guard });
    else if (isPublicMarker(layer.handle)) marks.push({ prefix: at, isPublic: true });
  }
}

/** Every route of the stack with its access. */
export function collectRoutes(stack: readonly ExpressLayer[]): RouteManifestEntry[] {
  const out: RouteManifestEntry[] = [];
  walk(stack, '', [], out);
  return out;
}

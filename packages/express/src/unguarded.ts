/**
 * `requireGuard: true` on Express. When the router dispatches a route it sets
 * `req.route`; `permissio()` watches that assignment and, the first time a
 * route is dispatched for a method without a guard or public marker in its
 * own stack, wraps the first handler of that route so that it refuses. The
 * refusal lets the request through only when a guard or public marker ran
 * earlier for it (at app or router level); otherwise no handler runs.
 */
import type { NextFunction, Request, Response } from 'express';
import { unguardedOutcome, unguardedStyle } from '@permissio/core/internal';
import { requestState } from './middleware.js';
import { refuse } from './problem.js';
import { isRequestMarked } from './route-marks.js';
import { dispatchMethod, routeMarks, routePath, type ExpressRoute } from './route-table.js';

const REFUSAL_MARK = Symbol.for('@permissio/express.unguardedRefusal');

/** A route layer handler wrapped by {@link protect}: the methods it refuses for. */
type Wrapped = ((req: Request, res: Response, next: NextFunction) => unknown) & {
  [REFUSAL_MARK]: { readonly methods: Set<string> };
};

function isRoute(value: unknown): value is ExpressRoute {
  if (value === null || typeof value !== 'object') return false;
  const route = value as Partial<ExpressRoute>;
  return Array.isArray(route.stack) && typeof route.methods === 'object' && route.methods !== null;
}

/**
 * Wraps `handle` (the first handler of an unguarded route for some methods):
 * for those methods the request is refused unless a guard or public marker
 * already ran for it; everything else reaches `handle` unchanged.
 */
function wrap(route: ExpressRoute, handle: (...args: unknown[]) => unknown): Wrapped {
  const methods = new Set<string>();
  const path = routePath(route.path);
  const wrapped = function permissioUnguardedRoute(req: Request, res: Response, next: NextFunction): unknown {
    const method = dispatchMethod(route, req.method);
    const state = requestState(req);
    if (!methods.has(method) || isRequestMarked(req) || state === undefined || !state.registration.requireGuard) {
      return handle(req, res, next);
    }
    refuse(
      state.registration,
      req,
      res,
      next,
      unguardedOutcome(`${method.toUpperCase()} ${req.baseUrl}${path}`, unguardedStyle()),
    );
    return undefined;
  };
  return Object.assign(wrapped, { [REFUSAL_MARK]: { methods } });
}

/**
 * Makes the first handler `route` runs for `requestMethod` refuse when nothing
 * in the route's own stack guards or marks that method. The handler is
 * wrapped in place (no layer is added or moved: requests already inside the
 * route keep their position).
 */
function protect(route: ExpressRoute, requestMethod: string): void {
  const method = dispatchMethod(route, requestMethod);
  // The first layer that runs for this method (an error handler, with 4 parameters, does not run).
  const layer = route.stack.find(
    (l) => (l.method === undefined || l.method === method) && typeof l.handle === 'function' && l.handle.length < 4,
  ) as { handle: unknown } | undefined;
  if (layer === undefined) return;
  const marked = (layer.handle as Partial<Wrapped>)[REFUSAL_MARK];
  if (marked?.methods.has(method)) return;
  const marks = routeMarks(route, method);
  if (marks.guards.length > 0 || marks.isPublic) return;
  if (marked !== undefined) {
    marked.methods.add(method);
    return;
  }
  const wrapped = wrap(route, layer.handle as (...args: unknown[]) => unknown);
  wrapped[REFUSAL_MARK].methods.add(method);
  layer.handle = wrapped;
}

/** Watches `req.route` for this request (installed by `permissio()` when `requireGuard` is on). */
export function watchRoute(req: Request): void {
  let current: unknown = (req as { route?: unknown }).route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(route: unknown) {
      current = route;
      if (isRoute(route)) protect(route, req.method);
    },
  });
}

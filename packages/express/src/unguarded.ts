/**
 * `requireGuard: true` on Express. When the router dispatches a route it sets
 * `req.route`; `permissio()` watches that assignment and, the first time a
 * route is dispatched for a method without a guard or public marker in its
 * own stack, puts a refusal handler in front of that route's handlers. The
 * refusal lets the request through only when a guard or public marker ran
 * earlier for it (at app or router level); otherwise the handler never runs.
 */
import type { NextFunction, Request, Response } from 'express';
import { unguardedOutcome, unguardedStyle } from '@permissio/core/internal';
import { requestState } from './middleware.js';
import { refuse } from './problem.js';
import { isRequestMarked } from './route-marks.js';
import { dispatchMethod, routeMarks, routePath, type ExpressRoute } from './route-table.js';

const REFUSAL_MARK = Symbol.for('@permissio/express.unguardedRefusal');

function isRoute(value: unknown): value is ExpressRoute {
  if (value === null || typeof value !== 'object') return false;
  const route = value as Partial<ExpressRoute>;
  return Array.isArray(route.stack) && typeof route.methods === 'object' && route.methods !== null;
}

function refusalFor(method: string, path: string) {
  return Object.assign(
    function permissioUnguardedRoute(req: Request, res: Response, next: NextFunction): void {
      const state = requestState(req);
      if (isRequestMarked(req) || state === undefined || !state.instance.authorizer.options.requireGuard) {
        next();
        return;
      }
      refuse(
        state.instance,
        req,
        res,
        next,
        unguardedOutcome(`${method.toUpperCase()} ${req.baseUrl}${path}`, unguardedStyle()),
      );
    },
    { [REFUSAL_MARK]: true },
  );
}

/** Puts the refusal in front of `route`'s handlers for `method` when nothing there guards or marks it. */
function protect(route: ExpressRoute, requestMethod: string): void {
  const method = dispatchMethod(route, requestMethod);
  let refused = false;
  for (const layer of route.stack) {
    if (
      (layer.method === undefined || layer.method === method) &&
      (layer.handle as { [REFUSAL_MARK]?: boolean })[REFUSAL_MARK] === true
    ) {
      refused = true;
      break;
    }
  }
  if (refused) return;
  const marks = routeMarks(route, method);
  if (marks.guards.length > 0 || marks.isPublic) return;
  const add = (route as unknown as Record<string, unknown>)[method];
  if (typeof add !== 'function') return;
  // The route's own method registration (keeps `route.methods` right), then moved to the front:
  // the router's dispatch has not read its stack yet when it assigns `req.route`.
  (add as (handler: unknown) => unknown).call(route, refusalFor(method, routePath(route.path)));
  const layer = route.stack.pop();
  if (layer !== undefined) route.stack.unshift(layer);
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

/**
 * `requirePermission(action, resource)`: a route-level `RequestHandler` that
 * asks the request's scope and runs the next handler only on an explicit
 * allow. Every refusal is answered here (or by the app's hook); the handler
 * never runs.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RegisteredShape, ResourceTypeOf } from '@permissio/core';
import {
  assertPermissionArguments,
  markGuard,
  notRegisteredError,
  type AuthorizationOutcome,
  type ResourceSpec,
} from '@permissio/core/internal';
import { requestState, startedContext, type ExpressRegistration } from './middleware.js';
import { refuse } from './problem.js';
import { markRequest } from './route-marks.js';

/** The resource argument of {@link requirePermission}, with resolvers typed for Express (of type `T`). */
export type ExpressResourceSpec<T extends string = string> = ResourceSpec<Request, T>;

/**
 * Protects a route: `app.get('/documents/:id', requirePermission('read', (req) => ({ type: 'document', key: req.params.id })), handler)`.
 *
 * @param action - the action asked for, e.g. `"read"`
 * @param resource - a resource type, a `CheckResource`, or a resolver `(req) => resource` (sync or async)
 * With a registered policy (`Register` of `@permissio/core`), `action` must be
 * an action of the resource's type.
 * @throws TypeError at call time when an argument is invalid
 */
export function requirePermission<T extends ResourceTypeOf>(
  action: NoInfer<RegisteredShape[T]>,
  resource: ExpressResourceSpec<T>,
): RequestHandler {
  assertPermissionArguments(action, resource, 'express');
  // Tagged for the route manifest and requireGuard.
  return markGuard(
    function requirePermissionMiddleware(req: Request, res: Response, next: NextFunction): void {
      const state = requestState(req);
      if (state === undefined) {
        next(
          notRegisteredError(
            'express',
            'permissio() did not run for this request',
            'register app.use(permissio({ ... })) before requirePermission',
          ),
        );
        return;
      }
      const instance = state.registration;
      // requireGuard: this request met a guard (the unguarded-route check lets it through).
      if (instance.requireGuard) markRequest(req);
      const outcome = instance.authorizer.authorize(startedContext(req, state), req, action, resource);
      // A synchronous answer (embedded engine, sync resolver) calls next() in this tick.
      if (outcome instanceof Promise) {
        outcome.then(
          (settled) => finish(instance, req, res, next, settled),
          (error: unknown) => refuse(instance, req, res, next, instance.authorizer.failure(error)),
        );
        return;
      }
      finish(instance, req, res, next, outcome);
    },
    action,
    resource,
  );
}

/** Runs the next handler on an explicit allow; refuses everything else. */
function finish(
  instance: ExpressRegistration,
  req: Request,
  res: Response,
  next: NextFunction,
  outcome: AuthorizationOutcome,
): void {
  if (outcome.kind === 'allow') next();
  else refuse(instance, req, res, next, outcome);
}

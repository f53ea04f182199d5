/**
 * `requirePermission(action, resource)`: route middleware that asks the
 * request's scope and calls `next()` only on an explicit allow. A refusal is
 * thrown as an `HTTPException` carrying a problem+json `Response`, so the
 * app's `onError` can render it (Hono's default returns `err.getResponse()`).
 */
import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { RegisteredShape, ResourceTypeOf } from '@permissio/core';
import {
  PROBLEM_CONTENT_TYPE,
  assertPermissionArguments,
  markGuard,
  notRegisteredError,
  type AuthorizationOutcome,
  type RefusalOutcome,
  type ResourceSpec,
  selectRefusalHook,
} from '@permissio/core/internal';
import { requestState, startedContext, type HonoRegistration, type PermissioEnv } from './middleware.js';

/** The resource argument of {@link requirePermission}, with resolvers receiving the Hono context. */
export type HonoResourceSpec<T extends string = string> = ResourceSpec<Context, T>;

/**
 * Protects a route: `app.get('/documents/:id', requirePermission('read', 'document'), handler)`.
 *
 * @param action - the action asked for, e.g. `"read"`
 * @param resource - a resource type, a `CheckResource`, or a resolver `(c) => resource` (sync or async)
 * @throws TypeError at call time when an argument is invalid
 */
export function requirePermission<T extends ResourceTypeOf>(
  action: NoInfer<RegisteredShape[T]>,
  resource: HonoResourceSpec<T>,
) {
  assertPermissionArguments(action, resource, 'hono');
  const middleware = createMiddleware<PermissioEnv>(function requirePermissionMiddleware(c, next) {
    const state = requestState(c);
    if (state === undefined) {
      return Promise.reject(
        notRegisteredError(
          'hono',
          'permissio() did not run for this request',
          "register app.use('*', permissio({ ... })) before requirePermission",
        ),
      );
    }
    const instance = state.registration;
    const outcome = instance.authorizer.authorize(startedContext(c, state), c, action, resource);
    // A synchronous answer (embedded engine, sync resolver) calls next() without an extra tick.
    if (outcome instanceof Promise) return outcome.then((settled) => finish(instance, c, next, settled));
    return finish(instance, c, next, outcome);
  });
  // Tagged for the route manifest and requireGuard.
  return markGuard(middleware, action, resource);
}

/** Runs the next handler on an explicit allow; refuses everything else. */
function finish(
  instance: HonoRegistration,
  c: Context,
  next: Next,
  outcome: AuthorizationOutcome,
  // biome-ignore lint/suspicious/noConfusingVoidType: Hono's `next()` resolves to void
): Promise<Response | void> {
  return outcome.kind === 'allow' ? next() : refuse(instance, c, outcome);
}

/** The hook's `Response` when it returns one; otherwise throws the refusal's `HTTPException`. */
async function refuse(instance: HonoRegistration, c: Context, outcome: RefusalOutcome): Promise<Response> {
  const hook = selectRefusalHook(outcome, instance);
  if (hook !== undefined) {
    const answer = await hook(c, outcome);
    if (answer instanceof Response) return answer;
  }
  throw problemException(outcome);
}

/** The `HTTPException` of a refusal: status, problem+json response, and the PDP error as `cause`. */
export function problemException(outcome: RefusalOutcome): HTTPException {
  const res = new Response(JSON.stringify(outcome.problem), {
    status: outcome.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
  });
  const cause = 'error' in outcome ? outcome.error : undefined;
  return new HTTPException(outcome.status, { res, message: outcome.problem.detail, cause });
}

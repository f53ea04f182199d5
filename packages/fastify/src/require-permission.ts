/**
 * `requirePermission(action, resource)`: a preHandler that asks the request's
 * scope and lets the route handler run only on an explicit allow.
 */
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { PermissioError } from '@permissio/core';
import type { MaybePromise, RegisteredShape, ResourceTypeOf } from '@permissio/core';
import {
  PROBLEM_CONTENT_TYPE,
  PermissioRefusalError,
  assertPermissionArguments,
  markGuard,
  notRegisteredError,
  type AdapterRegistration,
  type AuthorizationContext,
  type AuthorizationOutcome,
  type Authorizer,
  type RefusalOutcome,
  type ResourceSpec,
  selectRefusalHook,
} from '@permissio/core/internal';
import type { PermissioFastifyHook } from './plugin.js';

/** The resource argument of {@link requirePermission}, with resolvers typed for Fastify. */
export type FastifyResourceSpec<T extends string = string> = ResourceSpec<FastifyRequest, T>;

/** What one plugin registration shares with its preHandlers. */
export type FastifyRegistration = AdapterRegistration<FastifyRequest, PermissioFastifyHook>;

/** Request slots (decorated with null at registration). */
export const CONTEXT: unique symbol = Symbol.for('@permissio/fastify.context') as never;
export const INSTANCE: unique symbol = Symbol.for('@permissio/fastify.instance') as never;

declare module 'fastify' {
  interface FastifyRequest {
    [CONTEXT]: MaybePromise<AuthorizationContext> | null;
    [INSTANCE]: FastifyRegistration | null;
  }
}

/**
 * A preHandler protecting a route:
 * `app.get('/documents/:id', { preHandler: requirePermission('read', 'document') }, handler)`.
 *
 * @param action - the action asked for, e.g. `"read"`
 * @param resource - a resource type, a `CheckResource`, or a resolver `(request) => resource` (sync or async)
 * @throws TypeError at call time when an argument is invalid
 */
export function requirePermission<T extends ResourceTypeOf>(
  action: NoInfer<RegisteredShape[T]>,
  resource: FastifyResourceSpec<T>,
): preHandlerHookHandler {
  return permissionPreHandler(action, resource);
}

/** `requirePermission` without the policy's types: for `config.permission`, already typed where it is written. */
export function permissionPreHandler(action: string, resource: FastifyResourceSpec): preHandlerHookHandler {
  assertPermissionArguments(action, resource, 'fastify');
  // Tagged for the route manifest and requireGuard.
  return markGuard(
    function requirePermissionPreHandler(request, reply, done) {
      const instance = request[INSTANCE];
      if (instance === null || instance === undefined) {
        done(
          notRegisteredError(
            'fastify',
            'the plugin did not run for this request',
            'register it (await app.register(permissioPlugin, { ... })) in this context before the route',
          ),
        );
        return;
      }
      const context = startedContext(request, instance.authorizer);
      const outcome = instance.authorizer.authorize(context, request, action, resource);
      // A synchronous answer (embedded engine, sync resolver) continues in this tick.
      if (outcome instanceof Promise) {
        outcome.then(
          (settled) => finish(instance, request, reply, done, settled),
          (error: unknown) => refuse(instance, request, reply, done, instance.authorizer.failure(error)),
        );
        return;
      }
      finish(instance, request, reply, done, outcome);
    } as preHandlerHookHandler,
    action,
    resource,
  );
}

/**
 * The request's authorization context, started (user and tenant resolved)
 * on first use and kept on the request for its later checks.
 */
export function startedContext(
  request: FastifyRequest,
  authorizer: Authorizer<FastifyRequest>,
): MaybePromise<AuthorizationContext> {
  const existing = request[CONTEXT];
  if (existing !== null && existing !== undefined) return existing;
  const started = authorizer.begin(request);
  request[CONTEXT] = started;
  if (started instanceof Promise) {
    void started.then((context) => {
      if (request[CONTEXT] === started) request[CONTEXT] = context;
    });
  }
  return started;
}

/** Runs the handler on an explicit allow; refuses everything else. */
function finish(
  instance: FastifyRegistration,
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
  outcome: AuthorizationOutcome,
): void {
  if (outcome.kind === 'allow') done();
  else refuse(instance, request, reply, done, outcome);
}

function sendProblem(reply: FastifyReply, outcome: RefusalOutcome): void {
  if (reply.sent) return;
  void reply.code(outcome.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(outcome.problem));
}

/** Answers a refused request through the matching hook, the app's error handler (`refusal: 'error'`), or problem+json. */
export function refuse(
  instance: FastifyRegistration,
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
  outcome: RefusalOutcome,
): void {
  const hook = selectRefusalHook(outcome, instance);
  if (hook === undefined) {
    // `refusal: 'error'`: Fastify's error handler (the app's setErrorHandler) renders it.
    if (instance.refusal === 'error') done(new PermissioRefusalError(outcome));
    else sendProblem(reply, outcome);
    return;
  }
  const failed = (error: unknown): void => {
    if (reply.sent) return;
    done(error instanceof Error ? error : new PermissioError(String(error)));
  };
  let result: void | Promise<void>;
  try {
    result = hook(request, reply, outcome);
  } catch (error) {
    failed(error);
    return;
  }
  if (result instanceof Promise) {
    result.then(() => sendProblem(reply, outcome), failed);
    return;
  }
  sendProblem(reply, outcome);
}

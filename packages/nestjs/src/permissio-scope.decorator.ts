/**
 * `@PermissioScope()`: hands a handler the request scope, so its own checks
 * share the request's decision cache.
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { PermissioError } from '@permissio/core';
import { scopeOf, type AuthorizationContext } from '@permissio/core/internal';
import type { PermissioRequestScope } from './permissio-options.interface.js';
import { registrationOf, startedContext, storedContext } from './request-state.js';

/** The authorization context of `request`, once resolved (after the request's first decision). */
export function getPermissioContext(request: unknown): AuthorizationContext | undefined {
  const context = storedContext(request);
  return context instanceof Promise ? undefined : context;
}

/**
 * The request scope of `request` (Express `req` or Fastify `request`):
 * started on first use when a Permissio guard ran for the request, or
 * `undefined` when none did, or while asynchronous user/tenant resolvers
 * are still answering (no decision has run yet).
 */
export function getPermissioScope(request: unknown): PermissioRequestScope | undefined {
  const stored = storedContext(request);
  if (stored !== undefined) return scopeOf(stored);
  const authorizer = registrationOf(request);
  if (authorizer === undefined) return undefined;
  return scopeOf(startedContext(request as never, authorizer));
}

function permissioScopeFactory(_data: unknown, context: ExecutionContext): PermissioRequestScope {
  const scope = getPermissioScope(context.switchToHttp().getRequest());
  if (scope === undefined) {
    throw new PermissioError(
      "@PermissioScope(): no request scope: PermissioGuard did not run for this request (keep the module's global guard, or apply @UseGuards(PermissioGuard)), or the user/tenant resolvers are asynchronous and no @RequirePermission decision ran yet.",
    );
  }
  return scope;
}

/**
 * Parameter decorator giving the handler the request's `RequestScope`:
 * `get(@PermissioScope() scope: PermissioRequestScope)`. Available on every
 * route a Permissio guard runs for, protected or not. Checks made with it
 * reuse the guard's answers (the PDP is asked each question at most once per
 * request).
 */
export const PermissioScope: () => ParameterDecorator = createParamDecorator(permissioScopeFactory);

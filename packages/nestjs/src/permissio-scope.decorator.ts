/**
 * `@PermissioScope()`: hands a handler the request scope the guard created,
 * so its own checks share the request's decision cache.
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { PermissioError } from '@permissio/core';
import type { AuthorizationContext } from '@permissio/core/internal';
import { PERMISSIO_CONTEXT } from './permissio.constants.js';
import type { PermissioRequestScope } from './permissio-options.interface.js';

/** The authorization context `PermissioGuard` stored on `request`, if it ran. */
export function getPermissioContext(request: unknown): AuthorizationContext | undefined {
  if (request === null || typeof request !== 'object') return undefined;
  return (request as { [PERMISSIO_CONTEXT]?: AuthorizationContext })[PERMISSIO_CONTEXT];
}

/**
 * The request scope `PermissioGuard` created for `request` (Express `req` or
 * Fastify `request`), or `undefined` when the guard did not run for it.
 */
export function getPermissioScope(request: unknown): PermissioRequestScope | undefined {
  return getPermissioContext(request)?.scope;
}

function permissioScopeFactory(_data: unknown, context: ExecutionContext): PermissioRequestScope {
  const scope = getPermissioScope(context.switchToHttp().getRequest());
  if (scope === undefined) {
    throw new PermissioError(
      "@PermissioScope(): PermissioGuard did not run for this request. Keep the module's global guard, or apply @UseGuards(PermissioGuard).",
    );
  }
  return scope;
}

/**
 * Parameter decorator giving the handler the request's `RequestScope`:
 * `get(@PermissioScope() scope: PermissioRequestScope)`. Available on every
 * route the guard runs for, protected or not. Checks made with it reuse the
 * guard's answers (the PDP is asked each question at most once per request).
 */
export const PermissioScope: () => ParameterDecorator = createParamDecorator(permissioScopeFactory);

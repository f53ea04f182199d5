/**
 * What the guard keeps on the underlying HTTP request: the registration (so
 * `@PermissioScope()` can start the context on unprotected routes) and the
 * authorization context, started at the request's first decision.
 */
import type { MaybePromise } from '@permissio/core';
import type { AuthorizationContext, Authorizer } from '@permissio/core/internal';
import { PERMISSIO_CONTEXT } from './permissio.constants.js';
import type { PermissioRequest } from './permissio-options.interface.js';

const AUTHORIZER: unique symbol = Symbol.for('@permissio/nestjs:authorizer') as never;

interface RequestState {
  [AUTHORIZER]?: Authorizer<PermissioRequest>;
  [PERMISSIO_CONTEXT]?: MaybePromise<AuthorizationContext>;
}

function holder(request: unknown): (PermissioRequest & RequestState) | undefined {
  return request !== null && typeof request === 'object' ? (request as PermissioRequest & RequestState) : undefined;
}

/** Records which registration guards `request` (first guard wins). */
export function attachRegistration(request: PermissioRequest, authorizer: Authorizer<PermissioRequest>): void {
  const state = request as PermissioRequest & RequestState;
  if (state[AUTHORIZER] === undefined) state[AUTHORIZER] = authorizer;
}

/** The registration a guard recorded on `request`, if any. */
export function registrationOf(request: unknown): Authorizer<PermissioRequest> | undefined {
  return holder(request)?.[AUTHORIZER];
}

/**
 * The request's authorization context, started (user and tenant resolved) on
 * first use and kept on the request; its scope becomes `request.permissio`.
 */
export function startedContext(
  request: PermissioRequest,
  authorizer: Authorizer<PermissioRequest>,
): MaybePromise<AuthorizationContext> {
  const state = request as PermissioRequest & RequestState;
  const existing = state[PERMISSIO_CONTEXT];
  if (existing !== undefined) return existing;
  const started = authorizer.begin(request);
  state[PERMISSIO_CONTEXT] = started;
  if (started instanceof Promise) {
    void started.then((context) => {
      if (state[PERMISSIO_CONTEXT] === started) {
        state[PERMISSIO_CONTEXT] = context;
        state.permissio = context.scope;
      }
    });
  } else {
    state.permissio = started.scope;
  }
  return started;
}

/** The context stored on `request`, started or still resolving. */
export function storedContext(request: unknown): MaybePromise<AuthorizationContext> | undefined {
  return holder(request)?.[PERMISSIO_CONTEXT];
}

/**
 * What one adapter registration (`permissio()` middleware, Fastify plugin,
 * Nest module) shares with its route guards, and the one error every adapter
 * raises when a protected route runs without that registration.
 */
import { PermissioError } from '../errors.js';
import { Authorizer, type RefusalHooks } from './authorizer.js';
import type { PermissioAdapterBaseOptions } from './options.js';

/** The state of one registration: the decision logic and the app's refusal hooks. */
export interface AdapterRegistration<Req, Hook> extends RefusalHooks<Hook> {
  readonly authorizer: Authorizer<Req>;
}

/**
 * Validates `options` and builds a registration.
 * @throws TypeError naming the first invalid option
 */
export function createRegistration<Req, Hook>(
  options: PermissioAdapterBaseOptions<Req> & RefusalHooks<Hook>,
  framework: string,
  hookNames?: readonly string[],
  extraOptions?: readonly string[],
): AdapterRegistration<Req, Hook> {
  const authorizer = new Authorizer<Req>(options, framework, hookNames, extraOptions);
  return {
    authorizer,
    onDenied: options.onDenied,
    onUnauthenticated: options.onUnauthenticated,
    onError: options.onError,
  };
}

/** The code of {@link notRegisteredError}, the same in every adapter. */
export const NOT_REGISTERED = 'ADAPTER_NOT_REGISTERED';

/**
 * The error of a protected route that runs without the adapter's
 * registration. `fix` says what to register, e.g.
 * `"register app.use(permissio({ ... })) before requirePermission"`.
 */
export function notRegisteredError(framework: string, what: string, fix: string): PermissioError {
  return new PermissioError(`@permissio/${framework}: ${what}; ${fix}.`, { code: NOT_REGISTERED });
}

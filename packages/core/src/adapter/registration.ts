/**
 * What one adapter registration (`permissio()` middleware, Fastify plugin,
 * Nest module) shares with its route guards, and the one error every adapter
 * raises when a protected route runs without that registration.
 */
import { PermissioError } from '../errors.js';
import { Authorizer, type RefusalHooks } from './authorizer.js';
import type { PermissioAdapterBaseOptions } from './options.js';
import { resolveRefusalMode, type RefusalMode } from './refusal-error.js';

/**
 * The state of one registration: the decision logic, the app's refusal hooks
 * and the per-registration settings the route guards read.
 */
export interface AdapterRegistration<Req, Hook> extends RefusalHooks<Hook> {
  readonly authorizer: Authorizer<Req>;
  /** How a refusal no hook handles is answered (`refusal` option; `'respond'` where an adapter has no such option). */
  readonly refusal: RefusalMode;
  /** `requireGuard`: routes with neither a guard nor a public marker are refused. */
  readonly requireGuard: boolean;
}

/**
 * Validates `options` and builds a registration.
 * @throws TypeError naming the first invalid option
 */
export function createRegistration<Req, Hook>(
  options: PermissioAdapterBaseOptions<Req> & RefusalHooks<Hook> & { readonly refusal?: unknown },
  framework: string,
  hookNames?: readonly string[],
  extraOptions?: readonly string[],
): AdapterRegistration<Req, Hook> {
  // Validates every shared option and rejects unknown ones (so `refusal` reaches here only where it is known).
  const authorizer = new Authorizer<Req>(options, framework, hookNames, extraOptions);
  return {
    authorizer,
    onDenied: options.onDenied,
    onUnauthenticated: options.onUnauthenticated,
    onError: options.onError,
    refusal: resolveRefusalMode(options.refusal, framework),
    requireGuard: authorizer.options.requireGuard,
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

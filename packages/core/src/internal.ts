/**
 * `@permissio/core/internal`: the decision logic shared by the framework
 * adapters. Public enough for a community adapter, but not part of the
 * semver-stable client API.
 */
export { Authorizer, selectRefusalHook } from './adapter/authorizer.js';
export type { AuthorizationContext, AuthorizationOutcome, RefusalHooks, RefusalOutcome } from './adapter/authorizer.js';
export { resolveAdapterOptions, assertPermissionArguments } from './adapter/options.js';
export type {
  PermissioAdapterBaseOptions,
  ResolvedAdapterOptions,
  ResolvedUser,
  ResourceSpec,
} from './adapter/options.js';
export { problem, PROBLEM_CONTENT_TYPE } from './adapter/problem.js';
export type { ProblemDetails } from './adapter/problem.js';
export { resourceFromRequestPath, assertResourceFromPathArguments } from './adapter/resource-from-path.js';
export type { ResourceFromPathOptions } from './adapter/resource-from-path.js';
export {
  assertAttributesWithinLimits,
  MAX_ATTRIBUTE_DEPTH,
  MAX_ATTRIBUTES_SIZE,
} from './validation.js';

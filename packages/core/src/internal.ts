/**
 * `@permissio/core/internal`: the decision logic shared by the framework
 * adapters. Public enough for a community adapter, but not part of the
 * semver-stable client API.
 *
 * It also carries the helpers the sibling packages (engine, server, the
 * adapters) share with core: key and URI validation, the error ↔ HTTP status
 * mapping, the bulk limit, the cache-key and retry primitives, and the `time`
 * attribute parser (the engine and `@permissio/filter` must read times alike). They are
 * not part of the client API; `test/api-surface` in packages/integration
 * pins both entry points so an export is always a deliberate choice.
 */
export { apiErrorFromStatus, errorFromStatus, statusForError } from './errors.js';
export {
  assertKey,
  parsePermission,
  canonicalPermission,
  canonicalizeResourceUri,
  uriAncestors,
} from './validation.js';
export { MAX_BULK } from './http/http-pdp.js';
export { parseRetryAfter, backoffDelay } from './http/transport.js';
export { canonicalJson, checkCacheKey } from './cache-key.js';
export { parseTime } from './time.js';
export { Authorizer, scopeOf, selectRefusalHook } from './adapter/authorizer.js';
export { createRegistration, notRegisteredError, NOT_REGISTERED } from './adapter/registration.js';
export type { AdapterRegistration } from './adapter/registration.js';
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

// Route markers, manifest, requireGuard, startup validation and refusal errors (issue 11, items 4–6 and 11).
export {
  GUARD_MARK,
  PUBLIC_MARK,
  describeGuard,
  markGuard,
  guardOf,
  markPublic,
  isPublicMarker,
  markResourceType,
  routeAccess,
  manifestEntry,
  sortManifest,
  formatManifest,
} from './adapter/routes.js';
export type { RouteGuard, RouteAccess, RouteManifestEntry } from './adapter/routes.js';
export { unguardedOutcome, unguardedStyle } from './adapter/unguarded.js';
export type { UnguardedStyle } from './adapter/unguarded.js';
export { PermissioRefusalError, resolveRefusalMode } from './adapter/refusal-error.js';
export type { RefusalMode } from './adapter/refusal-error.js';
export {
  checkManifestAgainstPolicy,
  validateManifest,
  resolveRouteValidation,
  suggest,
  validateRoutesWith,
} from './adapter/policy-check.js';
export type {
  PolicyCheckResult,
  PolicyIssue,
  RouteValidationMode,
  ValidateManifestOptions,
  ValidateRoutesOptions,
} from './adapter/policy-check.js';
export { closestName, editDistance } from './suggest.js';

// Decision events (issue 15): the builder and delivery the server and @permissio/opentelemetry reuse.
export { DecisionSink, emitDecision, nextDecisionId } from './decision-events.js';
export type { DecisionObserver } from './decision-events.js';
export { maskDecision } from './decision-log.js';
export {
  DecisionTiming,
  SERVER_TIMING_HEADER,
  serverTimingOf,
  serverTimingOnWrite,
  serverTimingValue,
} from './adapter/server-timing.js';
export type { DenialExplanation } from './adapter/why.js';

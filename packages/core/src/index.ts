export {
  PermissioError,
  PermissioValidationError,
  PermissioNetworkError,
  PermissioTimeoutError,
  PermissioApiError,
  PermissioAuthenticationError,
  PermissioPermissionError,
  PermissioNotFoundError,
  PermissioConflictError,
  PermissioRateLimitError,
} from './errors.js';
export type {
  PermissioErrorOptions,
  PermissioValidationErrorOptions,
  PermissioApiErrorOptions,
  PermissioRateLimitErrorOptions,
} from './errors.js';
export {
  isValidKey,
  parseResourceInstance,
  isUriAncestorOrSelf,
  MAX_KEY_LENGTH,
  MAX_URI_BYTES,
  MAX_URI_SEGMENTS,
} from './validation.js';
export type { KeyKind, ParsedPermission, ParsedInstance } from './validation.js';
export { DECISION_REASONS, DEFAULT_TENANT } from './types.js';
export type * from './types.js';
export type * from './catalogue-types.js';
export { definePolicy } from './typed.js';
export type {
  ActionOf,
  DefinedPolicy,
  PermissionOf,
  PermissionsWithin,
  PolicyShape,
  PolicyShapeOf,
  PolicyTyped,
  Register,
  RegisteredShape,
  RegisteredType,
  ResourceOf,
  ResourceTypeOf,
  TypedCheckRequest,
  UntypedShape,
} from './typed.js';
export { Permissio } from './client.js';
export { RequestScope } from './scope.js';
export type { RequestScopeOptions, RequestScopeStats } from './scope.js';
export type {
  DecisionEvent,
  DecisionEventResource,
  DecisionListener,
  DecisionRoute,
  DecisionSource,
} from './decision-events.js';
export type {
  OperationEnd,
  OperationHandle,
  OperationKind,
  OperationStart,
  PermissioInstrumentation,
} from './instrumentation.js';
export { createDecisionLog, seededRandom, MASKED } from './decision-log.js';
export type { DecisionLogOptions, DecisionLogWritable } from './decision-log.js';
export { HttpPdp } from './http/http-pdp.js';
export type { HttpPdpOptions } from './http/http-pdp.js';
export {
  ConfigBuilder,
  TOKEN_PREFIX,
  DEFAULT_API_URL,
  DEFAULT_TIMEOUT,
  DEFAULT_CHECK_TIMEOUT,
  DEFAULT_RETRY_ATTEMPTS,
  DEFAULT_MAX_RESPONSE_BYTES,
  MIN_TIMEOUT_MS,
} from './options.js';
export type { PermissioOptions, PermissioConfig, FetchFunction } from './options.js';
export { UserBuilder, ResourceBuilder, ContextBuilder } from './builders.js';
export { consoleLogger } from './logger.js';
export type { Logger } from './logger.js';
export type {
  ManagementApi,
  UsersApi,
  TenantsApi,
  RolesApi,
  ResourcesApi,
  RoleAssignmentsApi,
  RoleAssignmentListParams,
  ConditionSetsApi,
  ConditionSetRulesApi,
  ConditionSetRuleListParams,
  PermissionsApi,
  PrincipalsApi,
  OrNull,
  WithFailureMode,
} from './management.js';
export { SDK_VERSION } from './version.js';

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
  apiErrorFromStatus,
  statusForError,
} from './errors.js';
export type {
  PermissioErrorOptions,
  PermissioApiErrorOptions,
  PermissioRateLimitErrorOptions,
} from './errors.js';
export {
  assertKey,
  isValidKey,
  parsePermission,
  parseResourceInstance,
  canonicalizeResourceUri,
  uriAncestors,
  isUriAncestorOrSelf,
  MAX_KEY_LENGTH,
  MAX_URI_BYTES,
  MAX_URI_SEGMENTS,
} from './validation.js';
export type { KeyKind, ParsedPermission, ParsedInstance } from './validation.js';
export { DEFAULT_TENANT } from './types.js';
export type * from './types.js';

/**
 * The Permissio error hierarchy (docs/CLIENT.md, "Errors").
 *
 * ```
 * PermissioError
 * ├── PermissioValidationError          bad input: caught before a call, or the PDP's 422 (same class either way)
 * ├── PermissioNetworkError             no answer: refused, reset, DNS …
 * │   └── PermissioTimeoutError         no answer within the time budget
 * └── PermissioApiError                 the PDP answered with an error status
 *     ├── PermissioAuthenticationError  401
 *     ├── PermissioPermissionError      403
 *     ├── PermissioNotFoundError        404
 *     ├── PermissioConflictError        409
 *     └── PermissioRateLimitError       429 (`retryAfter` seconds)
 * ```
 *
 * Messages never contain an API key.
 */

/** Options accepted by every Permissio error. */
export interface PermissioErrorOptions {
  /** Machine-readable code, e.g. `VALIDATION_ERROR`, `NOT_FOUND`. */
  code?: string;
  /** Structured detail (offending field, entity key …). */
  details?: unknown;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The global brand every Permissio error class carries (a static property
 * naming the class). `instanceof` falls back to it, so an error from one
 * copy of this module is recognised by another: the CommonJS and ESM builds
 * loaded side by side, or two installed copies of `@permissio/core`.
 */
const KIND = Symbol.for('permissio.error.kind');

function kindOf(value: unknown): unknown {
  return typeof value === 'function' && Object.hasOwn(value, KIND) ? (value as { [KIND]?: unknown })[KIND] : undefined;
}

/** Whether `value`'s prototype chain has a class branded `kind`. */
function hasKind(value: unknown, kind: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  for (let proto: unknown = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const ctor = Object.hasOwn(proto as object, 'constructor')
      ? (proto as { constructor: unknown }).constructor
      : undefined;
    if (kindOf(ctor) === kind) return true;
  }
  return false;
}

/** `value instanceof type`: the prototype chain, then the brand of Permissio's own classes. */
function isInstance(type: unknown, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(type, value)) return true;
  const kind = kindOf(type);
  return kind !== undefined && hasKind(value, kind);
}

/** Base class of every error thrown by Permissio packages. */
export class PermissioError extends Error {
  /**
   * `instanceof` that survives duplication: the ordinary prototype check,
   * then, for Permissio's own classes, the brand of the class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of `instanceof` (maybe a subclass)
    return isInstance(this, value);
  }

  override name = 'PermissioError';
  /** Machine-readable code, e.g. `VALIDATION_ERROR`. */
  readonly code: string;
  /** Structured detail, when available. */
  readonly details: unknown;

  constructor(message: string, options: PermissioErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'PERMISSIO_ERROR';
    this.details = options.details;
  }
}

/** Options of a validation error. */
export interface PermissioValidationErrorOptions extends PermissioErrorOptions {
  /** `422` when a remote PDP answered with it; absent when the input was refused locally, before any call. */
  statusCode?: number;
}

/**
 * Input that breaks a rule (bad key, bad URI, unknown permission on a role …). HTTP 422.
 * The same class whichever transport found the problem: the embedded engine and
 * the client's own checks throw it, and so does `HttpPdp` when the server answers 422
 * (then `statusCode` is `422`).
 */
export class PermissioValidationError extends PermissioError {
  override name = 'PermissioValidationError';
  /** `422` when a remote PDP answered with it; `undefined` when the input was refused locally, before any call. */
  readonly statusCode: number | undefined;
  constructor(message: string, options: PermissioValidationErrorOptions = {}) {
    const { statusCode, ...rest } = options;
    super(message, { code: 'VALIDATION_ERROR', ...rest });
    this.statusCode = statusCode;
  }
}

/** The PDP could not be reached or did not answer. */
export class PermissioNetworkError extends PermissioError {
  override name = 'PermissioNetworkError';
  constructor(message: string, options: PermissioErrorOptions = {}) {
    super(message, { code: 'NETWORK_ERROR', ...options });
  }
}

/** The PDP did not answer within the time budget (`timeout` / `checkTimeout`). */
export class PermissioTimeoutError extends PermissioNetworkError {
  override name = 'PermissioTimeoutError';
  constructor(message: string, options: PermissioErrorOptions = {}) {
    super(message, { code: 'TIMEOUT', ...options });
  }
}

/** Options of an API error: the HTTP status is required. */
export interface PermissioApiErrorOptions extends PermissioErrorOptions {
  statusCode: number;
}

/** The PDP answered with an error status. */
export class PermissioApiError extends PermissioError {
  override name = 'PermissioApiError';
  /** HTTP status code of the answer. */
  readonly statusCode: number;

  constructor(message: string, options: PermissioApiErrorOptions) {
    super(message, { code: defaultCodeFor(options.statusCode), ...options });
    this.statusCode = options.statusCode;
  }

  get isNotFound(): boolean {
    return this.statusCode === 404;
  }
  get isUnauthorized(): boolean {
    return this.statusCode === 401;
  }
  get isForbidden(): boolean {
    return this.statusCode === 403;
  }
  get isBadRequest(): boolean {
    return this.statusCode === 400 || this.statusCode === 422;
  }
  get isConflict(): boolean {
    return this.statusCode === 409;
  }
  get isServerError(): boolean {
    return this.statusCode >= 500;
  }
  /** 408, 429, 502, 503 and 504 are worth retrying. */
  get isRetryable(): boolean {
    return [408, 429, 502, 503, 504].includes(this.statusCode);
  }
}

/** 401: missing or invalid API key. */
export class PermissioAuthenticationError extends PermissioApiError {
  override name = 'PermissioAuthenticationError';
  constructor(message: string, options: Partial<PermissioApiErrorOptions> = {}) {
    super(message, { code: 'UNAUTHORIZED', ...options, statusCode: 401 });
  }
}

/** 403: the key is valid but not allowed on this project/environment. */
export class PermissioPermissionError extends PermissioApiError {
  override name = 'PermissioPermissionError';
  constructor(message: string, options: Partial<PermissioApiErrorOptions> = {}) {
    super(message, { code: 'FORBIDDEN', ...options, statusCode: 403 });
  }
}

/** 404: the entity does not exist. */
export class PermissioNotFoundError extends PermissioApiError {
  override name = 'PermissioNotFoundError';
  constructor(message: string, options: Partial<PermissioApiErrorOptions> = {}) {
    super(message, { code: 'NOT_FOUND', ...options, statusCode: 404 });
  }
}

/** 409: the entity already exists, or the write would create a role cycle. */
export class PermissioConflictError extends PermissioApiError {
  override name = 'PermissioConflictError';
  constructor(message: string, options: Partial<PermissioApiErrorOptions> = {}) {
    super(message, { code: 'CONFLICT', ...options, statusCode: 409 });
  }
}

/** Options of a rate-limit error. */
export interface PermissioRateLimitErrorOptions extends Partial<PermissioApiErrorOptions> {
  /** Seconds to wait before retrying, from `Retry-After`. */
  retryAfter?: number;
}

/** 429: rate limited; `retryAfter` says how many seconds to wait. */
export class PermissioRateLimitError extends PermissioApiError {
  override name = 'PermissioRateLimitError';
  /** Seconds to wait before retrying (from `Retry-After`; 0 when absent). */
  readonly retryAfter: number;
  constructor(message: string, options: PermissioRateLimitErrorOptions = {}) {
    super(message, { code: 'RATE_LIMITED', ...options, statusCode: 429 });
    this.retryAfter = options.retryAfter ?? 0;
  }
}

const BRANDS: [type: abstract new (...args: never[]) => PermissioError, name: string][] = [
  [PermissioError, 'PermissioError'],
  [PermissioValidationError, 'PermissioValidationError'],
  [PermissioNetworkError, 'PermissioNetworkError'],
  [PermissioTimeoutError, 'PermissioTimeoutError'],
  [PermissioApiError, 'PermissioApiError'],
  [PermissioAuthenticationError, 'PermissioAuthenticationError'],
  [PermissioPermissionError, 'PermissioPermissionError'],
  [PermissioNotFoundError, 'PermissioNotFoundError'],
  [PermissioConflictError, 'PermissioConflictError'],
  [PermissioRateLimitError, 'PermissioRateLimitError'],
];
for (const [type, name] of BRANDS) Object.defineProperty(type, KIND, { value: `@permissio/core:${name}` });

function defaultCodeFor(status: number): string {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 422) return 'VALIDATION_ERROR';
  if (status >= 500) return 'SERVER_ERROR';
  return `HTTP_${status}`;
}

/**
 * Builds the right error subclass for an HTTP status (used by the HTTP
 * transport and by anything mapping an error body back to an error).
 */
export function apiErrorFromStatus(
  statusCode: number,
  message: string,
  options: PermissioErrorOptions & { retryAfter?: number } = {},
): PermissioApiError {
  switch (statusCode) {
    case 401:
      return new PermissioAuthenticationError(message, options);
    case 403:
      return new PermissioPermissionError(message, options);
    case 404:
      return new PermissioNotFoundError(message, options);
    case 409:
      return new PermissioConflictError(message, options);
    case 429:
      return new PermissioRateLimitError(message, options);
    default:
      return new PermissioApiError(message, { ...options, statusCode });
  }
}

/**
 * The error for an HTTP error answer, as the HTTP transport throws it: a 422
 * is a {@link PermissioValidationError} (`statusCode` 422), like the same bad
 * input refused by the embedded engine; every other status is the
 * {@link apiErrorFromStatus} subclass.
 */
export function errorFromStatus(
  statusCode: number,
  message: string,
  options: PermissioErrorOptions & { retryAfter?: number } = {},
): PermissioApiError | PermissioValidationError {
  if (statusCode === 422) {
    const { retryAfter: _ignored, ...rest } = options;
    return new PermissioValidationError(message, { ...rest, statusCode });
  }
  return apiErrorFromStatus(statusCode, message, options);
}

/**
 * The HTTP status a server should answer for an error thrown by a PDP
 * (the inverse of {@link apiErrorFromStatus}): validation → 422, API errors
 * keep their status, anything else → 500.
 */
export function statusForError(error: unknown): number {
  if (error instanceof PermissioValidationError) return 422;
  if (error instanceof PermissioApiError) return error.statusCode;
  return 500;
}

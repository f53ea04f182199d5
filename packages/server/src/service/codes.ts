/**
 * The service's error codes: one numeric code per situation, shared by both
 * transports. The numbers are the gRPC status codes (the REST facade answers
 * `{"error": {"code": N, "message": "…"}}` with the HTTP status below; the gRPC
 * service ends the call with status N). docs/SERVICE.md lists them.
 */
import { PermissioError, PermissioRateLimitError } from '@permissio/core';
import { statusForError } from '@permissio/core/internal';

/** The numeric codes the service answers with (gRPC status codes). */
export const ServiceCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** One of {@link ServiceCode}. */
export type ServiceCodeValue = (typeof ServiceCode)[keyof typeof ServiceCode];

/** The HTTP status of each code on the REST facade. */
export const HTTP_STATUS: Record<ServiceCodeValue, number> = {
  3: 400,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  12: 501,
  13: 500,
  14: 503,
  16: 401,
};

/** An error of the service: a code, a message for the caller, and (rate limits) seconds to wait. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  readonly code: ServiceCodeValue;
  readonly retryAfter: number | undefined;
  /** True when the cause is the server's own failure (log it; the caller gets a generic message). */
  readonly internal: boolean;
  constructor(code: ServiceCodeValue, message: string, options: { retryAfter?: number; internal?: boolean } = {}) {
    super(message);
    this.code = code;
    this.retryAfter = options.retryAfter;
    this.internal = options.internal ?? false;
  }
}

/** An `INVALID_ARGUMENT` error naming the field. */
export function invalidArgument(message: string): ServiceError {
  return new ServiceError(ServiceCode.INVALID_ARGUMENT, message);
}

const BY_HTTP_STATUS: Record<number, ServiceCodeValue> = {
  400: ServiceCode.INVALID_ARGUMENT,
  401: ServiceCode.UNAUTHENTICATED,
  403: ServiceCode.PERMISSION_DENIED,
  404: ServiceCode.NOT_FOUND,
  409: ServiceCode.ALREADY_EXISTS,
  413: ServiceCode.INVALID_ARGUMENT,
  422: ServiceCode.INVALID_ARGUMENT,
  429: ServiceCode.RESOURCE_EXHAUSTED,
  501: ServiceCode.UNIMPLEMENTED,
};

const INTERNAL_MESSAGE = 'The server failed to answer this request; see its log.';

/**
 * The one mapping of anything thrown while serving an operation onto a
 * service error: Permissio errors by their status (422 → INVALID_ARGUMENT,
 * 404 → NOT_FOUND, 409 → ALREADY_EXISTS, 403 → PERMISSION_DENIED, 429 →
 * RESOURCE_EXHAUSTED, 401 → UNAUTHENTICATED), storage outages → UNAVAILABLE,
 * anything else → INTERNAL with a generic message (never the cause's text).
 */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if ((error as Error | undefined)?.name === 'StorageUnavailableError') {
    return new ServiceError(
      ServiceCode.UNAVAILABLE,
      'The database does not answer; nothing was changed. Retry shortly.',
      {
        retryAfter: 1,
        internal: true,
      },
    );
  }
  if (error instanceof PermissioError) {
    const status = statusForError(error);
    const code = BY_HTTP_STATUS[status];
    if (code === undefined) return new ServiceError(ServiceCode.INTERNAL, INTERNAL_MESSAGE, { internal: true });
    const retryAfter = error instanceof PermissioRateLimitError ? error.retryAfter : undefined;
    return new ServiceError(code, error.message, retryAfter === undefined ? {} : { retryAfter });
  }
  // Fastify's body errors (invalid JSON, body too large, wrong media type) on the REST facade.
  const e = error as { statusCode?: number; message?: string };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const message = error instanceof SyntaxError ? 'The request body is not valid JSON.' : String(e.message);
    return new ServiceError(BY_HTTP_STATUS[e.statusCode] ?? ServiceCode.INVALID_ARGUMENT, message);
  }
  return new ServiceError(ServiceCode.INTERNAL, INTERNAL_MESSAGE, { internal: true });
}

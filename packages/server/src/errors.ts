/**
 * Every error answer has one shape:
 * `{"error": {"code": "STRING_CODE", "message": "…", "details"?: …}}`
 * with the statuses of docs/CLIENT.md ("Errors") and docs/REST.md. This module turns whatever was thrown
 * (a Permissio error from the engine, a Fastify validation or parsing error,
 * anything else) into that answer.
 */
import { PermissioError, PermissioRateLimitError } from '@permissio/core';
import { statusForError } from '@permissio/core/internal';

/** The JSON error body. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** A resolved error answer. */
export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
  /** True for 5xx: log it with its stack. */
  internal: boolean;
}

/** Builds an error body. */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** One Ajv error, as much of it as we read. */
export interface AjvErrorLike {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** A validation issue as reported in `details.errors`. */
export interface ValidationIssue {
  field: string;
  message: string;
}

const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'BAD_REQUEST', message: 'The request body is empty.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_REQUEST', message: 'The URL has a malformed percent-escape.' },
};

/**
 * An error the server answers with its own status and code (not a 500):
 * `STALE_REPLICA`, `STORAGE_UNAVAILABLE` (503, with `Retry-After`).
 */
export class ServerAnswerError extends Error {
  override name = 'ServerAnswerError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly retryAfter: number | undefined;
  constructor(status: number, code: string, message: string, options: { details?: unknown; retryAfter?: number } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }
}

/** Maps anything thrown while answering a request to an error answer. */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ServerAnswerError) {
    return {
      status: error.status,
      body: errorBody(error.code, error.message, error.details),
      headers: error.retryAfter === undefined ? undefined : { 'retry-after': String(error.retryAfter) },
      internal: false,
    };
  }
  if ((error as Error | undefined)?.name === 'StorageUnavailableError') {
    // The database of a replicated server does not answer: nothing was changed; try again (or another replica).
    return {
      status: 503,
      body: errorBody('STORAGE_UNAVAILABLE', 'The database does not answer; nothing was changed. Retry shortly.'),
      headers: { 'retry-after': '1' },
      internal: true,
    };
  }
  if (error instanceof PermissioError) {
    const status = statusForError(error);
    const headers = error instanceof PermissioRateLimitError ? { 'retry-after': String(error.retryAfter) } : undefined;
    if (status >= 500) return internalError();
    return { status, body: errorBody(error.code, error.message, error.details), headers, internal: false };
  }
  const e = error as { validation?: AjvErrorLike[]; validationContext?: string; code?: string; statusCode?: number };
  if (Array.isArray(e?.validation)) {
    const { message, details } = describeValidation(e.validationContext ?? 'body', e.validation);
    return { status: 422, body: errorBody('VALIDATION_ERROR', message, details), internal: false };
  }
  if (error instanceof SyntaxError && e.statusCode === 400) {
    return {
      status: 400,
      body: errorBody('BAD_REQUEST', 'The request body is not valid JSON.'),
      internal: false,
    };
  }
  const known = e?.code === undefined ? undefined : FASTIFY_CODES[e.code];
  if (known !== undefined) {
    const message = known.message ?? (error instanceof Error ? error.message : 'Bad request.');
    return { status: known.status, body: errorBody(known.code, message), internal: false };
  }
  // Fastify's other client errors (e.g. prototype poisoning in a JSON body).
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && error instanceof Error) {
    return {
      status: e.statusCode,
      body: errorBody(e.statusCode === 400 ? 'BAD_REQUEST' : `HTTP_${e.statusCode}`, error.message),
      internal: false,
    };
  }
  return internalError();
}

function internalError(): ErrorAnswer {
  return {
    status: 500,
    body: errorBody('INTERNAL_ERROR', 'The server failed to answer this request; see its log.'),
    internal: true,
  };
}

/** `/checks/0/user` in `body` → `body.checks[0].user`. */
export function fieldName(context: string, instancePath: string, child?: string): string {
  let out = context;
  const parts = instancePath === '' ? [] : instancePath.slice(1).split('/');
  if (child !== undefined) parts.push(child);
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part)
      ? `[${part}]`
      : /^[A-Za-z_$][\w$]*$/.test(part)
        ? `.${part}`
        : `[${JSON.stringify(part)}]`;
  }
  return out;
}

function issueOf(context: string, err: AjvErrorLike): ValidationIssue {
  if (err.keyword === 'required') {
    return { field: fieldName(context, err.instancePath, String(err.params.missingProperty)), message: 'is required' };
  }
  if (err.keyword === 'additionalProperties') {
    return {
      field: fieldName(context, err.instancePath, String(err.params.additionalProperty)),
      message: 'is not a known field',
    };
  }
  if (err.keyword === 'enum' && Array.isArray(err.params.allowedValues)) {
    return {
      field: fieldName(context, err.instancePath),
      message: `must be one of ${err.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return { field: fieldName(context, err.instancePath), message: err.message ?? `fails "${err.keyword}"` };
}

/**
 * A message that names the field, from Ajv's errors. For `anyOf` (a user or
 * resource given as a string or an object), the most specific branch error
 * is reported, or "must be a string or an object" when only types differ.
 */
export function describeValidation(
  context: string,
  errors: readonly AjvErrorLike[],
): { message: string; details: { field: string; errors: ValidationIssue[] } } {
  const anyOf = errors.find((err) => err.keyword === 'anyOf' || err.keyword === 'oneOf');
  let chosen: ValidationIssue;
  if (anyOf !== undefined) {
    const branch = errors.filter((err) => err !== anyOf && err.instancePath.startsWith(anyOf.instancePath));
    const specific = branch.find((err) => !(err.keyword === 'type' && err.instancePath === anyOf.instancePath));
    if (specific !== undefined) {
      chosen = issueOf(context, specific);
    } else {
      const types = branch.map((err) => String(err.params.type)).map((t) => (t === 'object' ? 'an object' : `a ${t}`));
      chosen = {
        field: fieldName(context, anyOf.instancePath),
        message: `must be ${types.length > 0 ? types.join(' or ') : 'valid'}`,
      };
    }
  } else {
    const first = errors[0];
    chosen = first === undefined ? { field: context, message: 'is invalid' } : issueOf(context, first);
  }
  const issues = errors.filter((err) => err !== anyOf).map((err) => issueOf(context, err));
  return {
    message: `${chosen.field} ${chosen.message}.`,
    details: { field: chosen.field, errors: issues.length > 0 ? issues : [chosen] },
  };
}

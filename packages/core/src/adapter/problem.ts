/**
 * RFC 9457 problem details: the body of every response an adapter writes
 * on its own (401, 400, 403, 503).
 */
import type { DenialExplanation } from './why.js';

/** Media type of adapter error responses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem details body, `{type, title, status, detail}` plus optional extensions. */
export interface ProblemDetails {
  /** Problem type URI; `about:blank` means "see the status". */
  type: string;
  /** Short human summary: the HTTP reason phrase. */
  title: string;
  /** HTTP status code. */
  status: number;
  /** Human explanation, free of internal detail unless `exposeReason` is on. */
  detail: string;
  /** Decision reason (only with `exposeReason`). */
  reason?: string;
  /** Error code of a PDP failure (only with `exposeReason`). */
  code?: string;
  /** Why a 403 was refused (only with `explainDenials`, a development option). */
  why?: DenialExplanation;
}

const TITLES: ReadonlyMap<number, string> = new Map([
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [500, 'Internal Server Error'],
  [503, 'Service Unavailable'],
]);

/** Builds a problem body for `status` with a human `detail`. */
export function problem(
  status: number,
  detail: string,
  extensions: Pick<ProblemDetails, 'reason' | 'code' | 'why'> = {},
): ProblemDetails {
  const body: ProblemDetails = { type: 'about:blank', title: TITLES.get(status) ?? 'Error', status, detail };
  if (extensions.reason !== undefined) body.reason = extensions.reason;
  if (extensions.code !== undefined) body.code = extensions.code;
  if (extensions.why !== undefined) body.why = extensions.why;
  return body;
}

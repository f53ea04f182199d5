/**
 * The error an adapter hands to the framework's error handler instead of
 * writing the refusal itself (Express `next(err)`, Fastify's error handler),
 * when the app asks for it (`refusal: 'error'`).
 */
import { PermissioError } from '../errors.js';
import type { RefusalOutcome } from './authorizer.js';
import type { ProblemDetails } from './problem.js';

/** A refused request, as an error carrying the status and the problem details. */
export class PermissioRefusalError extends PermissioError {
  override name = 'PermissioRefusalError';
  /** HTTP status to answer (401, 400, 403, 500 or 503). */
  readonly statusCode: number;
  /** Same as `statusCode` (Express and http-errors read `status`). */
  readonly status: number;
  /** The problem+json body the adapter would have written. */
  readonly problem: ProblemDetails;
  /** The refusal itself (kind, reason, underlying error). */
  readonly outcome: RefusalOutcome;
  /** Not to be shown as is to a client beyond the problem body (http-errors convention). */
  readonly expose = false;

  constructor(outcome: RefusalOutcome) {
    const cause = 'error' in outcome ? outcome.error : undefined;
    super(outcome.problem.detail, {
      code: `PERMISSIO_${outcome.kind.toUpperCase()}`,
      ...(cause === undefined ? {} : { cause }),
    });
    this.statusCode = outcome.status;
    this.status = outcome.status;
    this.problem = outcome.problem;
    this.outcome = outcome;
  }
}

/** How an adapter answers a refusal no hook handled: write the response, or raise an error for the app. */
export type RefusalMode = 'respond' | 'error';

/**
 * Validates the `refusal` option.
 * @throws TypeError naming the option
 */
export function resolveRefusalMode(value: unknown, framework: string): RefusalMode {
  if (value === undefined) return 'respond';
  if (value === 'respond' || value === 'error') return value;
  throw new TypeError(
    `@permissio/${framework}: option "refusal" must be "respond" (write the problem+json response) or "error" (hand a PermissioRefusalError to the framework's error handler).`,
  );
}

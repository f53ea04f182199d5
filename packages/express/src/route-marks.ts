/**
 * Per-request marks for `requireGuard`: a permission guard or a public marker
 * that ran for a request (at app, router or route level) marks it, so the
 * unguarded-route check lets it through.
 */
import type { Request } from 'express';

const MARK: unique symbol = Symbol.for('@permissio/express.routeMarked') as never;

type MarkedRequest = Request & { [MARK]?: true };

/** Records that a guard or a public marker ran for `req`. */
export function markRequest(req: Request): void {
  (req as MarkedRequest)[MARK] = true;
}

/** Whether a guard or a public marker ran for `req`. */
export function isRequestMarked(req: Request): boolean {
  return (req as MarkedRequest)[MARK] === true;
}

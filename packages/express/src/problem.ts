/** Writing a refusal: the app's hook when it has one, else problem+json. */
import type { NextFunction, Request, Response } from 'express';
import { PermissioError } from '@permissio/core';
import {
  PROBLEM_CONTENT_TYPE,
  PermissioRefusalError,
  type RefusalOutcome,
  selectRefusalHook,
} from '@permissio/core/internal';
import type { ExpressRegistration } from './middleware.js';

/** Writes `outcome` as an `application/problem+json` response. */
export function sendProblem(res: Response, outcome: RefusalOutcome): void {
  if (res.headersSent) return;
  res.status(outcome.status).set('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(outcome.problem));
}

/** Answers a refused request through the matching hook, or with the default response. */
export function refuse(
  registration: ExpressRegistration,
  req: Request,
  res: Response,
  next: NextFunction,
  outcome: RefusalOutcome,
): void {
  const hook = selectRefusalHook(outcome, registration);
  if (hook === undefined) {
    // `refusal: 'error'`: the app's error handler renders it.
    if (registration.refusal === 'error') next(new PermissioRefusalError(outcome));
    else sendProblem(res, outcome);
    return;
  }
  if (hook === 'next') {
    next(toError(outcome));
    return;
  }
  let nextCalled = false;
  const trackedNext: NextFunction = (value?: unknown) => {
    nextCalled = true;
    // A hook may pass a refused request on only with an error: a bare next() would run the handler.
    next(value === undefined || value === 'route' || value === 'router' ? toError(outcome) : value);
  };
  const fallback = (): void => {
    if (!nextCalled && !res.headersSent) sendProblem(res, outcome);
  };
  let result: void | Promise<void>;
  try {
    result = hook(req, res, trackedNext, outcome);
  } catch (error) {
    if (!nextCalled) next(error);
    return;
  }
  if (result instanceof Promise) {
    result.then(fallback, (error: unknown) => {
      if (!nextCalled && !res.headersSent) next(error);
    });
    return;
  }
  fallback();
}

/** The error handed to `next(err)`: the PDP error (or a PermissioError) carrying `status`. */
function toError(outcome: RefusalOutcome): Error & { status: number; statusCode: number } {
  const source = 'error' in outcome ? outcome.error : undefined;
  const error =
    source instanceof Error ? source : new PermissioError(outcome.problem.detail, { code: outcome.kind.toUpperCase() });
  return Object.assign(error, { status: outcome.status, statusCode: outcome.status, expose: false });
}

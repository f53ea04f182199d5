/**
 * `permissio(options)`: the Express middleware that starts every request's
 * authorization. It resolves the user and tenant once, creates the request's
 * decision cache (`req.permissio`) and keeps the per-request state under a
 * non-enumerable symbol for `requirePermission` to find.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  Authorizer,
  type AuthorizationContext,
  type PermissioAdapterBaseOptions,
  type RefusalMode,
  type RefusalOutcome,
  resolveRefusalMode,
} from '@permissio/core/internal';
import { watchRoute } from './unguarded.js';

/**
 * A hook called instead of the default problem+json response. It may write
 * its own response, call `next()` / `next(err)`, or do neither (the default
 * response is then written once the hook returns or its promise settles).
 */
export type PermissioExpressHook = (
  req: Request,
  res: Response,
  next: NextFunction,
  outcome: RefusalOutcome,
) => void | Promise<void>;

/** Options of {@link permissio}. */
export interface PermissioExpressOptions extends PermissioAdapterBaseOptions<Request> {
  /**
   * Called when a request is refused with 403 (denied, resolver failed) or
   * 400 (the request path is not a safe resource URI).
   * @defaultValue writes the problem+json response
   */
  onDenied?: PermissioExpressHook;
  /**
   * Called when a protected route is requested without a user (401).
   * @defaultValue writes the problem+json response
   */
  onUnauthenticated?: PermissioExpressHook;
  /**
   * Called when the PDP fails (unreachable, timeout, malformed answer).
   * `'next'` hands the error to Express's error handlers with `next(err)`
   * (`err.status` is the failure status); a function is a hook as above.
   * @defaultValue writes a 503 (or `failureStatus`) problem+json response
   */
  onError?: PermissioExpressHook | 'next';
  /**
   * How a refusal no hook handles is answered: `'respond'` writes the
   * problem+json response; `'error'` calls `next(err)` with a
   * `PermissioRefusalError` (`err.status`/`err.statusCode`, `err.problem`) so
   * the app's own error handler renders it.
   * @defaultValue 'respond'
   */
  refusal?: 'respond' | 'error';
}

/** What one `permissio()` registration shares with `requirePermission`. */
export interface ExpressInstance {
  readonly authorizer: Authorizer<Request>;
  readonly onDenied: PermissioExpressHook | undefined;
  readonly onUnauthenticated: PermissioExpressHook | undefined;
  readonly onError: PermissioExpressHook | 'next' | undefined;
  /** How refusals no hook handles are answered. */
  readonly refusal: RefusalMode;
}

/** Per-request state, stored on `req` under {@link STATE}. */
export interface ExpressRequestState {
  readonly instance: ExpressInstance;
  readonly context: AuthorizationContext;
}

/** Non-enumerable request slot of the per-request state (shared by ESM and CJS copies). */
export const STATE: unique symbol = Symbol.for('@permissio/express.state') as never;

type RequestWithState = Request & { [STATE]?: ExpressRequestState };

/** The per-request state `permissio()` attached, if it ran for `req`. */
export function requestState(req: Request): ExpressRequestState | undefined {
  return (req as RequestWithState)[STATE];
}

/**
 * Creates the Express middleware. Register it before any route that uses
 * `requirePermission` (`app.use(permissio({ client, user }))`).
 *
 * @throws TypeError naming the first invalid option
 */
export function permissio(options: PermissioExpressOptions): RequestHandler {
  const authorizer = new Authorizer<Request>(options, 'express', ['onDenied', 'onUnauthenticated']);
  const onError = options.onError;
  if (onError !== undefined && onError !== 'next' && typeof onError !== 'function') {
    throw new TypeError('@permissio/express: option "onError" must be a function or "next".');
  }
  const instance: ExpressInstance = {
    authorizer,
    onDenied: options.onDenied,
    onUnauthenticated: options.onUnauthenticated,
    onError,
    refusal: resolveRefusalMode(options.refusal, 'express'),
  };
  const requireGuard = authorizer.options.requireGuard;

  return function permissioMiddleware(req: Request, _res: Response, next: NextFunction): void {
    if (requireGuard) watchRoute(req);
    const started = authorizer.begin(req);
    if (started instanceof Promise) {
      started.then((context) => {
        attach(req, instance, context);
        next();
      }, next);
      return;
    }
    attach(req, instance, started);
    next();
  };
}

function attach(req: Request, instance: ExpressInstance, context: AuthorizationContext): void {
  Object.defineProperty(req, STATE, {
    value: { instance, context },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  req.permissio = context.scope;
}

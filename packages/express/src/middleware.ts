/**
 * `permissio(options)`: the Express middleware that marks every request for
 * authorization: it keeps the per-request state under a non-enumerable
 * symbol for `requirePermission` to find, and defines `req.permissio`. The
 * user and tenant are resolved lazily, at the request's first decision.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { DecisionRoute, MaybePromise, RequestScope } from '@permissio/core';
import {
  createRegistration,
  scopeOf,
  serverTimingOf,
  serverTimingOnWrite,
  type AdapterRegistration,
  type AuthorizationContext,
  type PermissioAdapterBaseOptions,
  type RefusalOutcome,
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
export type ExpressRegistration = AdapterRegistration<Request, PermissioExpressHook | 'next'>;

/** Per-request state, stored on `req` under {@link STATE}. */
export interface ExpressRequestState {
  readonly registration: ExpressRegistration;
  /** Started at the request's first decision (or first read of `req.permissio`). */
  context: MaybePromise<AuthorizationContext> | undefined;
}

/** Non-enumerable request slot of the per-request state (shared by ESM and CJS copies). */
export const STATE: unique symbol = Symbol.for('@permissio/express.state') as never;

type RequestWithState = Request & { [STATE]?: ExpressRequestState };

/** The per-request state `permissio()` attached, if it ran for `req`. */
export function requestState(req: Request): ExpressRequestState | undefined {
  return (req as RequestWithState)[STATE];
}

/**
 * The request's authorization context: user and tenant are resolved on first
 * use — the request's first decision — so auth middleware that ran after
 * `permissio()` (e.g. route-level) counts.
 */
export function startedContext(req: Request, state: ExpressRequestState): MaybePromise<AuthorizationContext> {
  const existing = state.context;
  if (existing !== undefined) return existing;
  const started = state.registration.authorizer.begin(req);
  state.context = started;
  if (started instanceof Promise) {
    void started.then((context) => {
      if (state.context === started) state.context = context;
    });
  }
  return started;
}

/** `req.permissio`: the request scope, started on first read; undefined while async resolvers answer. */
function readScope(this: Request): RequestScope | undefined {
  const state = requestState(this);
  return state === undefined ? undefined : scopeOf(startedContext(this, state));
}

/** `req.permissio = value` (e.g. a test double) shadows the accessor with a plain value. */
function writeScope(this: Request, value: unknown): void {
  Object.defineProperty(this, 'permissio', { value, writable: true, configurable: true, enumerable: true });
}

const SCOPE_PROPERTY: PropertyDescriptor = Object.freeze({
  get: readScope,
  set: writeScope,
  configurable: true,
  enumerable: false,
});

/**
 * Defines the `req.permissio` accessor once on Express's request prototype
 * (shared by every app and mounted sub-app), so the middleware does not
 * define it per request. Requests the middleware did not run for read
 * `undefined`, as typed.
 */
function defineScopeAccessor(): void {
  const proto = express.request as object | undefined;
  if (proto !== undefined && !Object.hasOwn(proto, 'permissio'))
    Object.defineProperty(proto, 'permissio', SCOPE_PROPERTY);
}

/** The matched route of `req` (`GET /documents/:id`, mount path included), for decision events. */
function expressRoute(req: Request): DecisionRoute | undefined {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? { method: req.method, path: `${req.baseUrl}${path}` } : undefined;
}

/**
 * Creates the Express middleware. Register it before any route that uses
 * `requirePermission` (`app.use(permissio({ client, user }))`). It only marks
 * the request: the user and tenant are resolved at the first decision.
 *
 * @throws TypeError naming the first invalid option
 */
export function permissio(options: PermissioExpressOptions): RequestHandler {
  const registration: ExpressRegistration = createRegistration<Request, PermissioExpressHook | 'next'>(
    options,
    'express',
    ['onDenied', 'onUnauthenticated'],
    ['refusal'],
  );
  const onError = registration.onError;
  if (onError !== undefined && onError !== 'next' && typeof onError !== 'function') {
    throw new TypeError('@permissio/express: option "onError" must be a function or "next".');
  }

  registration.authorizer.routeOf = expressRoute;
  defineScopeAccessor();
  const requireGuard = registration.requireGuard;
  const serverTiming = registration.authorizer.options.serverTiming;

  return function permissioMiddleware(req: Request, res: Response, next: NextFunction): void {
    Object.defineProperty(req, STATE, {
      value: { registration, context: undefined },
      writable: true,
      configurable: true,
      enumerable: false,
    });
    // Another copy of Express (not the one this package resolves): define the accessor on the request itself.
    if (!('permissio' in req)) Object.defineProperty(req, 'permissio', SCOPE_PROPERTY);
    if (requireGuard) watchRoute(req);
    if (serverTiming) serverTimingOnWrite(res, () => serverTimingOf(requestState(req)?.context));
    next();
  };
}

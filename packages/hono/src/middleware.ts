/**
 * `permissio(options)`: the Hono middleware that starts every request's
 * authorization. It resolves the user and tenant once, creates the request's
 * decision cache and sets it as `c.get('permissio')`.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { RequestScope } from '@permissio/core';
import {
  Authorizer,
  type AuthorizationContext,
  type PermissioAdapterBaseOptions,
  type RefusalOutcome,
  unguardedOutcome,
  unguardedStyle,
} from '@permissio/core/internal';
import { problemException } from './require-permission.js';
import { unguardedEndpoint } from './route-table.js';

/** The variables `permissio()` sets: `c.get('permissio')`. */
export type PermissioVariables = {
  /** The request's decision cache; further checks in the handler reuse it. */
  permissio: RequestScope;
};

/** Env of apps using `permissio()`: `new Hono<PermissioEnv>()` (or merge into yours). */
export type PermissioEnv = { Variables: PermissioVariables };

/**
 * A hook called instead of throwing the default `HTTPException`. Return a
 * `Response` to answer with it; return nothing to let the default exception
 * be thrown; throw to hand your own error to the app's `onError`.
 */
export type PermissioHonoHook = (c: Context, outcome: RefusalOutcome) => Response | void | Promise<Response | void>;

/** Options of {@link permissio}. Resolvers receive the Hono context `c`. */
export interface PermissioHonoOptions extends PermissioAdapterBaseOptions<Context> {
  /** Called on 403 (denied, resolver failed) and 400 (unsafe request path) refusals. */
  onDenied?: PermissioHonoHook;
  /** Called when a protected route is requested without a user (401). */
  onUnauthenticated?: PermissioHonoHook;
  /** Called when the PDP fails (unreachable, timeout, malformed answer): 503 or `failureStatus`. */
  onError?: PermissioHonoHook;
}

/** What one `permissio()` registration shares with `requirePermission`. */
export interface HonoInstance {
  readonly authorizer: Authorizer<Context>;
  readonly onDenied: PermissioHonoHook | undefined;
  readonly onUnauthenticated: PermissioHonoHook | undefined;
  readonly onError: PermissioHonoHook | undefined;
}

/** Per-request state, kept in the context under a private symbol key. */
export interface HonoRequestState {
  readonly instance: HonoInstance;
  readonly context: AuthorizationContext;
}

const STATE = Symbol.for('@permissio/hono.state');
type StateAccess = { get(key: symbol): HonoRequestState | undefined; set(key: symbol, value: HonoRequestState): void };

/** The per-request state `permissio()` set, if it ran for `c`. */
export function requestState(c: Context): HonoRequestState | undefined {
  return (c as unknown as StateAccess).get(STATE);
}

/**
 * Creates the middleware: `app.use('*', permissio({ client, user: (c) => c.get('jwtPayload')?.sub }))`.
 *
 * @throws TypeError naming the first invalid option
 */
export function permissio(options: PermissioHonoOptions) {
  const authorizer = new Authorizer<Context>(options, 'hono');
  const instance: HonoInstance = {
    authorizer,
    onDenied: options.onDenied,
    onUnauthenticated: options.onUnauthenticated,
    onError: options.onError,
  };
  // No async function: when the resolvers answer synchronously (the common case) this adds no extra tick.
  const requireGuard = authorizer.options.requireGuard;
  return createMiddleware<PermissioEnv>(function permissioMiddleware(c, next) {
    if (requireGuard) {
      // requireGuard: no handler matched for this request is a guard or a public marker.
      const endpoint = unguardedEndpoint(c);
      if (endpoint !== undefined) {
        const outcome = unguardedOutcome(`${c.req.method} ${endpoint.path}`, unguardedStyle());
        return Promise.reject(problemException(outcome));
      }
    }
    const started = authorizer.begin(c);
    if (started instanceof Promise) {
      return started.then((context) => {
        attach(c, instance, context);
        return next();
      });
    }
    attach(c, instance, started);
    return next();
  });
}

function attach(c: Context<PermissioEnv>, instance: HonoInstance, context: AuthorizationContext): void {
  (c as unknown as StateAccess).set(STATE, { instance, context });
  c.set('permissio', context.scope);
}

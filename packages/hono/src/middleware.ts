/**
 * `permissio(options)`: the Hono middleware that marks every request for
 * authorization. The user and tenant are resolved lazily, at the request's
 * first decision, which also sets the decision cache as `c.get('permissio')`.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { MaybePromise, RequestScope } from '@permissio/core';
import {
  createRegistration,
  serverTimingOf,
  SERVER_TIMING_HEADER,
  type AdapterRegistration,
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
  /**
   * The request's decision cache, set at the request's first decision
   * (`requirePermission`); further checks in the handler reuse it. Undefined
   * before that, e.g. on routes without `requirePermission`: there, use
   * `await permissioScope(c)`.
   */
  permissio: RequestScope | undefined;
};

/** Env of apps using `permissio()`: `new Hono<PermissioEnv>()` (or merge into yours). */
export type PermissioEnv = { Variables: PermissioVariables };

/**
 * A hook called instead of throwing the default `HTTPException`. Return a
 * `Response` to answer with it; return nothing to let the default exception
 * be thrown; throw to hand your own error to the app's `onError`.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook may return nothing (a `() => void` function), not only `undefined`
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
export type HonoRegistration = AdapterRegistration<Context, PermissioHonoHook>;

/** Per-request state, kept in the context under a private symbol key. */
export interface HonoRequestState {
  readonly registration: HonoRegistration;
  /** Started at the request's first decision. */
  context: MaybePromise<AuthorizationContext> | undefined;
}

const STATE: unique symbol = Symbol.for('@permissio/hono.state') as never;

/** The context variables of the middleware itself: the public scope and the private state. */
type StateEnv = { Variables: PermissioVariables & { [STATE]: HonoRequestState | undefined } };

/** The per-request state `permissio()` set, if it ran for `c`. */
export function requestState(c: Context): HonoRequestState | undefined {
  const withState: Context<StateEnv> = c;
  return withState.get(STATE);
}

/**
 * The request's authorization context: user and tenant are resolved on first
 * use — the request's first decision — so auth middleware registered after
 * `permissio()` counts. Sets `c.get('permissio')` once the scope exists.
 */
export function startedContext(c: Context, state: HonoRequestState): MaybePromise<AuthorizationContext> {
  const existing = state.context;
  if (existing !== undefined) return existing;
  const started = state.registration.authorizer.begin(c);
  state.context = started;
  if (started instanceof Promise) {
    void started.then((context) => {
      if (state.context !== started) return;
      state.context = context;
      c.set('permissio', context.scope);
    });
  } else {
    c.set('permissio', started.scope);
  }
  return started;
}

/**
 * Creates the middleware: `app.use('*', permissio({ client, user: (c) => c.get('jwtPayload')?.sub }))`.
 * It only marks the request: the user and tenant are resolved at the first decision.
 *
 * @throws TypeError naming the first invalid option
 */
export function permissio(options: PermissioHonoOptions) {
  const registration = createRegistration<Context, PermissioHonoHook>(options, 'hono');
  registration.authorizer.routeOf = (c) => ({ method: c.req.method, path: c.req.routePath });
  const requireGuard = registration.requireGuard;
  const serverTiming = registration.authorizer.options.serverTiming;
  // No async function: this adds no extra tick.
  return createMiddleware<StateEnv>(function permissioMiddleware(c, next) {
    if (requireGuard) {
      // requireGuard: no handler matched for this request is a guard or a public marker.
      const endpoint = unguardedEndpoint(c);
      if (endpoint !== undefined) {
        const outcome = unguardedOutcome(`${c.req.method} ${endpoint.path}`, unguardedStyle());
        return Promise.reject(problemException(outcome));
      }
    }
    const state: HonoRequestState = { registration, context: undefined };
    c.set(STATE, state);
    if (!serverTiming) return next();
    return next().then(() => {
      const value = serverTimingOf(state.context);
      if (value === undefined) return;
      try {
        c.res.headers.append(SERVER_TIMING_HEADER, value);
      } catch {
        // An immutable response (e.g. a proxied fetch Response): no header, never a failure.
      }
    });
  });
}

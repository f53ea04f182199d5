/**
 * Options shared by the four framework adapters (docs/ADAPTERS.md, "Options"), and
 * their eager validation: a bad option throws a `TypeError` naming it when
 * the factory is called, never on the first request.
 */
import type { CheckResource, CheckUser, MaybePromise } from '../types.js';
import type { Permissio } from '../client.js';
import type { Logger } from '../logger.js';
import type { DecisionListener } from '../decision-events.js';
import { instrumentationProblem, type PermissioInstrumentation } from '../instrumentation.js';
import { assertKnownOptions } from './unknown-options.js';

/** A user as a resolver may return it: a key, a `CheckUser`, or nothing (→ 401). */
export type ResolvedUser = string | CheckUser | undefined | null;

/**
 * The resource of `requirePermission(action, resource)`: a resource type
 * (`"document"`), a `CheckResource`, or a resolver of the framework's request
 * (sync or async) returning either. A resolver that throws or returns nothing
 * denies (403); one that throws a `PermissioValidationError` (e.g. a path that
 * cannot be canonicalised) answers 400. Neither runs the handler.
 */
export type ResourceSpec<Req, T extends string = string> =
  | T
  | CheckResource<T>
  | ((req: Req) => MaybePromise<T | CheckResource<T> | undefined | null>);

/** Options common to every adapter; each adapter adds its typed hooks. */
export interface PermissioAdapterBaseOptions<Req> {
  /** The Permissio client (embedded engine or remote PDP). Required. */
  client: Permissio<boolean>;
  /**
   * Who is asking: a user key, a `CheckUser`, or `undefined`/`null` when the
   * request is anonymous (→ 401 on protected routes, the PDP is not called).
   * A resolver that throws is treated as anonymous. Required.
   */
  user: (req: Req) => MaybePromise<ResolvedUser>;
  /**
   * The request's tenant (e.g. from a header or the user's token). A resource's
   * own `tenant` wins. A resolver that throws denies (403).
   * @defaultValue the check's default tenant, `"default"`
   */
  tenant?: (req: Req) => MaybePromise<string | undefined | null>;
  /**
   * Put the decision reason and PDP error codes in problem responses.
   * Keep it off in production: it tells a caller why it was refused.
   * @defaultValue false
   */
  exposeReason?: boolean;
  /**
   * Status answered when the PDP fails (unreachable, timeout, malformed answer).
   * Never allow: only the status is configurable.
   * @defaultValue 503
   */
  failureStatus?: 403 | 503;
  /**
   * Upper bound, in ms, on one authorization decision; past it the request
   * fails closed with `failureStatus`. The HTTP transport already bounds a
   * check by the client's `checkTimeout`; set this to bound a custom PDP too.
   * @defaultValue undefined (no extra bound)
   */
  decisionTimeout?: number;
  /**
   * Refuse every route that has neither a permission guard nor an explicit
   * public marker (`publicRoute()`, `config: { public: true }`, `@Public()`):
   * 500 naming the route when `NODE_ENV` is not `production`, a generic 403 in
   * production. Catches a route added without `requirePermission`.
   * @defaultValue false
   */
  requireGuard?: boolean;
  // --- logger (issue 11 item 3) ---
  /**
   * Where the adapter reports a misconfiguration: a PDP answering 401/403
   * (wrong or revoked API key) is logged at error level, once per cause; the
   * token is never printed. Requests are still refused (503 by default).
   * Any object with `debug`, `info`, `warn`, `error` (`console`, pino …).
   * @defaultValue `console`
   */
  logger?: Logger;
  /**
   * Called for every decision of this registration's requests (the guard's
   * and the handler's own `req.permissio` checks), with the route's method and
   * path template. The client's own `onDecision` is called as well. A
   * listener that throws never changes a decision; the error is logged once.
   * @defaultValue undefined (no events, no cost)
   */
  onDecision?: DecisionListener;
  /**
   * Operation tracing for this registration's requests: `permissioTelemetry()`
   * from `@permissio/opentelemetry`, or any {@link PermissioInstrumentation}.
   * The guard's check and the handler's own checks and plans are reported with
   * the route. Replaces the client's `instrumentation` for these requests
   * (give it in one place; the client's alone also sees the HTTP calls to a
   * remote PDP). It never changes a decision.
   * @defaultValue the client's `instrumentation`
   */
  instrumentation?: PermissioInstrumentation;
  /**
   * Add a `Server-Timing` header to responses of requests that made
   * decisions: `permissio;dur=0.4;desc="2 checks, 1 PDP call"` (summed
   * decision time in ms, checks asked, PDP calls made).
   * @defaultValue false
   */
  serverTiming?: boolean;
  /**
   * Development only: a 403's problem body gets `why`: the decision reason
   * and `via`, the user's roles in the tenant and the closest rule that would
   * have allowed (the smallest role carrying the permission). It reads roles
   * and assignments through the client's management API on each denial and
   * tells the caller about your policy: keep it off in production.
   * @defaultValue false
   */
  explainDenials?: boolean;
}

/** Options after validation, with defaults applied. */
export interface ResolvedAdapterOptions<Req> {
  readonly client: Permissio<boolean>;
  readonly user: (req: Req) => MaybePromise<ResolvedUser>;
  readonly tenant: ((req: Req) => MaybePromise<string | undefined | null>) | undefined;
  readonly exposeReason: boolean;
  readonly failureStatus: 403 | 503;
  readonly decisionTimeout: number | undefined;
  readonly requireGuard: boolean;
  readonly logger: Logger | undefined;
  readonly onDecision: DecisionListener | undefined;
  readonly instrumentation: PermissioInstrumentation | undefined;
  readonly serverTiming: boolean;
  readonly explainDenials: boolean;
}

/** The options every adapter accepts (the hooks included). */
const BASE_OPTIONS: readonly string[] = [
  'client',
  'user',
  'tenant',
  'exposeReason',
  'failureStatus',
  'decisionTimeout',
  'logger',
  'requireGuard',
  'onDecision',
  'instrumentation',
  'serverTiming',
  'explainDenials',
  'onDenied',
  'onUnauthenticated',
  'onError',
];

/**
 * Validates adapter options eagerly. `hookNames` lists the framework's
 * optional hook options (each must be a function when present).
 * @throws TypeError naming the offending option
 */
export function resolveAdapterOptions<Req>(
  options: PermissioAdapterBaseOptions<Req>,
  framework: string,
  hookNames: readonly string[] = ['onDenied', 'onUnauthenticated', 'onError'],
  extraOptions: readonly string[] = [],
): ResolvedAdapterOptions<Req> {
  const where = `@permissio/${framework}`;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: options must be an object like { client, user: (req) => req.user?.id }.`);
  }
  assertKnownOptions(options, new Set([...BASE_OPTIONS, ...extraOptions]), where);
  const client: unknown = options.client;
  if (
    client === null ||
    typeof client !== 'object' ||
    typeof (client as { createRequestScope?: unknown }).createRequestScope !== 'function'
  ) {
    throw new TypeError(`${where}: option "client" must be a Permissio instance (new Permissio({ ... })).`);
  }
  if (typeof options.user !== 'function') {
    throw new TypeError(`${where}: option "user" must be a function (req) => user key | CheckUser | undefined.`);
  }
  if (options.tenant !== undefined && typeof options.tenant !== 'function') {
    throw new TypeError(`${where}: option "tenant" must be a function (req) => tenant key | undefined.`);
  }
  if (options.exposeReason !== undefined && typeof options.exposeReason !== 'boolean') {
    throw new TypeError(`${where}: option "exposeReason" must be a boolean.`);
  }
  if (options.failureStatus !== undefined && options.failureStatus !== 403 && options.failureStatus !== 503) {
    throw new TypeError(`${where}: option "failureStatus" must be 403 or 503 (a PDP failure never allows).`);
  }
  if (
    options.decisionTimeout !== undefined &&
    !(
      typeof options.decisionTimeout === 'number' &&
      Number.isFinite(options.decisionTimeout) &&
      options.decisionTimeout > 0
    )
  ) {
    throw new TypeError(`${where}: option "decisionTimeout" must be a positive number of milliseconds.`);
  }
  if (options.requireGuard !== undefined && typeof options.requireGuard !== 'boolean') {
    throw new TypeError(`${where}: option "requireGuard" must be a boolean.`);
  }
  const logger: unknown = options.logger;
  if (logger !== undefined) {
    const methods = logger as Record<string, unknown> | null;
    if (
      methods === null ||
      typeof methods !== 'object' ||
      ['debug', 'info', 'warn', 'error'].some((m) => typeof methods[m] !== 'function')
    ) {
      throw new TypeError(
        `${where}: option "logger" must be an object with debug, info, warn and error methods (e.g. console).`,
      );
    }
  }
  if (options.onDecision !== undefined && typeof options.onDecision !== 'function') {
    throw new TypeError(`${where}: option "onDecision" must be a function (event) => void.`);
  }
  const instrumentationError = instrumentationProblem(options.instrumentation);
  if (instrumentationError !== undefined) throw new TypeError(`${where}: option ${instrumentationError}`);
  if (options.serverTiming !== undefined && typeof options.serverTiming !== 'boolean') {
    throw new TypeError(`${where}: option "serverTiming" must be a boolean.`);
  }
  if (options.explainDenials !== undefined && typeof options.explainDenials !== 'boolean') {
    throw new TypeError(`${where}: option "explainDenials" must be a boolean.`);
  }
  const record: Record<string, unknown> = { ...options };
  for (const hook of hookNames) {
    if (record[hook] !== undefined && typeof record[hook] !== 'function') {
      throw new TypeError(`${where}: option "${hook}" must be a function.`);
    }
  }
  return {
    client: options.client,
    user: options.user,
    tenant: options.tenant,
    exposeReason: options.exposeReason ?? false,
    failureStatus: options.failureStatus ?? 503,
    decisionTimeout: options.decisionTimeout,
    requireGuard: options.requireGuard ?? false,
    logger: options.logger,
    onDecision: options.onDecision,
    instrumentation: options.instrumentation,
    serverTiming: options.serverTiming ?? false,
    explainDenials: options.explainDenials ?? false,
  };
}

/**
 * Validates the arguments of `requirePermission(action, resource)` eagerly.
 * @throws TypeError naming the offending argument
 */
export function assertPermissionArguments(action: unknown, resource: unknown, framework: string): void {
  const where = `@permissio/${framework}: requirePermission(action, resource)`;
  if (typeof action !== 'string' || action.length === 0) {
    throw new TypeError(`${where}: "action" must be a non-empty string such as "read".`);
  }
  if (typeof resource === 'string') {
    if (resource.length === 0) throw new TypeError(`${where}: "resource" must not be an empty string.`);
    return;
  }
  if (typeof resource === 'function') return;
  if (resource !== null && typeof resource === 'object' && typeof (resource as { type?: unknown }).type === 'string') {
    return;
  }
  throw new TypeError(
    `${where}: "resource" must be a resource type ("document"), a CheckResource ({ type, key?, uri? }) or a resolver (req) => resource.`,
  );
}

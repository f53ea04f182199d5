/**
 * The decision logic of every adapter, written once: resolve the user and
 * tenant into a request scope, resolve the resource, ask the scope, and turn
 * the answer (or the failure) into an outcome with a status and a problem
 * body. Adapters only read the request and write the outcome.
 *
 * Fail closed: every path that is not an explicit `true` from the PDP ends in
 * a refusal (401, 400, 403 or 503), never in the handler.
 */
import { PermissioError, PermissioTimeoutError, PermissioValidationError } from '../errors.js';
import type { CheckResource, CheckUser, MaybePromise } from '../types.js';
import { Permissio } from '../client.js';
import { consoleLogger } from '../logger.js';
import { CLIENT_OBSERVER, type DecisionObserver, type DecisionRoute, DecisionSink } from '../decision-events.js';
import type { PermissioInstrumentation } from '../instrumentation.js';
import { CHECK_NOW, RequestScope, createRefusedRequestScope, createTrustedRequestScope } from '../scope.js';
import type { UntypedShape } from '../typed.js';
import { problem, type ProblemDetails } from './problem.js';
import { DecisionTiming } from './server-timing.js';
import { type DenialExplanation, explainDenial } from './why.js';
import {
  resolveAdapterOptions,
  type PermissioAdapterBaseOptions,
  type ResolvedAdapterOptions,
  type ResolvedUser,
  type ResourceSpec,
} from './options.js';

/** Per-request state an adapter keeps on the request (or Hono context). */
export interface AuthorizationContext {
  /** The request's decision cache; handed to handlers. */
  readonly scope: RequestScope<UntypedShape>;
  /** The resolved user, or undefined when anonymous. */
  readonly user: string | CheckUser | undefined;
  /** The resolved tenant, if any. */
  readonly tenant: string | undefined;
  /** Set when the tenant resolver failed: every check of the request is denied. */
  readonly tenantFailed: boolean;
  /** With `serverTiming`: the request's summed decision time, for the `Server-Timing` header. */
  readonly timing?: DecisionTiming | undefined;
}

/** What to do with a request. `allow` runs the handler; everything else answers `status`. */
export type AuthorizationOutcome =
  | { readonly kind: 'allow' }
  | { readonly kind: 'unauthenticated'; readonly status: 401; readonly problem: ProblemDetails }
  | { readonly kind: 'bad_request'; readonly status: 400; readonly problem: ProblemDetails; readonly error: unknown }
  | {
      readonly kind: 'denied';
      readonly status: 403;
      readonly problem: ProblemDetails;
      /** The decision reason, or `resolver_failed` / `invalid_resource` / `tenant_failed`. */
      readonly reason: string;
      readonly error?: unknown;
    }
  | { readonly kind: 'error'; readonly status: 403 | 503; readonly problem: ProblemDetails; readonly error: unknown }
  /** `requireGuard`: the route has neither a permission guard nor a public marker (see `unguarded.ts`). */
  | {
      readonly kind: 'unguarded';
      readonly status: 403 | 500;
      readonly problem: ProblemDetails;
      readonly route: string;
    };

/** The outcomes that refuse a request. */
export type RefusalOutcome = Exclude<AuthorizationOutcome, { kind: 'allow' }>;

const ALLOW: AuthorizationOutcome = Object.freeze({ kind: 'allow' });

/**
 * Resolves adapter options once and decides requests. One per `permissio()` /
 * plugin / module registration.
 */
export class Authorizer<Req> {
  readonly options: ResolvedAdapterOptions<Req>;

  /** Callbacks of the hot path, allocated once per Authorizer rather than once per request. */
  readonly #onAllowed: (allowed: boolean) => AuthorizationOutcome;
  readonly #onCheckError: (error: unknown) => AuthorizationOutcome;
  /**
   * Whether scopes can be built by the trusted factory: only for a real
   * `Permissio` whose `createRequestScope` nobody overrode (a subclass or a
   * test double keeps its own).
   */
  readonly #trustedScopes: boolean;

  readonly #framework: string;
  /** The registration's `onDecision` sinks (its own, then the client's); undefined when nobody listens. */
  readonly #sinks: readonly DecisionSink[] | undefined;
  /** The registration's instrumentation, else the client's; undefined when none. */
  readonly #instrumentation: PermissioInstrumentation | undefined;
  /**
   * The adapter's reader of a request's route (method and path template),
   * for decision events. Set by the adapter after construction; read only
   * when someone listens.
   */
  routeOf: ((req: Req) => DecisionRoute | undefined) | undefined;
  /** Misconfiguration causes already logged (each is logged once). */
  readonly #logged = new Set<string>();

  /**
   * @param hookNames - the framework's hook options that must be functions
   * @param extraOptions - option names the framework accepts besides the shared ones
   * @throws TypeError naming the first invalid or unknown option
   */
  constructor(
    options: PermissioAdapterBaseOptions<Req>,
    framework: string,
    hookNames?: readonly string[],
    extraOptions?: readonly string[],
  ) {
    this.options = resolveAdapterOptions(options, framework, hookNames, extraOptions);
    this.#framework = framework;
    const client = this.options.client;
    this.#trustedScopes =
      client instanceof Permissio && client.createRequestScope === Permissio.prototype.createRequestScope;
    this.#onAllowed = (allowed) =>
      allowed === true ? ALLOW : this.denied('no_matching_grant', 'You do not have permission to perform this action.');
    this.#onCheckError = (error) =>
      error instanceof PermissioValidationError ? this.badRequest(error) : this.failure(error);
    const sinks: DecisionSink[] = [];
    const where = `@permissio/${framework}`;
    const listener = this.options.onDecision;
    if (listener !== undefined) sinks.push(new DecisionSink(listener, this.options.logger, where));
    const clientObserver = (client as Partial<Record<typeof CLIENT_OBSERVER, DecisionObserver | undefined>>)[
      CLIENT_OBSERVER
    ];
    const own = this.options.instrumentation;
    const clientInstrumentation = clientObserver?.instrumentation;
    // The registration's instrumentation replaces the client's (one span per operation, not two).
    this.#instrumentation = own ?? clientInstrumentation;
    if (own?.onDecision !== undefined && own !== clientInstrumentation) {
      sinks.push(new DecisionSink(own.onDecision, this.options.logger, where));
    }
    if (clientObserver !== undefined) {
      const replaced =
        own !== undefined && own !== clientInstrumentation ? clientInstrumentation?.onDecision : undefined;
      for (const sink of clientObserver.sinks) if (replaced === undefined || !sink.delivers(replaced)) sinks.push(sink);
    }
    this.#sinks = sinks.length > 0 ? sinks : undefined;
  }

  /** The observer of one request's scope: the sinks and a lazy read of its route. */
  #observer(req: Req, timing: DecisionTiming | undefined): DecisionObserver | undefined {
    let sinks = this.#sinks;
    if (timing !== undefined) {
      const own = new DecisionSink(timing.add, this.options.logger, `@permissio/${this.#framework}`);
      sinks = sinks === undefined ? [own] : [...sinks, own];
    }
    const instrumentation = this.#instrumentation;
    if (sinks === undefined) {
      if (instrumentation === undefined) return undefined;
      sinks = [];
    }
    const routeOf = this.routeOf;
    const route = routeOf === undefined ? undefined : () => routeOf(req);
    return instrumentation === undefined ? { sinks, route } : { sinks, route, instrumentation };
  }

  /**
   * Starts a request: resolves user and tenant and creates the request scope.
   * Never throws; answers synchronously when both resolvers do.
   */
  begin(req: Req): MaybePromise<AuthorizationContext> {
    let user: MaybePromise<ResolvedUser>;
    try {
      user = this.options.user(req);
    } catch {
      user = undefined;
    }
    if (isThenable(user)) {
      return Promise.resolve(user).then(
        (value) => this.withTenant(req, value),
        () => this.withTenant(req, undefined),
      );
    }
    return this.withTenant(req, user);
  }

  private withTenant(req: Req, rawUser: ResolvedUser): MaybePromise<AuthorizationContext> {
    const user = normaliseUser(rawUser);
    const resolveTenant = this.options.tenant;
    if (resolveTenant === undefined) return this.context(req, user, undefined, false);
    let tenant: MaybePromise<string | undefined | null>;
    try {
      tenant = resolveTenant(req);
    } catch {
      return this.context(req, user, undefined, true);
    }
    if (isThenable(tenant)) {
      return Promise.resolve(tenant).then(
        (value) => this.contextWithTenant(req, user, value),
        () => this.context(req, user, undefined, true),
      );
    }
    return this.contextWithTenant(req, user, tenant);
  }

  private contextWithTenant(req: Req, user: string | CheckUser | undefined, tenant: unknown): AuthorizationContext {
    if (tenant === undefined || tenant === null) return this.context(req, user, undefined, false);
    if (typeof tenant !== 'string' || tenant.length === 0) return this.context(req, user, undefined, true);
    return this.context(req, user, tenant, false);
  }

  private context(
    req: Req,
    user: string | CheckUser | undefined,
    tenant: string | undefined,
    tenantFailed: boolean,
  ): AuthorizationContext {
    // normaliseUser and contextWithTenant have validated user and tenant: skip
    // the public factory's re-validation when the client allows it.
    const timing = this.options.serverTiming ? new DecisionTiming() : undefined;
    // No tenant to ask in: a handler's own questions through the scope are refused, never answered in the
    // default tenant (the guards deny with `tenant_failed` before reaching the scope).
    const scope = tenantFailed
      ? createRefusedRequestScope(this.options.client, user)
      : this.#trustedScopes
        ? createTrustedRequestScope(this.options.client, user, tenant, this.#observer(req, timing))
        : this.options.client.createRequestScope(
            tenant === undefined
              ? user === undefined
                ? {}
                : { user }
              : user === undefined
                ? { tenant }
                : { user, tenant },
          );
    return timing === undefined ? { scope, user, tenant, tenantFailed } : { scope, user, tenant, tenantFailed, timing };
  }

  /**
   * Decides whether the request may do `action` on `resource`. Never throws,
   * never allows on a failure. Answers with a plain outcome when every step
   * was synchronous (sync resolver, embedded engine or memoised answer), so
   * adapters can call `next()` in the same tick; a Promise otherwise.
   * `context` is what {@link begin} answered (or is still answering).
   */
  authorize(
    context: MaybePromise<AuthorizationContext>,
    req: Req,
    action: string,
    resource: ResourceSpec<Req>,
  ): MaybePromise<AuthorizationOutcome> {
    // begin() never rejects: a pending context only delays the decision.
    if (isThenable(context)) return context.then((settled) => this.authorize(settled, req, action, resource));
    if (context.user === undefined) return this.unauthenticated();
    if (context.tenantFailed) return this.denied('tenant_failed', 'The request tenant could not be resolved.');
    if (typeof resource === 'function') {
      let resolved: MaybePromise<string | CheckResource | undefined | null>;
      try {
        resolved = resource(req);
      } catch (error) {
        return this.resolverFailure(error);
      }
      if (isThenable(resolved)) {
        return Promise.resolve(resolved).then(
          (value) => this.decide(context, action, value),
          (error: unknown) => this.resolverFailure(error),
        );
      }
      return this.decide(context, action, resolved);
    }
    return this.decide(context, action, resource);
  }

  private decide(context: AuthorizationContext, action: string, resource: unknown): MaybePromise<AuthorizationOutcome> {
    if (!isResource(resource)) {
      return this.denied('invalid_resource', 'The resource of this request could not be determined.');
    }
    // Plain promise chains with preallocated callbacks: no async function, no per-request closures.
    const onError = this.#onCheckError;
    try {
      if (this.options.exposeReason) {
        return this.bounded(context.scope.checkDetailed(action, resource)).then((decision) => {
          if (decision !== null && typeof decision === 'object' && decision.allowed === true) return ALLOW;
          const reason = typeof decision?.reason === 'string' ? decision.reason : 'no_matching_grant';
          return this.denied(reason, `Permission "${action}" denied: ${reason}.`);
        }, onError);
      }
      if (this.options.explainDenials) return this.#decideExplained(context, action, resource);
      const answer = askScope(context.scope, action, resource);
      // An answer already in hand cannot time out: no Promise, no timer.
      if (typeof answer === 'boolean') return this.#onAllowed(answer);
      return this.bounded(answer).then(this.#onAllowed, onError);
    } catch (error) {
      return onError(error);
    }
  }

  /** `explainDenials`: a deny's problem body carries `why` (development option). */
  #decideExplained(
    context: AuthorizationContext,
    action: string,
    resource: string | CheckResource,
  ): Promise<AuthorizationOutcome> {
    return this.bounded(Promise.resolve(askScope(context.scope, action, resource))).then(async (allowed) => {
      if (allowed === true) return ALLOW;
      let why: DenialExplanation | undefined;
      try {
        why = await explainDenial(this.options.client, context.scope, action, resource);
      } catch {
        why = undefined;
      }
      const reason = why?.reason ?? 'no_matching_grant';
      const outcome = this.denied(reason, `Permission "${action}" denied: ${reason}.`);
      if (why !== undefined) outcome.problem.why = why;
      return outcome;
    }, this.#onCheckError);
  }

  private bounded<T>(answer: Promise<T>): Promise<T> {
    const limit = this.options.decisionTimeout;
    if (limit === undefined) return answer;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PermissioTimeoutError(`No authorization decision within ${limit} ms.`)),
        limit,
      );
    });
    return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
  }

  private resolverFailure(error: unknown): AuthorizationOutcome {
    if (error instanceof PermissioValidationError) return this.badRequest(error);
    return this.denied('resolver_failed', 'The resource of this request could not be determined.', error);
  }

  /** The 401 outcome. */
  unauthenticated(): RefusalOutcome {
    return { kind: 'unauthenticated', status: 401, problem: problem(401, 'Authentication is required.') };
  }

  private denied(reason: string, detail: string, error?: unknown): RefusalOutcome {
    const body = this.options.exposeReason
      ? problem(403, detail, { reason })
      : problem(403, 'You do not have permission to perform this action.');
    return error === undefined
      ? { kind: 'denied', status: 403, problem: body, reason }
      : { kind: 'denied', status: 403, problem: body, reason, error };
  }

  private badRequest(error: PermissioValidationError): RefusalOutcome {
    const body = this.options.exposeReason
      ? problem(400, error.message, { code: error.code })
      : problem(400, 'The request addresses a resource that is not valid.');
    return { kind: 'bad_request', status: 400, problem: body, error };
  }

  /**
   * Logs, at error level and once per cause, a PDP failure that is a
   * misconfiguration rather than an outage (401/403 from the PDP). Only the
   * status and code are printed: never the token, never the PDP's text.
   */
  private reportMisconfiguration(error: unknown): void {
    const status = misconfigurationStatus(error);
    if (status === undefined) return;
    // The code may come from the PDP's answer: print it only when it looks like a code.
    const given = error instanceof PermissioError ? error.code : '';
    const code = /^[A-Z][A-Z0-9_]{0,39}$/.test(given) ? given : 'HTTP_ERROR';
    const cause = `${status}:${code}`;
    if (this.#logged.has(cause)) return;
    this.#logged.add(cause);
    const why =
      status === 401
        ? 'the API key is wrong or revoked'
        : 'the API key is not allowed to check permissions in this project/environment';
    (this.options.logger ?? consoleLogger).error(
      `@permissio/${this.#framework}: misconfiguration: the PDP refused the client's credentials (HTTP ${status}, ${code}): ${why}. Every protected request is refused (${this.options.failureStatus}) until the client's token is fixed.`,
    );
  }

  /** The outcome of a PDP failure: `failureStatus` (503 by default), never allow. */
  failure(error: unknown): RefusalOutcome {
    const status = this.options.failureStatus;
    this.reportMisconfiguration(error);
    const code = error instanceof PermissioError ? error.code : 'INTERNAL_ERROR';
    const body = this.options.exposeReason
      ? problem(status, error instanceof Error ? error.message : 'Authorization failed.', { code })
      : problem(status, 'Authorization is temporarily unavailable.');
    return { kind: 'error', status, problem: body, error };
  }
}

/**
 * The request scope of a started context, for the handler's own checks
 * (`req.permissio`), or `undefined` while an asynchronous user or tenant
 * resolver is still answering (no decision has run yet).
 */
export function scopeOf(context: MaybePromise<AuthorizationContext>): RequestScope | undefined {
  return isThenable(context) ? undefined : context.scope;
}

/**
 * The status of a PDP answer that means the client is misconfigured: 401
 * (wrong or revoked API key) or 403 (key not allowed here). Read from the
 * error's fields, not its class, so duplicated builds still match.
 */
function misconfigurationStatus(error: unknown): 401 | 403 | undefined {
  if (!(error instanceof Error)) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return status === 401 || status === 403 ? status : undefined;
}

/**
 * The scope's answer, as a plain boolean when it is already known. Uses the
 * scope's internal fast path unless `check` was overridden (a subclass or a
 * test double answers through its own `check`).
 */
function askScope(
  scope: RequestScope<UntypedShape>,
  action: string,
  resource: string | CheckResource,
): boolean | Promise<boolean> {
  if (scope instanceof RequestScope && scope.check === RequestScope.prototype.check)
    return scope[CHECK_NOW](action, resource);
  return scope.check(action, resource);
}

/**
 * The user a resolver answered, or undefined (anonymous: 401). A `CheckUser`
 * needs a non-empty string `key`, and its `attributes`, when present, must be
 * an attribute record (a non-array object): a user whose claims cannot be read
 * is not an authenticated user, whatever the PDP would make of them.
 */
function normaliseUser(user: unknown): string | CheckUser | undefined {
  if (typeof user === 'string') return user.length > 0 ? user : undefined;
  if (user !== null && typeof user === 'object') {
    const { key, attributes } = user as { key?: unknown; attributes?: unknown };
    if (typeof key === 'string' && key.length > 0 && isOptionalAttributes(attributes)) return user as CheckUser;
  }
  return undefined;
}

/** Absent, or an attribute record: a non-null, non-array object (what every PDP accepts as `attributes`). */
function isOptionalAttributes(value: unknown): boolean {
  return value === undefined || (value !== null && typeof value === 'object' && !Array.isArray(value));
}

function isResource(value: unknown): value is string | CheckResource {
  if (typeof value === 'string') return value.length > 0;
  if (value === null || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.type === 'string' &&
    (r.type as string).length > 0 &&
    (r.key === undefined || typeof r.key === 'string') &&
    (r.uri === undefined || typeof r.uri === 'string') &&
    (r.tenant === undefined || typeof r.tenant === 'string') &&
    isOptionalAttributes(r.attributes)
  );
}

function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** The refusal hooks every adapter accepts, typed by the adapter. */
export interface RefusalHooks<Hook> {
  readonly onDenied?: Hook | undefined;
  readonly onUnauthenticated?: Hook | undefined;
  readonly onError?: Hook | undefined;
}

/**
 * The hook that handles a refusal, the same in every adapter: 401 →
 * `onUnauthenticated`, a PDP failure → `onError`, anything else (403, and
 * 400 for an unsafe path) → `onDenied`; none for an unguarded route.
 */
export function selectRefusalHook<Hook>(outcome: RefusalOutcome, hooks: RefusalHooks<Hook>): Hook | undefined {
  // An unguarded route is a wiring mistake, not a refusal of this caller: always the default answer.
  if (outcome.kind === 'unguarded') return undefined;
  if (outcome.kind === 'unauthenticated') return hooks.onUnauthenticated;
  if (outcome.kind === 'error') return hooks.onError;
  return hooks.onDenied;
}

/**
 * The request-scoped decision cache. One {@link RequestScope} per incoming
 * request (adapters create it and hand it to handlers); it is never shared
 * between requests, so nothing one user learned can answer another user's
 * question, and a scope holds no state once its request is gone.
 *
 * Within one scope:
 * - the same question is asked of the PDP at most once (memoised), and
 *   concurrent identical checks share one in-flight call;
 * - checks started in the same tick are sent as one `pdp.bulkCheck` call
 *   (micro-batching with `queueMicrotask`; at most `maxBatchSize` per call,
 *   split beyond it; a batch of one uses `pdp.check`);
 * - errors are never cached: a failed entry is evicted, a retry asks again;
 * - the cache key is a canonical JSON encoding of user (key, attributes),
 *   action, resource (type, key, URI, tenant, attributes), effective tenant
 *   and context.
 *
 * With an embedded PDP (`pdp.kind === 'embedded'`) batching is off by
 * default: the engine answers synchronously, so a miss is asked directly.
 */
import { PermissioError, PermissioValidationError } from './errors.js';
import { checkCacheKey } from './cache-key.js';
import {
  CLIENT_OBSERVER,
  type DecisionObserver,
  type DecisionSource,
  emitDecision,
  emitWhenSettled,
  now,
  readRoute,
} from './decision-events.js';
import {
  checkOperation,
  endOperation,
  endWhenSettled,
  type OperationHandle,
  planOperation,
  runOperation,
  startOperation,
} from './instrumentation.js';
import type { Permissio } from './client.js';
import { planOf } from './plan.js';
import type { PolicyShape, RegisteredShape, ResourceOf, ResourceTypeOf } from './typed.js';
import type {
  CheckOptions,
  CheckRequest,
  CheckResource,
  CheckUser,
  Consistency,
  ConsistencyOptions,
  Decision,
  MaybePromise,
  Pdp,
  PlanOptions,
  ResourcePlan,
} from './types.js';

/** Options of `permissio.createRequestScope(options)`. */
export interface RequestScopeOptions {
  /** The request's user: `scope.check(action, resource)` asks for it. */
  user?: string | CheckUser;
  /**
   * Default tenant of the scope's checks. A check's own `tenant` option wins,
   * and `resource.tenant` wins over both (docs/MODEL.md, "Tenants").
   */
  tenant?: string;
  /**
   * Send checks started in the same tick as one `bulkCheck`.
   * @defaultValue `true` for a remote PDP, `false` for an embedded one
   */
  batching?: boolean;
  /**
   * Most checks in one `bulkCheck` call; larger batches are split.
   * @defaultValue `100`
   */
  maxBatchSize?: number;
  /**
   * How fresh the answers of a remote PDP with several replicas must be
   * (`'fast'` | `'full'` | `{atLeast}`), for every check of the scope.
   * @defaultValue the client's own: read-your-writes after its writes
   */
  consistency?: Consistency;
}

/** Counters of a scope. */
export interface RequestScopeStats {
  /** Checks answered from the cache or by joining an identical in-flight call. */
  hits: number;
  /** Checks that needed a new question to the PDP. */
  misses: number;
  /** Calls made to the PDP (`check`, `bulkCheck`, `checkDetailed`). */
  pdpCalls: number;
  /** `bulkCheck` calls among them (batches of two or more checks). */
  batches: number;
}

/** A synchronous first answer kept without its cache key (see RequestScope#first). */
interface DeferredAnswer {
  readonly user: string;
  readonly action: string;
  readonly resource: string | CheckResource;
  readonly tenant: string | undefined;
  readonly allowed: boolean;
}

/** Whether a request's key needs no snapshot beyond strings: no attributes, no context (the key's fast path). */
function isKeyDeferrable(request: CheckRequest): boolean {
  const { user, resource } = request;
  return (
    request.context === undefined &&
    (typeof user === 'string' || user.attributes === undefined) &&
    (typeof resource === 'string' || resource.attributes === undefined)
  );
}

interface Pending {
  key: string;
  request: CheckRequest;
  promise: Promise<boolean>;
  resolve: (value: boolean) => void;
  reject: (error: unknown) => void;
  /** When the check was asked (`now()`), for its decision event; 0 when nobody observes. */
  start: number;
  /** The check's operation (span), when instrumented. */
  op: OperationHandle | undefined;
}

const DEFAULT_MAX_BATCH = 100;
/**
 * The error of every question asked of a scope whose tenant could not be resolved (an adapter's tenant resolver
 * threw or answered something other than a string): the scope has no tenant to ask in, so it answers nothing —
 * never the default tenant's answer.
 */
function tenantUnresolved(): PermissioError {
  return new PermissioError(
    "This request's tenant could not be resolved (the adapter's tenant resolver threw or did not answer a " +
      'string), so its request scope refuses every check and plan. Fix the tenant resolver, or pass the tenant ' +
      'explicitly: permissio.check(user, action, resource, { tenant }).',
    { code: 'TENANT_UNRESOLVED' },
  );
}

const NO_USER_MESSAGE =
  'RequestScope.check(action, resource): this scope has no user; pass one to createRequestScope({ user }) or call check(user, action, resource).';

function isResourceArgument(value: unknown): value is string | CheckResource {
  return typeof value === 'string' || (value !== null && typeof value === 'object' && 'type' in value);
}

/**
 * Constructor token of {@link createTrustedRequestScope}: never exported, so
 * only this module can skip the option validation.
 */
const TRUSTED: unique symbol = Symbol('RequestScope.trusted');

/**
 * Key of the scope's internal check for the adapters' Authorizer: like
 * `check(action, resource)` (same cache, stats, in-flight dedupe) but answers
 * a plain boolean when it is already known (a cached boolean, or a
 * synchronous embedded engine), so the hot path needs no Promise. It may throw
 * synchronously. Not part of the public API (exported via `core/internal` only).
 * @internal
 */
export const CHECK_NOW: unique symbol = Symbol('@permissio/core.RequestScope.checkNow');

/** Validates `createRequestScope(options)`; the Authorizer's options were validated once, up front. */
function validateScopeOptions(options: RequestScopeOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new PermissioValidationError('createRequestScope: options must be an object {user?, tenant?}.');
  }
  const { user, tenant, maxBatchSize = DEFAULT_MAX_BATCH } = options;
  if (
    user !== undefined &&
    typeof user !== 'string' &&
    (user === null || typeof user !== 'object' || typeof user.key !== 'string')
  ) {
    throw new PermissioValidationError('createRequestScope: "user" must be a key string or {key, …}.');
  }
  if (tenant !== undefined && typeof tenant !== 'string') {
    throw new PermissioValidationError('createRequestScope: "tenant" must be a string.');
  }
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new PermissioValidationError('createRequestScope: "maxBatchSize" must be a positive integer.');
  }
}

function strictBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new PermissioError('The PDP answered a check with a non-boolean value; treated as an error, never an allow.', {
    code: 'MALFORMED_RESPONSE',
  });
}

/**
 * A per-request view of a PDP that memoises, de-duplicates and batches
 * checks. Create it with `permissio.createRequestScope({ user, tenant })`.
 * Errors always reject (whatever the client's `throwOnError`), so callers can
 * tell "denied" (`false`) from "could not decide" (a `PermissioError`).
 */
export class RequestScope<S extends PolicyShape = RegisteredShape> {
  /** The user of `check(action, resource)`, if the scope has one. */
  readonly user: string | CheckUser | undefined;
  /** The scope's default tenant. */
  readonly tenant: string | undefined;
  /** The client that created the scope. */
  readonly permissio: Permissio<boolean>;

  readonly #pdp: Pdp;
  readonly #batching: boolean;
  readonly #maxBatch: number;
  /** `{consistency}` of every PDP call, when the scope sets one. */
  readonly #options: ConsistencyOptions | undefined;
  /** Where decisions are reported (`onDecision`); undefined when nobody listens. */
  readonly #observer: DecisionObserver | undefined;
  /** Set by an adapter when the request's tenant could not be resolved: every question is refused. */
  readonly #refused: boolean;
  // Created on first use: a scope is created per request, and most requests
  // ask one question (or none), so empty Maps would be pure allocation.
  #cache: Map<string, boolean | Promise<boolean>> | undefined;
  /**
   * The scope's first answer while its cache key is not computed yet. Most
   * requests ask one question, and the key (canonical JSON, the costliest
   * step of a memoised check) only matters once a later question could match
   * it, so it is computed when the cache is first needed (see #cacheMap).
   * Only set while #cache is undefined.
   */
  #first: DeferredAnswer | undefined;
  #decisions: Map<string, Decision | Promise<Decision>> | undefined;
  #plans: Map<string, Promise<ResourcePlan>> | undefined;
  #queue: Pending[] | undefined; // created by the first batched check
  #scheduled = false;
  // Plain counters rather than a stats object: one allocation less per request.
  #hits = 0;
  #misses = 0;
  #pdpCalls = 0;
  #batchCalls = 0;

  /**
   * Prefer `permissio.createRequestScope(options)`.
   * @param trust - internal: lets {@link createTrustedRequestScope} skip re-validating options
   */
  constructor(
    owner: Permissio<boolean>,
    options: RequestScopeOptions = {},
    trust?: symbol,
    observer?: DecisionObserver | undefined,
    refused?: boolean,
  ) {
    if (trust !== TRUSTED) validateScopeOptions(options);
    this.#refused = trust === TRUSTED && refused === true;
    this.#observer = trust === TRUSTED ? observer : (owner[CLIENT_OBSERVER] as DecisionObserver | undefined);
    this.permissio = owner;
    this.#pdp = owner.pdp;
    this.#options = options.consistency === undefined ? undefined : { consistency: options.consistency };
    this.user = options.user;
    this.tenant = options.tenant;
    this.#batching = options.batching ?? this.#pdp.kind !== 'embedded';
    this.#maxBatch = options.maxBatchSize ?? DEFAULT_MAX_BATCH;
  }

  /** A snapshot of the scope's counters. */
  get stats(): RequestScopeStats {
    return { hits: this.#hits, misses: this.#misses, pdpCalls: this.#pdpCalls, batches: this.#batchCalls };
  }

  /** May the scope's user do `action` on `resource`? */
  check<T extends ResourceTypeOf<S>>(
    action: NoInfer<S[T]>,
    resource: ResourceOf<T>,
    options?: CheckOptions,
  ): Promise<boolean>;
  /** May `user` do `action` on `resource`? (Same cache.) */
  check<T extends ResourceTypeOf<S>>(
    user: string | CheckUser,
    action: NoInfer<S[T]>,
    resource: ResourceOf<T>,
    options?: CheckOptions,
  ): Promise<boolean>;
  check(
    a: string | CheckUser,
    b: string | CheckResource,
    c?: string | CheckResource | CheckOptions,
    d?: CheckOptions,
  ): Promise<boolean> {
    if (this.#refused) return Promise.reject(tenantUnresolved());
    try {
      const request = this.#request(a, b, c, d);
      const answer = this.#answer(request);
      return typeof answer === 'boolean' ? Promise.resolve(answer) : answer;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `check(action, resource)` for the scope's user, without a Promise when the
   * answer is already known. The Authorizer has validated the resource and
   * knows the scope has a user; the cheap checks stay so a misuse still fails
   * closed with the same errors. Throws instead of rejecting.
   * @internal
   */
  [CHECK_NOW](action: string, resource: string | CheckResource): boolean | Promise<boolean> {
    if (this.#refused) throw tenantUnresolved();
    const user = this.user;
    if (user === undefined) throw new PermissioValidationError(NO_USER_MESSAGE);
    if (typeof action !== 'string')
      throw new PermissioValidationError('RequestScope.check: "action" must be a string.');
    if (!isResourceArgument(resource)) {
      throw new PermissioValidationError('RequestScope.check: "resource" must be a type string or {type, …}.');
    }
    const tenant = this.tenant;
    // Same shape as #request builds, so the engine sees one hidden class.
    const request: CheckRequest = { user, action, resource, tenant, context: undefined };
    return this.#answer(request);
  }

  /** Memoised answer, joined in-flight call, or a new question (batched or direct). */
  #answer(request: CheckRequest): boolean | Promise<boolean> {
    const observer = this.#observer;
    if (observer !== undefined) return this.#observed(observer, request);
    return this.#decide(request);
  }

  /** {@link #answer} with a decision event. */
  #observed(observer: DecisionObserver, request: CheckRequest): boolean | Promise<boolean> {
    const start = now();
    const hits = this.#hits;
    const instrumentation = observer.instrumentation;
    const op =
      instrumentation === undefined
        ? undefined
        : startOperation(instrumentation, checkOperation(request, false, readRoute(observer)));
    let answer: boolean | Promise<boolean>;
    try {
      // A batched check is not run inside its operation: the batch's flush
      // (a microtask) then runs in the request's context, so its bulk call is
      // a sibling of the checks it answers, not a child of the first one.
      answer =
        op === undefined || this.#batching
          ? this.#decide(request, start, op)
          : runOperation(op, () => this.#decide(request, start));
    } catch (error) {
      if (op !== undefined) endOperation(op, { error });
      throw error;
    }
    // A batched miss reports from #send, which knows whether its batch had company.
    const cacheHit = this.#hits !== hits;
    const source: DecisionSource | undefined = cacheHit ? 'cache' : this.#batching ? undefined : 'pdp';
    if (source !== undefined) {
      if (typeof answer === 'boolean') {
        emitDecision(observer, request, answer, source, start);
        if (op !== undefined) endOperation(op, { allowed: answer, cacheHit, source });
      } else {
        emitWhenSettled(observer, request, answer, source, start);
        if (op !== undefined) endWhenSettled(op, answer, (allowed) => ({ allowed, cacheHit, source }));
      }
    }
    return answer;
  }

  #decide(request: CheckRequest, start = 0, op?: OperationHandle): boolean | Promise<boolean> {
    // Nothing cached or in flight yet (the usual first check of a request):
    // it is a miss whatever its key, so the key can wait (see #first).
    if (this.#cache === undefined && this.#first === undefined && !this.#batching && isKeyDeferrable(request)) {
      return this.#askFirst(request);
    }
    const key = checkCacheKey(request.user, request.action, request.resource, request.tenant, request.context);
    const cache = this.#cacheMap();
    const cached = cache.get(key);
    if (cached !== undefined) {
      this.#hits++;
      return cached;
    }
    this.#misses++;
    return this.#batching ? this.#enqueue(key, request, start, op) : this.#direct(key, request);
  }

  /**
   * The first check of an empty, non-batching scope. A synchronous answer is
   * kept in #first without its cache key; anything else takes the keyed path.
   */
  #askFirst(request: CheckRequest): boolean | Promise<boolean> {
    this.#misses++;
    this.#pdpCalls++;
    const answer = this.#pdp.check(request, this.#options);
    if (typeof answer !== 'boolean') {
      const key = checkCacheKey(request.user, request.action, request.resource, request.tenant, request.context);
      return this.#remember(this.#cacheMap(), key, answer);
    }
    const { user, resource } = request;
    this.#first = {
      // Copies of the inputs (strings only): a caller mutating its resource
      // object later must not change which question this answer is filed under.
      user: typeof user === 'string' ? user : user.key,
      action: request.action,
      resource:
        typeof resource === 'string'
          ? resource
          : { type: resource.type, key: resource.key, uri: resource.uri, tenant: resource.tenant },
      tenant: request.tenant,
      allowed: answer,
    };
    return answer;
  }

  /**
   * The cache, created on first use. Creating it files the deferred first
   * answer under its key, so every read of the cache sees it.
   */
  #cacheMap(): Map<string, boolean | Promise<boolean>> {
    let cache = this.#cache;
    if (cache === undefined) {
      cache = this.#cache = new Map();
      const first = this.#first;
      if (first !== undefined) {
        this.#first = undefined;
        cache.set(checkCacheKey(first.user, first.action, first.resource, first.tenant, undefined), first.allowed);
      }
    }
    return cache;
  }

  /** The explained decision (memoised and de-duplicated, not batched). */
  checkDetailed<T extends ResourceTypeOf<S>>(
    action: NoInfer<S[T]>,
    resource: ResourceOf<T>,
    options?: CheckOptions,
  ): Promise<Decision>;
  checkDetailed<T extends ResourceTypeOf<S>>(
    user: string | CheckUser,
    action: NoInfer<S[T]>,
    resource: ResourceOf<T>,
    options?: CheckOptions,
  ): Promise<Decision>;
  async checkDetailed(
    a: string | CheckUser,
    b: string | CheckResource,
    c?: string | CheckResource | CheckOptions,
    d?: CheckOptions,
  ): Promise<Decision> {
    if (this.#refused) throw tenantUnresolved();
    const request = this.#request(a, b, c, d);
    const key = checkCacheKey(request.user, request.action, request.resource, request.tenant, request.context);
    this.#decisions ??= new Map();
    const decisions = this.#decisions;
    const observer = this.#observer;
    const start = observer === undefined ? 0 : now();
    const instrumentation = observer?.instrumentation;
    const op =
      observer === undefined || instrumentation === undefined
        ? undefined
        : startOperation(instrumentation, checkOperation(request, true, readRoute(observer)));
    const cached = decisions.get(key);
    if (cached !== undefined) {
      this.#hits++;
      if (observer === undefined) return cached;
      let decision: Decision;
      try {
        decision = await cached;
      } catch (error) {
        if (op !== undefined) endOperation(op, { error });
        throw error;
      }
      emitDecision(observer, request, decision.allowed, 'cache', start, decision);
      if (op !== undefined) {
        endOperation(op, { allowed: decision.allowed, reason: decision.reason, cacheHit: true, source: 'cache' });
      }
      return decision;
    }
    this.#misses++;
    this.#pdpCalls++;
    const call = async () => this.#pdp.checkDetailed(request, this.#options);
    const promise = op === undefined ? call() : runOperation(op, call);
    decisions.set(key, promise);
    try {
      const decision = await promise;
      strictBoolean(decision.allowed);
      if (observer !== undefined) emitDecision(observer, request, decision.allowed, 'pdp', start, decision);
      if (op !== undefined) {
        endOperation(op, { allowed: decision.allowed, reason: decision.reason, cacheHit: false, source: 'pdp' });
      }
      decisions.set(key, decision);
      const cache = this.#cacheMap();
      if (!cache.has(key)) cache.set(key, decision.allowed);
      return decision;
    } catch (error) {
      if (op !== undefined) endOperation(op, { error });
      if (decisions.get(key) === promise) decisions.delete(key);
      throw error;
    }
  }

  /**
   * Which resources of `resourceType` may the scope's user do `action` on?
   * (See `Permissio.plan`.) Memoised per scope like checks: the same question
   * asks the PDP once; a failure is not cached and always rejects.
   */
  plan<T extends ResourceTypeOf<S>>(
    action: NoInfer<S[T]>,
    resourceType: T,
    options?: PlanOptions,
  ): Promise<ResourcePlan> {
    if (this.#refused) return Promise.reject(tenantUnresolved());
    const user = this.user;
    if (user === undefined) {
      return Promise.reject(
        new PermissioValidationError(
          'RequestScope.plan(action, resourceType): this scope has no user; pass one to createRequestScope({ user }) or call permissio.plan(user, action, resourceType).',
        ),
      );
    }
    const tenant = options?.tenant ?? this.tenant;
    const context = options?.context;
    let key: string;
    try {
      key = checkCacheKey(user, action, resourceType, tenant, context);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#plans ??= new Map();
    const plans = this.#plans;
    const observer = this.#observer;
    const instrumentation = observer?.instrumentation;
    const op =
      observer === undefined || instrumentation === undefined
        ? undefined
        : startOperation(instrumentation, planOperation(action, resourceType, tenant, readRoute(observer)));
    const cached = plans.get(key);
    if (cached !== undefined) {
      this.#hits++;
      if (op !== undefined) endWhenSettled(op, cached, (plan) => ({ planKind: plan.kind, cacheHit: true }));
      return cached;
    }
    this.#misses++;
    this.#pdpCalls++;
    const planOptions: PlanOptions = {};
    if (tenant !== undefined) planOptions.tenant = tenant;
    if (context !== undefined) planOptions.context = context;
    const ask = () => planOf(this.#pdp, user, action, resourceType, planOptions);
    const promise = op === undefined ? ask() : runOperation(op, ask);
    if (op !== undefined) endWhenSettled(op, promise, (plan) => ({ planKind: plan.kind, cacheHit: false }));
    plans.set(key, promise);
    promise.catch(() => {
      if (plans.get(key) === promise) plans.delete(key);
    });
    return promise;
  }

  /**
   * Forgets every cached decision (for example after the handler changed
   * the policy and must see its own write). Calls in flight are unaffected.
   */
  clear(): void {
    this.#first = undefined;
    this.#cache?.clear();
    this.#decisions?.clear();
    this.#plans?.clear();
  }

  #request(
    a: string | CheckUser,
    b: string | CheckResource,
    c: string | CheckResource | CheckOptions | undefined,
    d: CheckOptions | undefined,
  ): CheckRequest {
    let user: string | CheckUser;
    let action: unknown;
    let resource: unknown;
    let options: CheckOptions | undefined;
    if (isResourceArgument(c)) {
      user = a;
      action = b;
      resource = c;
      options = d;
    } else {
      if (this.user === undefined) {
        throw new PermissioValidationError(NO_USER_MESSAGE);
      }
      user = this.user;
      action = a;
      resource = b;
      options = c;
    }
    if (typeof action !== 'string')
      throw new PermissioValidationError('RequestScope.check: "action" must be a string.');
    if (!isResourceArgument(resource)) {
      throw new PermissioValidationError('RequestScope.check: "resource" must be a type string or {type, …}.');
    }
    if (typeof user !== 'string' && (user === null || typeof user !== 'object' || typeof user.key !== 'string')) {
      throw new PermissioValidationError('RequestScope.check: "user" must be a key string or {key, …}.');
    }
    return { user, action, resource, tenant: options?.tenant ?? this.tenant, context: options?.context };
  }

  /** Asks the PDP now (no batching). A synchronous boolean is cached and returned as is. */
  #direct(key: string, request: CheckRequest): boolean | Promise<boolean> {
    this.#pdpCalls++;
    return this.#remember(this.#cacheMap(), key, this.#pdp.check(request, this.#options));
  }

  /** Caches a PDP answer: a boolean as is, a pending answer as an in-flight entry settled (or evicted) later. */
  #remember(
    cache: Map<string, boolean | Promise<boolean>>,
    key: string,
    answer: MaybePromise<boolean>,
  ): boolean | Promise<boolean> {
    if (typeof answer === 'boolean') {
      cache.set(key, answer);
      return answer;
    }
    const promise: Promise<boolean> = Promise.resolve(answer).then(
      (value) => {
        const allowed = strictBoolean(value);
        if (cache.get(key) === promise) cache.set(key, allowed);
        return allowed;
      },
      (error: unknown) => {
        if (cache.get(key) === promise) cache.delete(key);
        throw error;
      },
    );
    cache.set(key, promise);
    return promise;
  }

  #enqueue(key: string, request: CheckRequest, start: number, op: OperationHandle | undefined): Promise<boolean> {
    let resolve!: (value: boolean) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<boolean>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#queue ??= [];
    this.#queue.push({ key, request, promise, resolve, reject, start, op });
    this.#cacheMap().set(key, promise);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flush());
    }
    return promise;
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue ?? [];
    this.#queue = undefined;
    for (let i = 0; i < queue.length; i += this.#maxBatch) {
      void this.#send(queue.length <= this.#maxBatch ? queue : queue.slice(i, i + this.#maxBatch));
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    this.#pdpCalls++;
    const cache = this.#cacheMap();
    let bulkOp: OperationHandle | undefined;
    try {
      let answers: unknown[];
      const first = batch[0];
      if (batch.length === 1 && first !== undefined) {
        const op = first.op;
        const call = () => this.#pdp.check(first.request, this.#options);
        answers = [await (op === undefined ? call() : runOperation(op, call))];
      } else {
        this.#batchCalls++;
        const instrumentation = this.#observer?.instrumentation;
        if (instrumentation !== undefined) bulkOp = this.#bulkOperation(batch.length);
        const call = () =>
          this.#pdp.bulkCheck(
            batch.map((entry) => entry.request),
            this.#options,
          );
        answers = await (bulkOp === undefined ? call() : runOperation(bulkOp, call));
        if (!Array.isArray(answers) || answers.length !== batch.length) {
          throw new PermissioError(
            `The PDP answered a bulk check of ${batch.length} with ${Array.isArray(answers) ? answers.length : 'no'} results.`,
            { code: 'MALFORMED_RESPONSE' },
          );
        }
      }
      const values = answers.map(strictBoolean);
      if (bulkOp !== undefined) endOperation(bulkOp, { allowedCount: values.filter(Boolean).length });
      const observer = this.#observer;
      const source: DecisionSource = batch.length > 1 ? 'batch' : 'pdp';
      batch.forEach((entry, index) => {
        const allowed = values[index] === true;
        if (cache.get(entry.key) === entry.promise) cache.set(entry.key, allowed);
        entry.resolve(allowed);
        if (observer !== undefined) emitDecision(observer, entry.request, allowed, source, entry.start);
        if (entry.op !== undefined) endOperation(entry.op, { allowed, cacheHit: false, source });
      });
    } catch (error) {
      if (bulkOp !== undefined) endOperation(bulkOp, { error });
      for (const entry of batch) {
        if (cache.get(entry.key) === entry.promise) cache.delete(entry.key);
        entry.reject(error);
        if (entry.op !== undefined) endOperation(entry.op, { error });
      }
    }
  }

  /** The `bulk_check` operation of a micro-batch (instrumented scopes only). */
  #bulkOperation(size: number): OperationHandle | undefined {
    const observer = this.#observer;
    const instrumentation = observer?.instrumentation;
    if (observer === undefined || instrumentation === undefined) return undefined;
    const route = readRoute(observer);
    return startOperation(instrumentation, { kind: 'bulk_check', size, ...(route === undefined ? {} : { route }) });
  }
}

/**
 * The Authorizer's scope factory: `user` and `tenant` were already validated
 * (a non-empty key or `{key}`, a non-empty string), so the constructor does
 * not validate them again. Not part of the public API.
 * @internal
 */
export function createTrustedRequestScope(
  owner: Permissio<boolean>,
  user: string | CheckUser | undefined,
  tenant: string | undefined,
  observer?: DecisionObserver,
): RequestScope {
  return new RequestScope(owner, { user, tenant }, TRUSTED, observer);
}

/**
 * The scope of a request whose tenant could not be resolved: every check, detailed check and plan rejects with
 * code `TENANT_UNRESOLVED` and nothing reaches the PDP. Works with any client (a test double too). Not part of
 * the public API.
 * @internal
 */
export function createRefusedRequestScope(
  owner: Permissio<boolean>,
  user: string | CheckUser | undefined,
): RequestScope {
  return new RequestScope(owner, { user, batching: false }, TRUSTED, undefined, true);
}

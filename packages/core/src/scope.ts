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
import type { Permissio } from './client.js';
import type { CheckOptions, CheckRequest, CheckResource, CheckUser, Decision, Pdp } from './types.js';

/** Options of `permissio.createRequestScope(options)`. */
export interface RequestScopeOptions {
  /** The request's user: `scope.check(action, resource)` asks for it. */
  user?: string | CheckUser;
  /**
   * Default tenant of the scope's checks. A check's own `tenant` option wins,
   * and `resource.tenant` wins over both (SEMANTICS.md).
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

interface Pending {
  key: string;
  request: CheckRequest;
  promise: Promise<boolean>;
  resolve: (value: boolean) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 100;

function isResourceArgument(value: unknown): value is string | CheckResource {
  return typeof value === 'string' || (value !== null && typeof value === 'object' && 'type' in value);
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
export class RequestScope {
  /** The user of `check(action, resource)`, if the scope has one. */
  readonly user: string | CheckUser | undefined;
  /** The scope's default tenant. */
  readonly tenant: string | undefined;
  /** The client that created the scope. */
  readonly permissio: Permissio<boolean>;

  readonly #pdp: Pdp;
  readonly #batching: boolean;
  readonly #maxBatch: number;
  readonly #cache = new Map<string, boolean | Promise<boolean>>();
  readonly #decisions = new Map<string, Decision | Promise<Decision>>();
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #stats: RequestScopeStats = { hits: 0, misses: 0, pdpCalls: 0, batches: 0 };

  /** Prefer `permissio.createRequestScope(options)`. */
  constructor(owner: Permissio<boolean>, options: RequestScopeOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new PermissioValidationError('createRequestScope: options must be an object {user?, tenant?}.');
    }
    const { user, tenant, batching, maxBatchSize = DEFAULT_MAX_BATCH } = options;
    if (user !== undefined && typeof user !== 'string' && (user === null || typeof user !== 'object' || typeof user.key !== 'string')) {
      throw new PermissioValidationError('createRequestScope: "user" must be a key string or {key, …}.');
    }
    if (tenant !== undefined && typeof tenant !== 'string') {
      throw new PermissioValidationError('createRequestScope: "tenant" must be a string.');
    }
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new PermissioValidationError('createRequestScope: "maxBatchSize" must be a positive integer.');
    }
    this.permissio = owner;
    this.#pdp = owner.pdp;
    this.user = user;
    this.tenant = tenant;
    this.#batching = batching ?? this.#pdp.kind !== 'embedded';
    this.#maxBatch = maxBatchSize;
  }

  /** A snapshot of the scope's counters. */
  get stats(): RequestScopeStats {
    return { ...this.#stats };
  }

  /** May the scope's user do `action` on `resource`? */
  check(action: string, resource: string | CheckResource, options?: CheckOptions): Promise<boolean>;
  /** May `user` do `action` on `resource`? (Same cache.) */
  check(user: string | CheckUser, action: string, resource: string | CheckResource, options?: CheckOptions): Promise<boolean>;
  check(
    a: string | CheckUser,
    b: string | CheckResource,
    c?: string | CheckResource | CheckOptions,
    d?: CheckOptions,
  ): Promise<boolean> {
    try {
      const request = this.#request(a, b, c, d);
      const key = checkCacheKey(request.user, request.action, request.resource, request.tenant, request.context);
      const cached = this.#cache.get(key);
      if (cached !== undefined) {
        this.#stats.hits++;
        return typeof cached === 'boolean' ? Promise.resolve(cached) : cached;
      }
      this.#stats.misses++;
      return this.#batching ? this.#enqueue(key, request) : this.#direct(key, request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The explained decision (memoised and de-duplicated, not batched). */
  checkDetailed(action: string, resource: string | CheckResource, options?: CheckOptions): Promise<Decision>;
  checkDetailed(user: string | CheckUser, action: string, resource: string | CheckResource, options?: CheckOptions): Promise<Decision>;
  async checkDetailed(
    a: string | CheckUser,
    b: string | CheckResource,
    c?: string | CheckResource | CheckOptions,
    d?: CheckOptions,
  ): Promise<Decision> {
    const request = this.#request(a, b, c, d);
    const key = checkCacheKey(request.user, request.action, request.resource, request.tenant, request.context);
    const cached = this.#decisions.get(key);
    if (cached !== undefined) {
      this.#stats.hits++;
      return cached;
    }
    this.#stats.misses++;
    this.#stats.pdpCalls++;
    const promise = (async () => this.#pdp.checkDetailed(request))();
    this.#decisions.set(key, promise);
    try {
      const decision = await promise;
      strictBoolean(decision.allowed);
      this.#decisions.set(key, decision);
      if (!this.#cache.has(key)) this.#cache.set(key, decision.allowed);
      return decision;
    } catch (error) {
      if (this.#decisions.get(key) === promise) this.#decisions.delete(key);
      throw error;
    }
  }

  /**
   * Forgets every cached decision (for example after the handler changed
   * the policy and must see its own write). Calls in flight are unaffected.
   */
  clear(): void {
    this.#cache.clear();
    this.#decisions.clear();
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
        throw new PermissioValidationError(
          'RequestScope.check(action, resource): this scope has no user; pass one to createRequestScope({ user }) or call check(user, action, resource).',
        );
      }
      user = this.user;
      action = a;
      resource = b;
      options = c;
    }
    if (typeof action !== 'string') throw new PermissioValidationError('RequestScope.check: "action" must be a string.');
    if (!isResourceArgument(resource)) {
      throw new PermissioValidationError('RequestScope.check: "resource" must be a type string or {type, …}.');
    }
    if (typeof user !== 'string' && (user === null || typeof user !== 'object' || typeof user.key !== 'string')) {
      throw new PermissioValidationError('RequestScope.check: "user" must be a key string or {key, …}.');
    }
    return { user, action, resource, tenant: options?.tenant ?? this.tenant, context: options?.context };
  }

  #direct(key: string, request: CheckRequest): Promise<boolean> {
    this.#stats.pdpCalls++;
    const answer = this.#pdp.check(request);
    if (typeof answer === 'boolean') {
      this.#cache.set(key, answer);
      return Promise.resolve(answer);
    }
    const promise: Promise<boolean> = Promise.resolve(answer).then(
      (value) => {
        const allowed = strictBoolean(value);
        if (this.#cache.get(key) === promise) this.#cache.set(key, allowed);
        return allowed;
      },
      (error: unknown) => {
        if (this.#cache.get(key) === promise) this.#cache.delete(key);
        throw error;
      },
    );
    this.#cache.set(key, promise);
    return promise;
  }

  #enqueue(key: string, request: CheckRequest): Promise<boolean> {
    let resolve!: (value: boolean) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<boolean>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#queue.push({ key, request, promise, resolve, reject });
    this.#cache.set(key, promise);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flush());
    }
    return promise;
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    for (let i = 0; i < queue.length; i += this.#maxBatch) {
      void this.#send(queue.length <= this.#maxBatch ? queue : queue.slice(i, i + this.#maxBatch));
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    this.#stats.pdpCalls++;
    try {
      let answers: unknown[];
      const first = batch[0];
      if (batch.length === 1 && first !== undefined) {
        answers = [await this.#pdp.check(first.request)];
      } else {
        this.#stats.batches++;
        answers = await this.#pdp.bulkCheck(batch.map((entry) => entry.request));
        if (!Array.isArray(answers) || answers.length !== batch.length) {
          throw new PermissioError(
            `The PDP answered a bulk check of ${batch.length} with ${Array.isArray(answers) ? answers.length : 'no'} results.`,
            { code: 'MALFORMED_RESPONSE' },
          );
        }
      }
      const values = answers.map(strictBoolean);
      batch.forEach((entry, index) => {
        const allowed = values[index] === true;
        if (this.#cache.get(entry.key) === entry.promise) this.#cache.set(entry.key, allowed);
        entry.resolve(allowed);
      });
    } catch (error) {
      for (const entry of batch) {
        if (this.#cache.get(entry.key) === entry.promise) this.#cache.delete(entry.key);
        entry.reject(error);
      }
    }
  }
}

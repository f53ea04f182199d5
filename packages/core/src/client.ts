/**
 * The `Permissio` client: checks, grants, role assignments, the management
 * API and request scopes, over any {@link Pdp} — the embedded engine
 * (`new Permissio({ pdp: createEngine() })`) or the REST API
 * (`new Permissio({ token, apiUrl })`, through {@link HttpPdp}).
 */
import {
  CLIENT_OBSERVER,
  type DecisionListener,
  type DecisionObserver,
  DecisionSink,
  emitDecision,
  now,
} from './decision-events.js';
import {
  checkOperation,
  endOperation,
  type OperationHandle,
  runOperation,
  type PermissioInstrumentation,
  planOperation,
  startOperation,
} from './instrumentation.js';
import { PermissioError } from './errors.js';
import { HttpPdp } from './http/http-pdp.js';
import { consoleLogger, type Logger } from './logger.js';
import { createManagementApi, type ManagementApi, type OrNull, type Runner } from './management.js';
import { resolveOptions, type PermissioOptions } from './options.js';
import { planOf } from './plan.js';
import { RequestScope, type RequestScopeOptions } from './scope.js';
import type {
  PermissionOf,
  PolicyShape,
  PolicyTyped,
  RegisteredShape,
  ResourceOf,
  ResourceTypeOf,
  TypedCheckRequest,
} from './typed.js';
import type {
  AssignOptions,
  CheckOptions,
  CheckPermissionsRequest,
  CheckPermissionsResult,
  CheckRequest,
  ConsistencyOptions,
  CheckUser,
  Decision,
  GrantRequest,
  Pdp,
  PlanOptions,
  ResourcePlan,
  RoleAssignment,
  UserPermissions,
} from './types.js';

/** Only the `consistency` of check options, or `undefined` (the PDP's default: read-your-writes). */
function consistencyOf(options: ConsistencyOptions | undefined): ConsistencyOptions | undefined {
  return options?.consistency === undefined ? undefined : { consistency: options.consistency };
}

function notBoolean(): PermissioError {
  return new PermissioError('The PDP answered a check with a non-boolean value; treated as an error, never an allow.', {
    code: 'MALFORMED_RESPONSE',
  });
}

async function awaitBoolean(answer: PromiseLike<boolean>): Promise<boolean> {
  const value: unknown = await answer;
  if (typeof value !== 'boolean') throw notBoolean();
  return value;
}

/** The client's decision observer: its `onDecision` and its instrumentation's; undefined when neither is set. */
function clientObserver(
  onDecision: DecisionListener | undefined,
  instrumentation: PermissioInstrumentation | undefined,
  logger: Logger,
): DecisionObserver | undefined {
  if (onDecision === undefined && instrumentation === undefined) return undefined;
  const sinks: DecisionSink[] = [];
  if (onDecision !== undefined) sinks.push(new DecisionSink(onDecision, logger, 'Permissio'));
  const fromInstrumentation = instrumentation?.onDecision;
  if (fromInstrumentation !== undefined) sinks.push(new DecisionSink(fromInstrumentation, logger, 'Permissio'));
  return instrumentation === undefined ? { sinks } : { sinks, instrumentation };
}

/** A `check` operation of the client, when instrumented. */
function operationOf(
  observer: DecisionObserver,
  request: CheckRequest,
  detailed: boolean,
): OperationHandle | undefined {
  const instrumentation = observer.instrumentation;
  return instrumentation === undefined ? undefined : startOperation(instrumentation, checkOperation(request, detailed));
}

/**
 * The Permissio client.
 *
 * ```ts
 * import { Permissio } from '@permissio/core';
 * import { createEngine } from '@permissio/engine';
 * const permissio = new Permissio({ pdp: createEngine(policy) });       // embedded, no network
 * const remote = new Permissio({ token: 'permis_key_…', apiUrl });      // a remote PDP
 * await permissio.check('alice', 'read', { type: 'document', key: 'doc-1' }, { tenant: 'acme' });
 * ```
 *
 * @typeParam TThrow - inferred from `throwOnError` (`true` when omitted).
 * With `false`, failures are logged and `check`/`bulkCheck` resolve `false`
 * while every other method resolves `null`, which its return type says.
 * Code that accepts any client should take a `Permissio<boolean>`.
 * @typeParam S - the policy's shape (see `definePolicy` and `Register`):
 * inferred from a `pdp` typed by a policy, else the registered shape, else
 * untyped (plain strings). It types the actions, resource types and
 * permissions every method accepts.
 */
export class Permissio<TThrow extends boolean = true, S extends PolicyShape = RegisteredShape>
  implements AsyncDisposable
{
  readonly #pdp: Pdp;
  readonly #ownsPdp: boolean;
  readonly #throw: boolean;
  readonly #logger: Logger;
  /** The `onDecision` observer; undefined (and never read beyond one test) when no listener is set. */
  readonly #observer: DecisionObserver | undefined;
  #closed: Promise<void> | undefined;

  /** Management API: users, tenants, roles, resources, role assignments. */
  readonly api: ManagementApi<TThrow, S>;

  constructor(options: PermissioOptions<TThrow> & { pdp?: PolicyTyped<S> }) {
    const resolved = resolveOptions(options);
    this.#throw = resolved.throwOnError;
    this.#logger = resolved.logger ?? consoleLogger;
    this.#observer = clientObserver(resolved.onDecision, resolved.instrumentation, this.#logger);
    if (resolved.mode === 'pdp') {
      this.#pdp = resolved.pdp;
      this.#ownsPdp = false;
    } else {
      this.#pdp = new HttpPdp({
        config: resolved.config,
        logger: this.#logger,
        ...(resolved.fetch === undefined ? {} : { fetch: resolved.fetch }),
        ...(resolved.instrumentation === undefined ? {} : { instrumentation: resolved.instrumentation }),
      });
      this.#ownsPdp = true;
    }
    const run: Runner = (operation, call) => this.#run(operation, call);
    this.api = createManagementApi<TThrow, S>(this.#pdp, run);
  }

  /**
   * Startup check, to `await` before serving traffic: resolves when the PDP
   * answers and accepts the API key (and, when given, its project and
   * environment); rejects — whatever `throwOnError` says — with
   * `PermissioAuthenticationError` (401: wrong or revoked key),
   * `PermissioPermissionError` (403, or a key of another project or
   * environment), `PermissioApiError` code `NOT_A_PDP` (the URL answers, but
   * not as a Permissio PDP: a wrong `apiUrl`), or `PermissioNetworkError`
   * naming the origin it tried (unreachable). Messages never contain the key.
   * With the embedded engine there is nothing to verify: it resolves.
   */
  async verify(): Promise<void> {
    await this.#pdp.verify?.();
  }

  /**
   * The client's decision observer, for its request scopes.
   * @internal
   */
  get [CLIENT_OBSERVER](): DecisionObserver | undefined {
    return this.#observer;
  }

  /** The PDP this client asks (an `HttpPdp` when built with a token). */
  get pdp(): Pdp {
    return this.#pdp;
  }

  // ------------------------------------------------------------ checks

  /**
   * May `user` do `action` on `resource`? Resolves `true` only on an explicit
   * allow. With `throwOnError: false` a failure resolves `false` (deny).
   */
  async check<T extends ResourceTypeOf<S>>(
    user: string | CheckUser,
    action: NoInfer<S[T]>,
    resource: ResourceOf<T>,
    options?: CheckOptions,
  ): Promise<boolean> {
    const request: CheckRequest = { user, action, resource, tenant: options?.tenant, context: options?.context };
    const freshness = consistencyOf(options);
    const observer = this.#observer;
    if (observer !== undefined) return this.#observedCheck(observer, request, freshness);
    if (this.#throw) {
      const answer = this.#pdp.check(request, freshness);
      return typeof answer === 'boolean' ? answer : awaitBoolean(answer);
    }
    try {
      const answer = this.#pdp.check(request, freshness);
      return typeof answer === 'boolean' ? answer : await awaitBoolean(answer);
    } catch (error) {
      this.#report('check', error);
      return false;
    }
  }

  /** `check` with a decision event (only when `onDecision` is set). */
  async #observedCheck(
    observer: DecisionObserver,
    request: CheckRequest,
    freshness: ConsistencyOptions | undefined,
  ): Promise<boolean> {
    const start = now();
    const op = operationOf(observer, request, false);
    let allowed: boolean;
    try {
      const answer =
        op === undefined
          ? this.#pdp.check(request, freshness)
          : runOperation(op, () => this.#pdp.check(request, freshness));
      allowed = typeof answer === 'boolean' ? answer : await awaitBoolean(answer);
    } catch (error) {
      if (op !== undefined) endOperation(op, { error });
      if (this.#throw) throw error;
      this.#report('check', error);
      return false;
    }
    if (op !== undefined) endOperation(op, { allowed, cacheHit: false, source: 'pdp' });
    emitDecision(observer, request, allowed, 'pdp', start);
    return allowed;
  }

  /** The decision with its explanation `{allowed, reason, via?}`. */
  checkDetailed<T extends ResourceTypeOf<S>>(
    user: string | CheckUser,
    action: NoInfer<S[T]>,
    resource: ResourceOf<T>,
    options?: CheckOptions,
  ): Promise<OrNull<Decision, TThrow>> {
    const request: CheckRequest = { user, action, resource, tenant: options?.tenant, context: options?.context };
    return this.#run('checkDetailed', async () => {
      const observer = this.#observer;
      if (observer === undefined) {
        const decision = await this.#pdp.checkDetailed(request, consistencyOf(options));
        if (typeof decision?.allowed !== 'boolean') throw notBoolean();
        return decision;
      }
      const start = now();
      const op = operationOf(observer, request, true);
      try {
        const call = () => this.#pdp.checkDetailed(request, consistencyOf(options));
        const decision = await (op === undefined ? call() : runOperation(op, call));
        if (typeof decision?.allowed !== 'boolean') throw notBoolean();
        if (op !== undefined)
          endOperation(op, { allowed: decision.allowed, reason: decision.reason, cacheHit: false, source: 'pdp' });
        emitDecision(observer, request, decision.allowed, 'pdp', start, decision);
        return decision;
      } catch (error) {
        if (op !== undefined) endOperation(op, { error });
        throw error;
      }
    });
  }

  /**
   * Answers independent checks in order. With `throwOnError: false` a failure
   * resolves every answer `false`.
   */
  async bulkCheck<R extends TypedCheckRequest<S>>(
    checks: readonly R[],
    options?: ConsistencyOptions,
  ): Promise<boolean[]> {
    const instrumentation = this.#observer?.instrumentation;
    const op =
      instrumentation === undefined || !Array.isArray(checks)
        ? undefined
        : startOperation(instrumentation, { kind: 'bulk_check', size: checks.length });
    try {
      const start = this.#observer === undefined ? 0 : now();
      const call = () => this.#pdp.bulkCheck(checks, consistencyOf(options));
      const answers: unknown = await (op === undefined ? call() : runOperation(op, call));
      if (!Array.isArray(answers) || answers.length !== checks.length) {
        throw new PermissioError(
          `The PDP answered a bulk check of ${checks.length} with a different number of results.`,
          {
            code: 'MALFORMED_RESPONSE',
          },
        );
      }
      for (const answer of answers) if (typeof answer !== 'boolean') throw notBoolean();
      if (op !== undefined) endOperation(op, { allowedCount: (answers as boolean[]).filter(Boolean).length });
      const observer = this.#observer;
      if (observer !== undefined) {
        (answers as boolean[]).forEach((allowed, i) => {
          const request = checks[i];
          if (request !== undefined) emitDecision(observer, request, allowed, 'batch', start);
        });
      }
      return answers as boolean[];
    } catch (error) {
      if (op !== undefined) endOperation(op, { error });
      if (this.#throw) throw error;
      this.#report('bulkCheck', error);
      return Array.isArray(checks) ? checks.map(() => false) : [];
    }
  }

  /** One principal, several resources × several permissions: `{passed, missing}`. */
  checkPermissions<P extends PermissionOf<S>>(
    request: CheckPermissionsRequest<P>,
    options?: ConsistencyOptions,
  ): Promise<OrNull<CheckPermissionsResult, TThrow>> {
    return this.#run('checkPermissions', () => this.#pdp.checkPermissions(request, consistencyOf(options)));
  }

  /** What `user` holds on `resourceUri` (ancestors and tenant-wide roles included). */
  getUserPermissions(
    user: string,
    resourceUri: string,
    options?: { tenant?: string },
  ): Promise<OrNull<UserPermissions, TThrow>> {
    return this.#run('getUserPermissions', () => this.#pdp.getUserPermissions(user, resourceUri, options));
  }

  /**
   * Which resources of `resourceType` may `user` do `action` on? Resolves a
   * {@link ResourcePlan}: `always`, `never`, or a filter that
   * `@permissio/filter` turns into SQL, a Drizzle condition or a predicate.
   * With `throwOnError: false` a failure resolves `{kind: 'never'}` (nothing
   * is listed), never `always`.
   */
  async plan<T extends ResourceTypeOf<S>>(
    user: string | CheckUser,
    action: NoInfer<S[T]>,
    resourceType: T,
    options?: PlanOptions,
  ): Promise<ResourcePlan> {
    const instrumentation = this.#observer?.instrumentation;
    const op =
      instrumentation === undefined
        ? undefined
        : startOperation(instrumentation, planOperation(action, resourceType, options?.tenant, undefined));
    try {
      if (op === undefined) return await planOf(this.#pdp, user, action, resourceType, options);
      const plan = await runOperation(op, () => planOf(this.#pdp, user, action, resourceType, options));
      endOperation(op, { planKind: plan.kind, cacheHit: false });
      return plan;
    } catch (error) {
      if (op !== undefined) endOperation(op, { error });
      if (this.#throw) throw error;
      this.#report('plan', error);
      return { kind: 'never' };
    }
  }

  // ------------------------------------------------------------ writes

  /** Assigns `role` to `user`, tenant-wide or on `resourceInstance`. Idempotent. */
  assignRole(user: string, role: string, options?: AssignOptions): Promise<OrNull<RoleAssignment, TThrow>> {
    return this.#run('assignRole', () => this.#pdp.roleAssignments.assign({ ...options, user, role }));
  }

  /** Removes that assignment. Idempotent. */
  unassignRole(user: string, role: string, options?: AssignOptions): Promise<OrNull<void, TThrow>> {
    return this.#run('unassignRole', () => this.#pdp.roleAssignments.unassign({ ...options, user, role }));
  }

  /** Grants permissions and/or roles to a user on a resource URI or instance. */
  grant<P extends PermissionOf<S>>(request: GrantRequest<P>): Promise<OrNull<void, TThrow>> {
    return this.#run('grant', () => this.#pdp.grant(request));
  }

  /** Revokes what {@link Permissio.grant} granted. */
  revoke<P extends PermissionOf<S>>(request: GrantRequest<P>): Promise<OrNull<void, TThrow>> {
    return this.#run('revoke', () => this.#pdp.revoke(request));
  }

  // ------------------------------------------------------------ scopes & lifecycle

  /**
   * A request-scoped decision cache: one per incoming request, never shared
   * between requests. See {@link RequestScope}.
   */
  createRequestScope(options?: RequestScopeOptions): RequestScope<S> {
    return new RequestScope<S>(this as unknown as Permissio<boolean>, options);
  }

  /**
   * Releases the HTTP transport (in-flight calls are aborted, later calls
   * reject). A PDP passed as `pdp` belongs to the caller and is not closed.
   * Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= this.#ownsPdp && this.#pdp.close ? this.#pdp.close() : Promise.resolve();
    return this.#closed;
  }

  /** `await using permissio = new Permissio(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ------------------------------------------------------------ failure mode

  async #run<T>(operation: string, call: () => T | Promise<T>): Promise<OrNull<T, TThrow>> {
    try {
      return await call();
    } catch (error) {
      if (this.#throw) throw error;
      this.#report(operation, error);
      return null as OrNull<T, TThrow>;
    }
  }

  #report(operation: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const meta =
      error instanceof PermissioError
        ? { name: error.name, code: error.code, ...('statusCode' in error ? { statusCode: error.statusCode } : {}) }
        : {};
    this.#logger.error(`[permissio] ${operation} failed: ${message}`, meta);
  }
}

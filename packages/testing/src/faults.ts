/**
 * Fault switches: a PDP that answers from the embedded engine until switched
 * to fail the way a remote PDP fails, so an app's fail-closed paths can be
 * tested without a network:
 *
 * - `unavailable`: the PDP cannot be reached (`PermissioNetworkError`, code `NETWORK_ERROR`);
 * - `timeout`: no answer within the budget (`PermissioTimeoutError`, code `TIMEOUT`), after `afterMs`;
 * - `malformed`: the PDP answers garbage (non-boolean decisions; the client rejects them with
 *   `MALFORMED_RESPONSE`, as the HTTP transport does for a remote PDP).
 *
 * Faults apply to the decision calls (`check`, `checkDetailed`, `bulkCheck`,
 * `checkPermissions`, `getUserPermissions`, `plan`) and to `verify()`;
 * management calls keep going to the engine so a test can still arrange data.
 */
import {
  PermissioError,
  PermissioNetworkError,
  PermissioTimeoutError,
  PermissioValidationError,
  type CheckPermissionsRequest,
  type CheckRequest,
  type CheckUser,
  type ConsistencyOptions,
  type Pdp,
  type PlanOptions,
  type PolicySnapshot,
} from '@permissio/core';

/** The ways the test PDP can fail. */
export type Fault = 'unavailable' | 'timeout' | 'malformed';

/** The faults, for validation and iteration. */
export const FAULTS: readonly Fault[] = ['unavailable', 'timeout', 'malformed'];

/** Options of `fault(kind, options)`. */
export interface FaultOptions {
  /** Fail only the next `times` decision calls, then answer normally again. @defaultValue every call until `heal()` */
  times?: number;
  /** `timeout`: how long the call hangs before it rejects, in milliseconds. @defaultValue 0 (rejects at once) */
  afterMs?: number;
}

interface ActiveFault {
  kind: Fault;
  remaining: number;
  afterMs: number;
}

const SIMULATED = '(simulated by @permissio/testing; call heal() to answer again)';

function failure(fault: ActiveFault, what: string, garbage: unknown): Promise<never> {
  switch (fault.kind) {
    case 'unavailable':
      return Promise.reject(
        new PermissioNetworkError(`Permissio: ${what} failed: connect ECONNREFUSED ${SIMULATED}.`, {
          details: { simulated: true },
        }),
      );
    case 'timeout': {
      const error = new PermissioTimeoutError(`Permissio: ${what} got no answer within the time budget ${SIMULATED}.`, {
        details: { simulated: true },
      });
      if (fault.afterMs <= 0) return Promise.reject(error);
      return new Promise<never>((_resolve, reject) => setTimeout(() => reject(error), fault.afterMs));
    }
    case 'malformed':
      // A garbage answer where the client validates it (a decision), a typed error where it does not.
      if (garbage !== undefined) return Promise.resolve(garbage as never);
      return Promise.reject(
        new PermissioError(`Permissio: ${what}: the PDP answered a malformed response ${SIMULATED}.`, {
          code: 'MALFORMED_RESPONSE',
          details: { simulated: true },
        }),
      );
  }
}

/** Validates the arguments of `fault()`. */
function activeFault(kind: unknown, options: FaultOptions = {}): ActiveFault {
  if (!FAULTS.includes(kind as Fault)) {
    throw new PermissioValidationError(
      `@permissio/testing: unknown fault ${JSON.stringify(kind)}; use one of ${FAULTS.map((f) => `"${f}"`).join(', ')}.`,
    );
  }
  const { times, afterMs = 0 } = options;
  if (times !== undefined && !(Number.isInteger(times) && times > 0)) {
    throw new PermissioValidationError('@permissio/testing: fault option "times" must be a positive integer.');
  }
  if (!(Number.isFinite(afterMs) && afterMs >= 0)) {
    throw new PermissioValidationError(
      '@permissio/testing: fault option "afterMs" must be a number of milliseconds ≥ 0.',
    );
  }
  return { kind: kind as Fault, remaining: times ?? Number.POSITIVE_INFINITY, afterMs };
}

/**
 * Any PDP (the embedded engine in `createTestPermissio`) behind a fault switch:
 * `new Permissio({ pdp: new FaultablePdp(createEngine(policy)) })`.
 */
export class FaultablePdp implements Pdp {
  readonly kind = 'embedded' as const;
  readonly #base: Pdp;
  #fault: ActiveFault | undefined;

  constructor(base: Pdp) {
    this.#base = base;
  }

  /** The fault in effect, if any. */
  get currentFault(): Fault | undefined {
    return this.#fault?.kind;
  }

  /**
   * Fails the decision calls with `kind` until {@link heal} (or for the next `options.times` calls).
   * @throws PermissioValidationError on an unknown fault or a bad option
   */
  fault(kind: Fault, options?: FaultOptions): void {
    this.#fault = activeFault(kind, options);
  }

  /** Answers from the engine again. */
  heal(): void {
    this.#fault = undefined;
  }

  /** The fault for this call (consuming one of its `times`), or undefined. */
  #take(): ActiveFault | undefined {
    const fault = this.#fault;
    if (fault === undefined) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.#fault = undefined;
    return fault;
  }

  check(request: CheckRequest, options?: ConsistencyOptions) {
    const fault = this.#take();
    return fault === undefined ? this.#base.check(request, options) : failure(fault, 'check', 'yes');
  }
  checkDetailed(request: CheckRequest, options?: ConsistencyOptions) {
    const fault = this.#take();
    return fault === undefined
      ? this.#base.checkDetailed(request, options)
      : failure(fault, 'checkDetailed', { allowed: 'yes', reason: 42 });
  }
  bulkCheck(requests: readonly CheckRequest[], options?: ConsistencyOptions) {
    const fault = this.#take();
    return fault === undefined
      ? this.#base.bulkCheck(requests, options)
      : failure(
          fault,
          'bulkCheck',
          requests.map(() => 1),
        );
  }
  checkPermissions(request: CheckPermissionsRequest, options?: ConsistencyOptions) {
    const fault = this.#take();
    return fault === undefined
      ? this.#base.checkPermissions(request, options)
      : failure(fault, 'checkPermissions', undefined);
  }
  getUserPermissions(user: string, resourceUri: string, options?: { tenant?: string }) {
    const fault = this.#take();
    return fault === undefined
      ? this.#base.getUserPermissions(user, resourceUri, options)
      : failure(fault, 'getUserPermissions', undefined);
  }
  plan(user: string | CheckUser, action: string, resourceType: string, options?: PlanOptions) {
    const fault = this.#take();
    if (fault !== undefined) return failure(fault, 'plan', undefined);
    const plan = this.#base.plan;
    if (plan === undefined) {
      return Promise.reject(
        new PermissioError('Permissio: this PDP does not support plan().', { code: 'NOT_SUPPORTED' }),
      );
    }
    return plan.call(this.#base, user, action, resourceType, options);
  }
  async verify(): Promise<void> {
    const fault = this.#take();
    if (fault !== undefined) await failure(fault, 'verify', undefined);
    await this.#base.verify?.();
  }

  grant(request: Parameters<Pdp['grant']>[0]) {
    return this.#base.grant(request);
  }
  revoke(request: Parameters<Pdp['revoke']>[0]) {
    return this.#base.revoke(request);
  }
  get users() {
    return this.#base.users;
  }
  get tenants() {
    return this.#base.tenants;
  }
  get roles() {
    return this.#base.roles;
  }
  get resources() {
    return this.#base.resources;
  }
  get roleAssignments() {
    return this.#base.roleAssignments;
  }
  get conditionSets() {
    return this.#base.conditionSets;
  }
  get conditionSetRules() {
    return this.#base.conditionSetRules;
  }
  load(snapshot: PolicySnapshot) {
    return this.#base.load(snapshot);
  }
  export() {
    return this.#base.export();
  }
  async close(): Promise<void> {
    await this.#base.close?.();
  }
}

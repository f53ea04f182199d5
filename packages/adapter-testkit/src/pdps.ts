/**
 * PDP doubles: a counting wrapper around any `Pdp`, and PDPs that fail in the
 * ways a remote decision point fails (throws, never answers, answers garbage).
 * Management operations delegate to the wrapped PDP.
 */
import {
  PermissioNetworkError,
  type CheckPermissionsRequest,
  type CheckRequest,
  type Pdp,
  type PolicySnapshot,
} from '@permissio/core';

/** Counts of decision calls seen by a {@link CountingPdp}. */
export interface PdpCallCounts {
  check: number;
  checkDetailed: number;
  bulkCheck: number;
  /** Checks carried by `bulkCheck` calls. */
  bulkChecks: number;
  checkPermissions: number;
}

/** How a faulty PDP misbehaves on decision calls. */
export type PdpFault = 'throw' | 'hang' | 'malformed';

/** Delegates every operation to `base`; subclasses override the decision calls. */
class DelegatingPdp implements Pdp {
  readonly kind: 'embedded' | 'remote';
  constructor(
    protected readonly base: Pdp,
    kind?: 'embedded' | 'remote',
  ) {
    this.kind = kind ?? base.kind;
  }
  check(request: CheckRequest) {
    return this.base.check(request);
  }
  checkDetailed(request: CheckRequest) {
    return this.base.checkDetailed(request);
  }
  bulkCheck(requests: readonly CheckRequest[]) {
    return this.base.bulkCheck(requests);
  }
  checkPermissions(request: CheckPermissionsRequest) {
    return this.base.checkPermissions(request);
  }
  getUserPermissions(user: string, resourceUri: string, options?: { tenant?: string }) {
    return this.base.getUserPermissions(user, resourceUri, options);
  }
  grant(request: Parameters<Pdp['grant']>[0]) {
    return this.base.grant(request);
  }
  revoke(request: Parameters<Pdp['revoke']>[0]) {
    return this.base.revoke(request);
  }
  get users() {
    return this.base.users;
  }
  get tenants() {
    return this.base.tenants;
  }
  get roles() {
    return this.base.roles;
  }
  get resources() {
    return this.base.resources;
  }
  get roleAssignments() {
    return this.base.roleAssignments;
  }
  load(snapshot: PolicySnapshot) {
    return this.base.load(snapshot);
  }
  export() {
    return this.base.export();
  }
  async close() {
    await this.base.close?.();
  }
}

/** Wraps any PDP and counts its decision calls. `calls` is the total of check + checkDetailed + bulkCheck + checkPermissions. */
export class CountingPdp extends DelegatingPdp {
  readonly counts: PdpCallCounts = { check: 0, checkDetailed: 0, bulkCheck: 0, bulkChecks: 0, checkPermissions: 0 };

  constructor(base: Pdp) {
    super(base);
  }
  /** Decision calls since the last {@link reset}. */
  get calls(): number {
    const c = this.counts;
    return c.check + c.checkDetailed + c.bulkCheck + c.checkPermissions;
  }
  reset(): void {
    this.counts.check =
      this.counts.checkDetailed =
      this.counts.bulkCheck =
      this.counts.bulkChecks =
      this.counts.checkPermissions =
        0;
  }
  override check(request: CheckRequest) {
    this.counts.check++;
    return this.base.check(request);
  }
  override checkDetailed(request: CheckRequest) {
    this.counts.checkDetailed++;
    return this.base.checkDetailed(request);
  }
  override bulkCheck(requests: readonly CheckRequest[]) {
    this.counts.bulkCheck++;
    this.counts.bulkChecks += requests.length;
    return this.base.bulkCheck(requests);
  }
  override checkPermissions(request: CheckPermissionsRequest) {
    this.counts.checkPermissions++;
    return this.base.checkPermissions(request);
  }
}

/** Wraps `pdp` in a {@link CountingPdp}. */
export function countingPdp(pdp: Pdp): CountingPdp {
  return new CountingPdp(pdp);
}

const NEVER = new Promise<never>(() => {});

class FaultyPdp extends DelegatingPdp {
  constructor(
    base: Pdp,
    private readonly fault: PdpFault,
  ) {
    super(base, 'remote');
  }
  #answer(malformed: unknown): Promise<never> {
    if (this.fault === 'hang') return NEVER;
    if (this.fault === 'throw')
      return Promise.reject(new PermissioNetworkError('connect ECONNREFUSED (simulated PDP failure)'));
    return Promise.resolve(malformed as never);
  }
  override check() {
    return this.#answer('yes');
  }
  override checkDetailed() {
    return this.#answer({ allowed: 'yes', reason: 42 });
  }
  override bulkCheck(requests: readonly CheckRequest[]) {
    return this.#answer(requests.map(() => 1));
  }
  override checkPermissions() {
    return this.#answer({ passed: 'yes' });
  }
}

/**
 * A PDP whose decision calls fail: `throw` rejects with a `PermissioNetworkError`,
 * `hang` never settles, `malformed` answers non-boolean values. Management
 * calls go to `base`. Its `kind` is `remote`.
 */
export function faultyPdp(base: Pdp, fault: PdpFault): Pdp {
  return new FaultyPdp(base, fault);
}

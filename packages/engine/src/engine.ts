/**
 * The embedded engine: `Pdp` in memory. Checks answer synchronously from
 * the indexes; management operations are async (as `Pdp` requires) but
 * apply synchronously, so every write is visible to the very next check.
 */
import type {
  CheckPermissionsRequest,
  ConsistencyOptions,
  ConditionSetRulesOperations,
  ConditionSetsOperations,
  CheckPermissionsResult,
  CheckRequest,
  CheckUser,
  Decision,
  GrantRequest,
  Pdp,
  PlanOptions,
  PolicySnapshot,
  ResourcePlan,
  ResourcesOperations,
  EnsurePrincipalOptions,
  PermissionsOperations,
  PrincipalsOperations,
  RolesOperations,
  TenantsOperations,
  UserPermissions,
  UsersOperations,
  PolicyShape,
  PolicyTyped,
  RegisteredShape,
} from '@permissio/core';
import * as evaluate from './evaluate.js';
import type { ChangeListener, EngineChange } from './events.js';
import { type EngineRoleAssignmentsOperations, roleAssignmentsOperations } from './ops/assignments.js';
import { conditionSetRulesOperations, conditionSetsOperations } from './ops/conditions.js';
import { grant, revoke } from './ops/grants.js';
import type { Host } from './ops/host.js';
import { permissionsOperations } from './ops/permissions.js';
import { principalsOperations } from './ops/principals.js';
import { resourcesOperations } from './ops/resources.js';
import { rolesOperations } from './ops/roles.js';
import { tenantsOperations } from './ops/tenants.js';
import { usersOperations } from './ops/users.js';
import { plan } from './plan.js';
import { exportSnapshot, stateFromSnapshot } from './snapshot.js';
import { State } from './state.js';
import { UriCache } from './uri-cache.js';
import { cloneValue } from './values.js';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /**
   * How many distinct resource URIs the engine remembers as already
   * validated and split into ancestors.
   * @defaultValue 10000
   */
  uriCacheSize?: number;
}

/**
 * The embedded policy engine. Create one with {@link createEngine}.
 * @typeParam S - the policy's shape (type-level only): from a `definePolicy`
 * snapshot, else the registered shape, else untyped.
 */
export class Engine<S extends PolicyShape = RegisteredShape> implements Pdp, PolicyTyped<S> {
  readonly kind = 'embedded' as const;
  /** The policy's shape, for `new Permissio({ pdp })` to infer (never set at runtime). */
  declare readonly '~policyShape'?: S | undefined;
  readonly users: UsersOperations;
  readonly tenants: TenantsOperations;
  readonly roles: RolesOperations;
  readonly resources: ResourcesOperations;
  readonly roleAssignments: EngineRoleAssignmentsOperations;
  readonly conditionSets: ConditionSetsOperations;
  readonly conditionSetRules: ConditionSetRulesOperations;
  readonly permissions: PermissionsOperations;
  readonly principals: PrincipalsOperations;

  private state: State;
  private readonly uris: UriCache;
  private readonly listeners = new Set<ChangeListener>();

  constructor(snapshot?: PolicySnapshot, options: EngineOptions = {}) {
    this.uris = new UriCache(options.uriCacheSize);
    this.state = snapshot === undefined ? new State() : stateFromSnapshot(snapshot);
    const engine = this;
    const host: Host = {
      get state() {
        return engine.state;
      },
      uris: this.uris,
      emit: (change) => this.emit(change),
    };
    this.users = usersOperations(host);
    this.tenants = tenantsOperations(host);
    this.roles = rolesOperations(host);
    this.resources = resourcesOperations(host);
    this.roleAssignments = roleAssignmentsOperations(host);
    this.conditionSets = conditionSetsOperations(host);
    this.conditionSetRules = conditionSetRulesOperations(host);
    this.permissions = permissionsOperations(host);
    this.principals = principalsOperations(host);
  }

  /**
   * May `user` do `action` on `resource`? Synchronous; throws `PermissioValidationError` on invalid input.
   * The check methods accept `{consistency}` like a remote PDP's; the engine is always fresh, so any value answers now.
   */
  check(request: CheckRequest, _options?: ConsistencyOptions): boolean {
    return evaluate.check(this.state, this.uris, request);
  }

  /** The decision with its reason and the assignment or grant used (see the README for precedence). */
  checkDetailed(request: CheckRequest, _options?: ConsistencyOptions): Decision {
    return evaluate.explain(this.state, this.uris, request);
  }

  /** Answers in request order. One invalid request fails the whole call (its index is in the message). */
  bulkCheck(requests: readonly CheckRequest[], _options?: ConsistencyOptions): boolean[] {
    return evaluate.bulkCheck(this.state, this.uris, requests);
  }

  checkPermissions(request: CheckPermissionsRequest, _options?: ConsistencyOptions): CheckPermissionsResult {
    return evaluate.checkPermissions(this.state, this.uris, request);
  }

  getUserPermissions(user: string, resourceUri: string, options?: { tenant?: string }): UserPermissions {
    return evaluate.userPermissions(this.state, this.uris, user, resourceUri, options);
  }

  /**
   * Which resources of `resourceType` may `user` do `action` on: `always`,
   * `never`, or a filter over resource rows (turn it into SQL with
   * `@permissio/filter`). Synchronous; throws `PermissioValidationError` on invalid input.
   */
  plan(user: string | CheckUser, action: string, resourceType: string, options?: PlanOptions): ResourcePlan {
    return plan(this.state, user, action, resourceType, options);
  }

  /**
   * Direct permissions and roles on a resource. The native API answers 404
   * for an unknown user; `{createPrincipal: true}` (engine-level, for
   * service-compatible front ends) creates it, of `principalType` (default `user`).
   */
  async grant(request: GrantRequest, options?: EnsurePrincipalOptions): Promise<void> {
    grant(this.state, request, options);
    this.emit({ op: 'grant', args: options === undefined ? [request] : [request, options] });
  }

  async revoke(request: GrantRequest): Promise<void> {
    revoke(this.state, request);
    this.emit({ op: 'revoke', args: [request] });
  }

  /** Replaces the whole policy; an invalid snapshot is rejected whole and the current policy stays. */
  async load(snapshot: PolicySnapshot): Promise<void> {
    this.loadSync(snapshot);
  }

  /** {@link load}, synchronously. */
  loadSync(snapshot: PolicySnapshot): void {
    this.state = stateFromSnapshot(snapshot);
    this.emit({ op: 'load', args: [snapshot] });
  }

  async export(): Promise<Required<PolicySnapshot>> {
    return this.exportSync();
  }

  /** {@link export}, synchronously. */
  exportSync(): Required<PolicySnapshot> {
    return exportSnapshot(this.state);
  }

  /**
   * Calls `listener` after every successful write with the operation and a
   * copy of its arguments. Writes that change nothing (re-assigning an
   * existing assignment) may not be reported. Returns an unsubscribe function.
   */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private emit(change: EngineChange): void {
    if (this.listeners.size === 0) return;
    const copy = { op: change.op, args: cloneValue(change.args) } as EngineChange;
    for (const listener of this.listeners) {
      try {
        listener(copy);
      } catch {
        // A listener cannot undo a write that has been applied; its failure is its own.
      }
    }
  }
}

/**
 * Creates an embedded engine, optionally loaded with a policy snapshot
 * (throws `PermissioValidationError` naming the bad entry if it is invalid).
 *
 * ```ts
 * const engine = createEngine({ resources: [{ key: 'document', actions: ['read'] }] });
 * const permissio = new Permissio({ pdp: engine });
 * ```
 *
 * A snapshot declared with `definePolicy({...})` (from `@permissio/core`)
 * types the engine, and the client over it, by the policy: a misspelt action
 * or resource type does not compile.
 */
export function createEngine<S extends PolicyShape = RegisteredShape>(
  snapshot?: PolicySnapshot & PolicyTyped<S>,
  options?: EngineOptions,
): Engine<S> {
  return new Engine<S>(snapshot, options);
}

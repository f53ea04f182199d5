/**
 * The engine's in-memory store: entity records and the check index.
 *
 * Every index is a `Map`/`Set` (never a plain object), so keys such as
 * `__proto__` or `constructor` are ordinary data. Records are internal and
 * never handed to callers: the operation modules copy them out.
 */
import { DEFAULT_TENANT } from '@permissio/core';
import type { Attributes, ResourceAttribute } from '@permissio/core';
import { RoleClosure } from './closure.js';
import { ConditionStore } from './condition-store.js';

export interface UserRecord {
  key: string;
  /** Principal type; absent means `user`. */
  type?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  attributes: Attributes;
}

export interface TenantRecord {
  key: string;
  name: string;
  description?: string;
  attributes: Attributes;
}

export interface RoleRecord {
  key: string;
  name: string;
  description?: string;
  /** Own permissions, `<type>:<action>`, in insertion order. */
  permissions: Set<string>;
  /** Roles this role extends, in insertion order. */
  extends: Set<string>;
}

export interface ActionRecord {
  key: string;
  name: string;
  /** The permission's description in the catalogue. */
  description?: string;
  /** `<type>:<action>`, built once so a check never concatenates strings. */
  permission: string;
}

export interface ResourceRecord {
  key: string;
  name: string;
  description?: string;
  actions: Map<string, ActionRecord>;
  attributes: Map<string, ResourceAttribute>;
}

/**
 * What one user holds in one tenant: the whole input of a check.
 * Instance keys are `<type>:<key>` or canonical URIs (which start with `/`,
 * so the two never collide).
 */
export interface TenantGrants {
  /** Tenant-wide role assignments. */
  roles: Set<string>;
  /** Role assignments on an instance or URI. */
  instanceRoles: Map<string, Set<string>>;
  /** Direct grants: instance or URI → permissions. */
  grants: Map<string, Set<string>>;
  /**
   * Cache: every permission of the tenant-wide roles (their closures'
   * union), valid while `effectiveVersion` equals the closure's version.
   * Dropped on tenant-wide assign/unassign. Built on the first check.
   */
  effective: Set<string> | undefined;
  effectiveVersion: number;
}

export class State {
  readonly users = new Map<string, UserRecord>();
  readonly tenants = new Map<string, TenantRecord>();
  readonly roles = new Map<string, RoleRecord>();
  readonly resources = new Map<string, ResourceRecord>();
  /** user → tenant → what the user holds there. */
  readonly index = new Map<string, Map<string, TenantGrants>>();
  /** role → permission → inheritance path (precomputed closure). */
  readonly closure = new RoleClosure(this.roles);
  /** Declared user attributes, condition sets and condition set rules (ABAC). */
  readonly conditions = new ConditionStore();

  constructor() {
    this.tenants.set(DEFAULT_TENANT, { key: DEFAULT_TENANT, name: 'Default', attributes: {} });
  }

  /** The user's holdings in a tenant, created on demand when `create`. */
  holdings(user: string, tenant: string, create: true): TenantGrants;
  holdings(user: string, tenant: string, create?: false): TenantGrants | undefined;
  holdings(user: string, tenant: string, create = false): TenantGrants | undefined {
    let byTenant = this.index.get(user);
    if (byTenant === undefined) {
      if (!create) return undefined;
      byTenant = new Map();
      this.index.set(user, byTenant);
    }
    let held = byTenant.get(tenant);
    if (held === undefined && create) {
      held = {
        roles: new Set(),
        instanceRoles: new Map(),
        grants: new Map(),
        effective: undefined,
        effectiveVersion: -1,
      };
      byTenant.set(tenant, held);
    }
    return held;
  }

  /** Adds a role assignment; `true` when it did not exist. */
  addAssignment(user: string, role: string, tenant: string, instance?: string): boolean {
    const held = this.holdings(user, tenant, true);
    if (instance === undefined) {
      if (held.roles.has(role)) return false;
      held.roles.add(role);
      held.effective = undefined;
      return true;
    }
    return addToBucket(held.instanceRoles, instance, role);
  }

  /** Removes a role assignment; `true` when it existed. */
  removeAssignment(user: string, role: string, tenant: string, instance?: string): boolean {
    const held = this.holdings(user, tenant);
    if (held === undefined) return false;
    const removed =
      instance === undefined ? held.roles.delete(role) : removeFromBucket(held.instanceRoles, instance, role);
    if (removed && instance === undefined) held.effective = undefined;
    if (removed) this.prune(user, tenant);
    return removed;
  }

  hasAssignment(user: string, role: string, tenant: string, instance?: string): boolean {
    const held = this.holdings(user, tenant);
    if (held === undefined) return false;
    return instance === undefined ? held.roles.has(role) : held.instanceRoles.get(instance)?.has(role) === true;
  }

  addGrant(user: string, tenant: string, instance: string, permission: string): boolean {
    return addToBucket(this.holdings(user, tenant, true).grants, instance, permission);
  }

  removeGrant(user: string, tenant: string, instance: string, permission: string): boolean {
    const held = this.holdings(user, tenant);
    if (held === undefined) return false;
    const removed = removeFromBucket(held.grants, instance, permission);
    if (removed) this.prune(user, tenant);
    return removed;
  }

  /** Drops empty holdings so iteration and memory stay proportional to real data. */
  prune(user: string, tenant: string): void {
    const byTenant = this.index.get(user);
    const held = byTenant?.get(tenant);
    if (byTenant === undefined || held === undefined) return;
    if (held.roles.size === 0 && held.instanceRoles.size === 0 && held.grants.size === 0) {
      byTenant.delete(tenant);
      if (byTenant.size === 0) this.index.delete(user);
    }
  }

  /**
   * Visits every holding (user, tenant, holdings) — used by cascades, which
   * may mutate the visited holdings; empty ones are pruned afterwards.
   */
  forEachHolding(visit: (user: string, tenant: string, held: TenantGrants) => void): void {
    const touched: [string, string][] = [];
    for (const [user, byTenant] of this.index) {
      for (const [tenant, held] of byTenant) {
        visit(user, tenant, held);
        touched.push([user, tenant]);
      }
    }
    for (const [user, tenant] of touched) this.prune(user, tenant);
  }
}

export function addToBucket(map: Map<string, Set<string>>, key: string, value: string): boolean {
  let bucket = map.get(key);
  if (bucket === undefined) {
    bucket = new Set();
    map.set(key, bucket);
  }
  if (bucket.has(value)) return false;
  bucket.add(value);
  return true;
}

export function removeFromBucket(map: Map<string, Set<string>>, key: string, value: string): boolean {
  const bucket = map.get(key);
  if (bucket === undefined || !bucket.delete(value)) return false;
  if (bucket.size === 0) map.delete(key);
  return true;
}

/** Removes every value matching `drop` from every bucket; deletes emptied buckets. */
export function filterBuckets(map: Map<string, Set<string>>, drop: (key: string, value: string) => boolean): void {
  for (const [key, bucket] of map) {
    for (const value of bucket) if (drop(key, value)) bucket.delete(value);
    if (bucket.size === 0) map.delete(key);
  }
}

/**
 * Policy snapshots (docs/MODEL.md, "Policy snapshots"): `load` builds a complete new state from a
 * snapshot — or throws one `PermissioValidationError` naming the offending
 * entry, leaving the caller's state untouched — and `exportSnapshot` writes
 * the state back in the same shape (every list ordered by key, so equal
 * policies export equal JSON).
 */
import { PermissioError, PermissioValidationError } from '@permissio/core';
import type {
  AttributeDeclaration,
  ConditionSet,
  ConditionSetRule,
  GrantRequest,
  PolicySnapshot,
  RoleAssignmentCreate,
} from '@permissio/core';
import { ruleId } from './condition-store.js';
import { compileConditionSet, validateConditionSetRule } from './conditions/index.js';
import { createUserAttribute, listUserAttributes, parseRule, setOut, sortedRules } from './ops/conditions.js';
import { compareKeys } from './closure.js';
import { checkAssignable, listAssignments, normalizeAssignment } from './ops/assignments.js';
import { applyGrant, checkGrantable } from './ops/grants.js';
import { createResource, resourceOut } from './ops/resources.js';
import { createRole, roleOut } from './ops/roles.js';
import { createTenant, ensureTenant, tenantOut } from './ops/tenants.js';
import { createUser, ensureUser, userOut } from './ops/users.js';
import { DEFAULT_TENANT } from '@permissio/core';
import { assertKey } from '@permissio/core/internal';
import { assertKnownSnapshotFields } from './snapshot-fields.js';
import { State } from './state.js';
import { assertObject, conflict, notFound, optionalArray } from './values.js';

/** Builds a fresh state from a snapshot; throws a validation error naming the first bad entry. */
export function stateFromSnapshot(snapshot: PolicySnapshot): State {
  entry('snapshot', () => assertObject(snapshot, 'snapshot'));
  assertKnownSnapshotFields(snapshot);
  const state = new State();
  const list = <T>(name: keyof PolicySnapshot): T[] =>
    entry(name, () => (optionalArray(snapshot[name], name) ?? []) as T[]);
  const resources = list<NonNullable<PolicySnapshot['resources']>[number]>('resources');
  const roles = list<NonNullable<PolicySnapshot['roles']>[number]>('roles');
  const tenants = list<NonNullable<PolicySnapshot['tenants']>[number]>('tenants');
  const users = list<NonNullable<PolicySnapshot['users']>[number]>('users');
  const assignments = list<RoleAssignmentCreate>('roleAssignments');
  const grants = list<GrantRequest>('grants');
  const userAttributes = list<AttributeDeclaration>('userAttributes');
  const conditionSets = list<ConditionSet>('conditionSets');
  const conditionSetRules = list<ConditionSetRule>('conditionSetRules');

  for (const [i, r] of resources.entries()) entry(label('resources', i, r), () => createResource(state, r));
  for (const [i, r] of roles.entries()) entry(label('roles', i, r), () => createRole(state, r, false));
  for (const [i, r] of roles.entries()) {
    entry(label('roles', i, r), () => {
      const record = state.roles.get(r.key);
      for (const parent of optionalArray(r.extends, 'extends') ?? []) {
        assertKey(parent, 'role');
        if (!state.roles.has(parent)) throw notFound('role', parent);
        record?.extends.add(parent);
      }
    });
  }
  const cyclic = findCycle(state);
  if (cyclic !== undefined) {
    const index = roles.findIndex((r) => r.key === cyclic);
    entry(label('roles', index, { key: cyclic }), () => {
      throw conflict(`Role ${JSON.stringify(cyclic)} is part of an inheritance cycle.`, { role: cyclic });
    });
  }
  state.closure.rebuildAll();

  let describedDefault = false;
  for (const [i, t] of tenants.entries()) {
    entry(label('tenants', i, t), () => {
      if (!describedDefault && (t as { key?: unknown } | null)?.key === DEFAULT_TENANT) {
        state.tenants.delete(DEFAULT_TENANT); // the snapshot describes the implicit tenant
        describedDefault = true;
      }
      createTenant(state, t);
    });
  }
  for (const [i, u] of users.entries()) entry(label('users', i, u), () => createUser(state, u));
  for (const [i, a] of assignments.entries()) {
    entry(label('roleAssignments', i), () => {
      const normal = normalizeAssignment(a);
      ensureUser(state, normal.user);
      ensureTenant(state, normal.tenant);
      const valid = checkAssignable(state, a);
      state.addAssignment(valid.user, valid.role, valid.tenant, valid.instance);
    });
  }
  for (const [i, g] of grants.entries()) {
    entry(label('grants', i), () => {
      assertObject(g, 'grant');
      assertKey(g.user, 'user');
      const tenant = g.tenant ?? DEFAULT_TENANT;
      assertKey(tenant, 'tenant');
      ensureUser(state, g.user);
      ensureTenant(state, tenant);
      applyGrant(state, checkGrantable(state, g));
    });
  }
  for (const [i, a] of userAttributes.entries()) {
    entry(label('userAttributes', i, a), () => createUserAttribute(state, a));
  }
  const catalog = state.conditions.catalog(state.resources);
  for (const [i, c] of conditionSets.entries()) {
    entry(label('conditionSets', i, c), () => {
      const compiled = compileConditionSet(c, catalog);
      const key = compiled.set.key;
      if (state.conditions.sets.has(key))
        throw conflict(`Condition set ${JSON.stringify(key)} already exists.`, { key });
      state.conditions.sets.set(key, compiled);
    });
  }
  for (const [i, r] of conditionSetRules.entries()) {
    entry(label('conditionSetRules', i), () => {
      const rule = parseRule(state, r);
      const id = ruleId(rule);
      if (state.conditions.rules.has(id)) throw conflict('The same condition set rule is listed twice.', { rule });
      validateConditionSetRule(rule, state.conditions.sets);
      state.conditions.rules.set(id, rule);
    });
  }
  entry('conditionSetRules', () => state.conditions.reindex());
  return state;
}

/** The state as a snapshot: plain data, no aliasing of internal records. */
export function exportSnapshot(state: State): Required<PolicySnapshot> {
  const byKey = <T extends { key: string }>(items: Iterable<T>): T[] =>
    [...items].sort((a, b) => compareKeys(a.key, b.key));
  const grants: GrantRequest[] = [];
  for (const user of [...state.index.keys()].sort(compareKeys)) {
    const byTenant = state.index.get(user) ?? new Map();
    for (const tenant of [...byTenant.keys()].sort(compareKeys)) {
      const held = byTenant.get(tenant);
      for (const instance of [...(held?.grants.keys() ?? [])].sort(compareKeys)) {
        const permissions = [...(held?.grants.get(instance) ?? [])].sort(compareKeys);
        grants.push({ user, resourceUri: instance, permissions, tenant });
      }
    }
  }
  return {
    resources: byKey(state.resources.values()).map(resourceOut),
    roles: byKey(state.roles.values()).map(roleOut),
    tenants: byKey(state.tenants.values()).map(tenantOut),
    users: byKey(state.users.values()).map(userOut),
    roleAssignments: listAssignments(state).map((a) => {
      const out: RoleAssignmentCreate = { user: a.user, role: a.role, tenant: a.tenant };
      if (a.instance !== undefined) out.resourceInstance = a.instance;
      return out;
    }),
    grants,
    userAttributes: listUserAttributes(state),
    conditionSets: [...state.conditions.sets.values()].sort((a, b) => compareKeys(a.set.key, b.set.key)).map(setOut),
    conditionSetRules: sortedRules(state).map((rule) => ({ ...rule })),
  };
}

/** A role on an extends cycle, if any (iterative three-colour DFS). */
function findCycle(state: State): string | undefined {
  const colour = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  for (const start of state.roles.keys()) {
    if (colour.has(start)) continue;
    const stack: [string, Iterator<string>][] = [
      [start, (state.roles.get(start)?.extends ?? new Set<string>()).values()],
    ];
    colour.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [string, Iterator<string>];
      const next = top[1].next();
      if (next.done === true) {
        colour.set(top[0], 2);
        stack.pop();
        continue;
      }
      const parent = next.value;
      const seen = colour.get(parent);
      if (seen === 1) return parent;
      if (seen === undefined) {
        colour.set(parent, 1);
        stack.push([parent, (state.roles.get(parent)?.extends ?? new Set<string>()).values()]);
      }
    }
  }
  return undefined;
}

function label(list: string, index: number, item?: unknown): string {
  const key = typeof item === 'object' && item !== null ? (item as { key?: unknown }).key : undefined;
  return typeof key === 'string' ? `${list}[${index}] (${JSON.stringify(key)})` : `${list}[${index}]`;
}

/** Runs one step of a load; any failure becomes a validation error naming the entry. */
function entry<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const details = error instanceof PermissioError ? error.details : undefined;
    throw new PermissioValidationError(`Invalid snapshot, ${where}: ${message}`, {
      details: { entry: where, details },
      cause: error,
    });
  }
}

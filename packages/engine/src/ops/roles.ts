/**
 * Roles: own permissions, extends (acyclic: a cycle is a conflict), the
 * cascade of a delete, and keeping the precomputed closure current after
 * every change.
 */
import { assertKey, canonicalPermission, parsePermission } from '@permissio/core/internal';
import type { Role, RoleCreate, RolesOperations, RoleUpdate } from '@permissio/core';
import { filterBuckets } from '../state.js';
import type { RoleRecord, State } from '../state.js';
import { assertObject, conflict, invalid, notFound, optionalArray, optionalString } from '../values.js';
import { crudOperations } from './crud.js';
import type { Host } from './host.js';

export function roleOut(record: RoleRecord): Role {
  const role: Role = {
    key: record.key,
    name: record.name,
    permissions: [...record.permissions],
    extends: [...record.extends],
  };
  if (record.description !== undefined) role.description = record.description;
  return role;
}

/** Validates `<type>:<action>` (or `<type>.<action>`) and that the type declares the action (422 otherwise); returns the canonical name. */
export function existingPermission(state: State, permission: unknown): string {
  const { type, action } = parsePermission(permission);
  const resource = state.resources.get(type);
  if (resource === undefined) {
    throw invalid(
      `Unknown permission ${JSON.stringify(permission)}: resource type ${JSON.stringify(type)} does not exist.`,
      {
        permission,
      },
    );
  }
  const record = resource.actions.get(action);
  if (record === undefined) {
    throw invalid(
      `Unknown permission ${JSON.stringify(permission)}: resource type ${JSON.stringify(type)} has no action ${JSON.stringify(action)}.`,
      {
        permission,
      },
    );
  }
  return record.permission;
}

export function getRole(state: State, key: unknown): RoleRecord {
  assertKey(key, 'role');
  const record = state.roles.get(key);
  if (record === undefined) throw notFound('role', key);
  return record;
}

function cycleError(role: string, parent: string): Error {
  return conflict(
    `Role ${JSON.stringify(role)} cannot extend ${JSON.stringify(parent)}: it would create an inheritance cycle.`,
    {
      role,
      parent,
    },
  );
}

/** Validates a list of parents for `role` against the current graph: each exists (404), no cycle (409). */
function validParents(state: State, role: string, parents: unknown[]): string[] {
  for (const parent of parents) assertKey(parent, 'role');
  const list = [...new Set(parents as string[])];
  for (const parent of list) {
    if (parent === role) throw cycleError(role, parent);
    if (!state.roles.has(parent)) throw notFound('role', parent);
  }
  // A role that does not exist yet cannot be reached from anything (deletes remove the edges into a role).
  if (state.roles.has(role)) {
    for (const parent of list) if (state.closure.reaches(parent, role)) throw cycleError(role, parent);
  }
  return list;
}

function validPermissions(state: State, permissions: unknown[]): string[] {
  return [...new Set(permissions.map((p) => existingPermission(state, p)))];
}

/**
 * Creates a role. `withExtends: false` ignores `extends` and leaves the
 * closure stale (snapshots add extends in a second pass, then rebuild).
 */
export function createRole(state: State, input: RoleCreate, withExtends = true): RoleRecord {
  assertObject(input, 'role');
  assertKey(input.key, 'role');
  const key = input.key;
  if (state.roles.has(key)) throw conflict(`Role ${JSON.stringify(key)} already exists.`, { key });
  const name = optionalString(input.name, 'name') ?? key;
  const description = optionalString(input.description, 'description');
  const permissions = validPermissions(state, optionalArray(input.permissions, 'permissions') ?? []);
  const parents = withExtends ? validParents(state, key, optionalArray(input.extends, 'extends') ?? []) : [];
  if (withExtends) state.closure.assertWritable(key, parents, permissions.length);
  const record: RoleRecord = { key, name, permissions: new Set(permissions), extends: new Set(parents) };
  if (description !== undefined) record.description = description;
  state.roles.set(key, record);
  if (withExtends) state.closure.computeNew(key);
  return record;
}

/** Replaces the fields present in `update`; `permissions`/`extends` replace the whole list. */
export function updateRole(state: State, key: string, update: RoleUpdate): RoleRecord {
  const record = getRole(state, key);
  assertObject(update, 'role update');
  const name = optionalString(update.name, 'name');
  const description = optionalString(update.description, 'description');
  const permissionsIn = optionalArray(update.permissions, 'permissions');
  const extendsIn = optionalArray(update.extends, 'extends');
  const permissions = permissionsIn === undefined ? undefined : validPermissions(state, permissionsIn);
  const parents = extendsIn === undefined ? undefined : validParents(state, key, extendsIn);
  if (permissions !== undefined || parents !== undefined) {
    state.closure.assertWritable(key, parents, permissions?.length ?? 0);
  }
  if (name !== undefined) record.name = name;
  if (description !== undefined) record.description = description;
  if (permissions !== undefined) record.permissions = new Set(permissions);
  if (parents !== undefined) record.extends = new Set(parents);
  if (permissions !== undefined || parents !== undefined) state.closure.refresh([key]);
  return record;
}

export function syncRole(state: State, key: string, update: RoleUpdate): RoleRecord {
  assertKey(key, 'role');
  if (state.roles.has(key)) return updateRole(state, key, update);
  assertObject(update, 'role');
  return createRole(state, { ...update, key });
}

/** Deletes a role, its assignments, and its mention in other roles' extends (idempotent). */
export function deleteRole(state: State, key: string): void {
  assertKey(key, 'role');
  if (!state.roles.has(key)) return;
  const affected = state.closure.affectedBy([key]); // before the edges into `key` go
  state.roles.delete(key);
  for (const role of state.roles.values()) role.extends.delete(key);
  state.forEachHolding((_user, _tenant, held) => {
    if (held.roles.delete(key)) held.effective = undefined;
    filterBuckets(held.instanceRoles, (_instance, role) => role === key);
  });
  state.closure.recompute(affected);
}

export function addPermission(state: State, key: string, permission: string): RoleRecord {
  const record = getRole(state, key);
  const valid = existingPermission(state, permission);
  if (!record.permissions.has(valid)) {
    state.closure.assertWritable(key, undefined, 1);
    record.permissions.add(valid);
    state.closure.refresh([key]);
  }
  return record;
}

export function removePermission(state: State, key: string, permission: string): RoleRecord {
  const record = getRole(state, key);
  if (record.permissions.delete(canonicalPermission(permission))) state.closure.refresh([key]);
  return record;
}

export function addExtends(state: State, key: string, parent: string): RoleRecord {
  const record = getRole(state, key);
  getRole(state, parent);
  if (!record.extends.has(parent)) {
    validParents(state, key, [parent]);
    state.closure.assertWritable(key, [...record.extends, parent], 0);
    record.extends.add(parent);
    state.closure.refresh([key]);
  }
  return record;
}

export function removeExtends(state: State, key: string, parent: string): RoleRecord {
  const record = getRole(state, key);
  assertKey(parent, 'role');
  if (record.extends.delete(parent)) state.closure.refresh([key]);
  return record;
}

export function rolesOperations(host: Host): RolesOperations {
  return {
    ...crudOperations(host, {
      group: 'roles',
      records: (state) => state.roles,
      searchable: (r) => [r.key, r.name],
      out: roleOut,
      get: getRole,
      create: (state, input: RoleCreate) => createRole(state, input),
      update: updateRole,
      remove: deleteRole,
      sync: syncRole,
    }),
    async addPermission(role, permission) {
      const record = addPermission(host.state, role, permission);
      host.emit({ op: 'roles.addPermission', args: [role, permission] });
      return roleOut(record);
    },
    async removePermission(role, permission) {
      const record = removePermission(host.state, role, permission);
      host.emit({ op: 'roles.removePermission', args: [role, permission] });
      return roleOut(record);
    },
    async getPermissions(role) {
      return [...getRole(host.state, role).permissions];
    },
    async addExtends(role, parent) {
      const record = addExtends(host.state, role, parent);
      host.emit({ op: 'roles.addExtends', args: [role, parent] });
      return roleOut(record);
    },
    async removeExtends(role, parent) {
      const record = removeExtends(host.state, role, parent);
      host.emit({ op: 'roles.removeExtends', args: [role, parent] });
      return roleOut(record);
    },
    async getExtends(role) {
      return [...getRole(host.state, role).extends];
    },
  };
}

/** Users: records, their management operations and the cascade of a delete. */
import { DEFAULT_TENANT } from '@permissio/core';
import { assertKey } from '@permissio/core/internal';
import type { Tenant, User, UserCreate, UsersOperations, UserSync, UserUpdate } from '@permissio/core';
import { compareKeys } from '../closure.js';
import type { State, UserRecord } from '../state.js';
import {
  assertObject,
  attributesIn,
  cloneValue,
  conflict,
  notFound,
  optionalArray,
  optionalString,
} from '../values.js';
import { crudOperations } from './crud.js';
import { createUserAttribute, deleteUserAttribute, listUserAttributes } from './conditions.js';
import type { Host } from './host.js';
import { tenantOut } from './tenants.js';
import { principalType, USER_TYPE } from './principals.js';

export function userOut(record: UserRecord): User {
  const user: User = { key: record.key, attributes: cloneValue(record.attributes) as User['attributes'] };
  if (record.type !== undefined) user.type = record.type;
  if (record.email !== undefined) user.email = record.email;
  if (record.firstName !== undefined) user.firstName = record.firstName;
  if (record.lastName !== undefined) user.lastName = record.lastName;
  return user;
}

/** Applies the profile fields present in `input` (validated) onto `record`. */
function applyProfile(record: UserRecord, input: Record<string, unknown>): void {
  const email = optionalString(input.email, 'email');
  const firstName = optionalString(input.firstName, 'firstName');
  const lastName = optionalString(input.lastName, 'lastName');
  const attributes = input.attributes === undefined ? undefined : attributesIn(input.attributes);
  const type = input.type === undefined ? undefined : principalType(input.type);
  if (type !== undefined) {
    // `user` is the default and is not stored, so exports stay as they were.
    if (type === USER_TYPE) delete record.type;
    else record.type = type;
  }
  if (email !== undefined) record.email = email;
  if (firstName !== undefined) record.firstName = firstName;
  if (lastName !== undefined) record.lastName = lastName;
  if (attributes !== undefined) record.attributes = attributes;
}

function profile(key: string, input: Record<string, unknown>): UserRecord {
  const record: UserRecord = { key, attributes: {} };
  applyProfile(record, input);
  return record;
}

export function createUser(state: State, input: UserCreate): UserRecord {
  assertObject(input, 'user');
  assertKey(input.key, 'user');
  if (state.users.has(input.key))
    throw conflict(`User ${JSON.stringify(input.key)} already exists.`, { key: input.key });
  const record = profile(input.key, input as unknown as Record<string, unknown>);
  state.users.set(record.key, record);
  return record;
}

/** Creates the user with no profile when absent (snapshots, `users.sync`). */
export function ensureUser(state: State, key: string): UserRecord {
  let record = state.users.get(key);
  if (record === undefined) {
    record = { key, attributes: {} };
    state.users.set(key, record);
  }
  return record;
}

export function getUser(state: State, key: string): UserRecord {
  assertKey(key, 'user');
  const record = state.users.get(key);
  if (record === undefined) throw notFound('user', key);
  return record;
}

export function updateUser(state: State, key: string, update: UserUpdate): UserRecord {
  const record = getUser(state, key);
  assertObject(update, 'user update');
  const next = { ...record };
  applyProfile(next, update as Record<string, unknown>);
  Object.assign(record, next);
  if (next.type === undefined) delete record.type;
  return record;
}

/** Removes the user with every assignment and grant (idempotent). */
export function deleteUser(state: State, key: string): void {
  assertKey(key, 'user');
  state.users.delete(key);
  state.index.delete(key);
}

/**
 * Upsert. With `roles`, also assigns those tenant-wide roles in `tenant`
 * (default `"default"`), which must exist (404) like every role (404); the
 * user is the only entity `sync` creates. Existing assignments are kept.
 */
export function syncUser(state: State, key: string, sync: UserSync): UserRecord {
  assertKey(key, 'user');
  assertObject(sync, 'user sync');
  const roles = (optionalArray(sync.roles, 'roles') ?? []) as unknown[];
  const tenant = sync.tenant ?? DEFAULT_TENANT;
  assertKey(tenant, 'tenant');
  for (const role of roles) assertKey(role, 'role');
  if (roles.length > 0 && !state.tenants.has(tenant)) throw notFound('tenant', tenant);
  for (const role of roles as string[]) if (!state.roles.has(role)) throw notFound('role', role);
  const existing = state.users.get(key);
  const next: UserRecord = existing === undefined ? { key, attributes: {} } : { ...existing };
  applyProfile(next, sync as Record<string, unknown>);
  if (existing === undefined) state.users.set(key, next);
  else {
    Object.assign(existing, next);
    if (next.type === undefined) delete existing.type;
  }
  for (const role of roles as string[]) state.addAssignment(key, role, tenant);
  return state.users.get(key) as UserRecord;
}

export function usersOperations(host: Host): UsersOperations {
  return {
    ...crudOperations(host, {
      group: 'users',
      records: (state) => state.users,
      searchable: (u) => [u.key, u.email, u.firstName, u.lastName, [u.firstName, u.lastName].filter(Boolean).join(' ')],
      out: userOut,
      get: getUser,
      create: createUser,
      update: updateUser,
      remove: deleteUser,
      sync: syncUser,
    }),
    async getTenants(key): Promise<Tenant[]> {
      const state = host.state;
      getUser(state, key);
      const tenants: Tenant[] = [];
      for (const [tenant, held] of state.index.get(key) ?? []) {
        const record = state.tenants.get(tenant);
        if (record !== undefined && (held.roles.size > 0 || held.instanceRoles.size > 0))
          tenants.push(tenantOut(record));
      }
      return tenants.sort((a, b) => compareKeys(a.key, b.key));
    },
    async listAttributes() {
      return listUserAttributes(host.state);
    },
    async createAttribute(attribute) {
      const created = createUserAttribute(host.state, attribute);
      host.emit({ op: 'users.createAttribute', args: [attribute] });
      return { ...created };
    },
    async deleteAttribute(key) {
      deleteUserAttribute(host.state, key);
      host.emit({ op: 'users.deleteAttribute', args: [key] });
    },
  };
}

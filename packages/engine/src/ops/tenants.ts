/** Tenants: records, management operations, and the cascade of a delete. */
import { DEFAULT_TENANT } from '@permissio/core';
import { assertKey } from '@permissio/core/internal';
import type { Tenant, TenantCreate, TenantsOperations, TenantUpdate } from '@permissio/core';
import type { State, TenantRecord } from '../state.js';
import { assertObject, attributesIn, cloneValue, conflict, invalid, notFound, optionalString } from '../values.js';
import { crudOperations } from './crud.js';
import type { Host } from './host.js';

export function tenantOut(record: TenantRecord): Tenant {
  const tenant: Tenant = {
    key: record.key,
    name: record.name,
    attributes: cloneValue(record.attributes) as Tenant['attributes'],
  };
  if (record.description !== undefined) tenant.description = record.description;
  return tenant;
}

function applyFields(record: TenantRecord, input: Record<string, unknown>): void {
  const name = optionalString(input.name, 'name');
  const description = optionalString(input.description, 'description');
  const attributes = input.attributes === undefined ? undefined : attributesIn(input.attributes);
  if (name !== undefined) record.name = name;
  if (description !== undefined) record.description = description;
  if (attributes !== undefined) record.attributes = attributes;
}

export function createTenant(state: State, input: TenantCreate): TenantRecord {
  assertObject(input, 'tenant');
  assertKey(input.key, 'tenant');
  if (state.tenants.has(input.key))
    throw conflict(`Tenant ${JSON.stringify(input.key)} already exists.`, { key: input.key });
  const record: TenantRecord = { key: input.key, name: input.key, attributes: {} };
  applyFields(record, input as unknown as Record<string, unknown>);
  state.tenants.set(record.key, record);
  return record;
}

/** Creates the tenant (named after its key) when absent: snapshots only. */
export function ensureTenant(state: State, key: string): void {
  if (!state.tenants.has(key)) state.tenants.set(key, { key, name: key, attributes: {} });
}

export function getTenant(state: State, key: string): TenantRecord {
  assertKey(key, 'tenant');
  const record = state.tenants.get(key);
  if (record === undefined) throw notFound('tenant', key);
  return record;
}

/** An existing tenant, for writes that must not create one (404). */
export function requireTenant(state: State, key: unknown): string {
  assertKey(key, 'tenant');
  if (!state.tenants.has(key)) throw notFound('tenant', key);
  return key;
}

export function updateTenant(state: State, key: string, update: TenantUpdate): TenantRecord {
  const record = getTenant(state, key);
  assertObject(update, 'tenant update');
  const next = { ...record };
  applyFields(next, update as Record<string, unknown>);
  Object.assign(record, next);
  return record;
}

export function syncTenant(state: State, key: string, update: TenantUpdate): TenantRecord {
  assertKey(key, 'tenant');
  if (state.tenants.has(key)) return updateTenant(state, key, update);
  return createTenant(state, { ...update, key });
}

/**
 * Deletes the tenant with every assignment and grant in it (idempotent).
 * The `default` tenant always exists: deleting it is a validation error.
 */
export function deleteTenant(state: State, key: string): void {
  assertKey(key, 'tenant');
  if (key === DEFAULT_TENANT) {
    throw invalid('The "default" tenant always exists and cannot be deleted; unassign its roles instead.', { key });
  }
  if (!state.tenants.delete(key)) return;
  for (const [user, byTenant] of [...state.index]) {
    if (byTenant.delete(key) && byTenant.size === 0) state.index.delete(user);
  }
}

/** Removes every assignment and grant of `user` in `tenant` (idempotent). */
export function removeUserFromTenant(state: State, tenant: string, user: string): void {
  assertKey(tenant, 'tenant');
  assertKey(user, 'user');
  const byTenant = state.index.get(user);
  if (byTenant?.delete(tenant) === true && byTenant.size === 0) state.index.delete(user);
}

export function tenantsOperations(host: Host): TenantsOperations {
  return {
    ...crudOperations(host, {
      group: 'tenants',
      records: (state) => state.tenants,
      searchable: (t) => [t.key, t.name],
      out: tenantOut,
      get: getTenant,
      create: createTenant,
      update: updateTenant,
      remove: deleteTenant,
      sync: syncTenant,
    }),
    async removeUser(tenant, user) {
      removeUserFromTenant(host.state, tenant, user);
      host.emit({ op: 'tenants.removeUser', args: [tenant, user] });
    },
  };
}

/**
 * Compiles a list of allowed `(user, action, resource)` tuples into a real
 * policy snapshot for the embedded engine, so a test's answers come from the
 * engine's rules, not from a lookup table:
 *
 * - a resource type (`"document"`) → a tenant-wide role holding `<type>:<action>`,
 *   assigned to the user in the tuple's tenant (it covers every instance);
 * - an instance (`"document:doc-1"` or `{type, key}`) → a direct grant on that instance;
 * - a URI (`{type, uri: "/projects/p1"}`) → a direct grant on the URI (it covers everything under it).
 *
 * Everything else is denied by the engine, as in production.
 */
import {
  DEFAULT_TENANT,
  PermissioValidationError,
  type GrantRequest,
  type PolicySnapshot,
  type ResourceTypeCreate,
  type RoleAssignmentCreate,
  type RoleCreate,
} from '@permissio/core';

/** The resource of an allowed tuple: a type, `<type>:<key>`, or an object naming an instance or a URI. */
export type AllowedResource = string | { type: string; key?: string; uri?: string; tenant?: string };

/** One thing a user may do: `{user, action, resource, tenant?}`. */
export interface AllowedTuple {
  user: string;
  action: string;
  resource: AllowedResource;
  /** Tenant of the permission; `resource.tenant` wins. @defaultValue `"default"` */
  tenant?: string;
}

/** The same tuple as an array: `[user, action, resource, tenant?]`. */
export type AllowedEntry = AllowedTuple | readonly [string, string, AllowedResource, string?];

/** Prefix of the roles compiled from tenant-wide tuples (`allowed:<type>:<action>`). */
export const ALLOWED_ROLE_PREFIX = 'allowed:';

interface Normalised {
  user: string;
  action: string;
  type: string;
  tenant: string;
  /** `<type>:<key>` or a URI; absent for a tenant-wide tuple. */
  target?: string;
}

function fail(index: number, message: string): never {
  throw new PermissioValidationError(`@permissio/testing: allowed tuple #${index + 1}: ${message}`);
}

function nonEmpty(value: unknown, index: number, what: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(index, `"${what}" must be a non-empty string.`);
  return value;
}

function normalise(entry: AllowedEntry, index: number): Normalised {
  const tuple: AllowedTuple = Array.isArray(entry)
    ? { user: entry[0], action: entry[1], resource: entry[2], ...(entry[3] === undefined ? {} : { tenant: entry[3] }) }
    : (entry as AllowedTuple);
  if (tuple === null || typeof tuple !== 'object')
    fail(index, 'expected {user, action, resource} or [user, action, resource].');
  const user = nonEmpty(tuple.user, index, 'user');
  const action = nonEmpty(tuple.action, index, 'action');
  const resource = tuple.resource;
  if (typeof resource === 'string') {
    if (resource.startsWith('/')) {
      fail(index, `a URI resource needs its type: write {type: "document", uri: ${JSON.stringify(resource)}}.`);
    }
    const colon = resource.indexOf(':');
    const tenant = tuple.tenant ?? DEFAULT_TENANT;
    if (colon < 0) return { user, action, type: nonEmpty(resource, index, 'resource'), tenant };
    const type = resource.slice(0, colon);
    if (type.length === 0 || colon === resource.length - 1) {
      fail(index, `resource ${JSON.stringify(resource)} must be a type ("document") or "<type>:<key>".`);
    }
    return { user, action, type, tenant, target: resource };
  }
  if (resource === null || typeof resource !== 'object') {
    fail(index, '"resource" must be a type, "<type>:<key>" or {type, key?, uri?, tenant?}.');
  }
  const type = nonEmpty(resource.type, index, 'resource.type');
  const tenant = resource.tenant ?? tuple.tenant ?? DEFAULT_TENANT;
  if (resource.key !== undefined && resource.uri !== undefined) {
    fail(index, 'give the resource a "key" or a "uri", not both.');
  }
  if (resource.key !== undefined)
    return { user, action, type, tenant, target: `${type}:${nonEmpty(resource.key, index, 'resource.key')}` };
  if (resource.uri !== undefined)
    return { user, action, type, tenant, target: nonEmpty(resource.uri, index, 'resource.uri') };
  return { user, action, type, tenant };
}

function addOnce<T>(list: T[], seen: Set<string>, key: string, value: () => T): void {
  if (seen.has(key)) return;
  seen.add(key);
  list.push(value());
}

/**
 * A snapshot allowing exactly `allowed` on top of `base` (default: an empty
 * policy). Resource types and actions the tuples name are declared when
 * `base` lacks them; users and tenants are created.
 * @throws PermissioValidationError naming the malformed tuple
 */
export function compileAllowed(allowed: readonly AllowedEntry[], base: PolicySnapshot = {}): PolicySnapshot {
  if (!Array.isArray(allowed))
    throw new PermissioValidationError('@permissio/testing: "allow" must be an array of tuples.');
  const tuples = allowed.map(normalise);
  const resources: ResourceTypeCreate[] = (base.resources ?? []).map((r) => ({
    ...r,
    actions: [...(r.actions ?? [])],
  }));
  const roles: RoleCreate[] = [...(base.roles ?? [])];
  const tenants = [...(base.tenants ?? [])];
  const users = [...(base.users ?? [])];
  const roleAssignments: RoleAssignmentCreate[] = [...(base.roleAssignments ?? [])];
  const grants: GrantRequest[] = [...(base.grants ?? [])];

  const roleKeys = new Set(roles.map((r) => r.key));
  const tenantKeys = new Set(tenants.map((t) => t.key));
  const userKeys = new Set(users.map((u) => u.key));
  const assigned = new Set<string>();
  const granted = new Set<string>();

  for (const { user, action, type, tenant, target } of tuples) {
    let resource = resources.find((r) => r.key === type);
    if (resource === undefined) {
      resource = { key: type, actions: [] };
      resources.push(resource);
    }
    const actions = resource.actions ?? [];
    resource.actions = actions;
    if (!actions.some((a) => (typeof a === 'string' ? a : a.key) === action)) actions.push(action);
    if (tenant !== DEFAULT_TENANT) addOnce(tenants, tenantKeys, tenant, () => ({ key: tenant }));
    addOnce(users, userKeys, user, () => ({ key: user }));
    const permission = `${type}:${action}`;
    if (target === undefined) {
      const role = `${ALLOWED_ROLE_PREFIX}${permission}`;
      addOnce(roles, roleKeys, role, () => ({ key: role, permissions: [permission] }));
      addOnce(roleAssignments, assigned, JSON.stringify([user, role, tenant]), () => ({ user, role, tenant }));
    } else {
      addOnce(grants, granted, JSON.stringify([user, target, permission, tenant]), () => ({
        user,
        resourceUri: target,
        permissions: [permission],
        tenant,
      }));
    }
  }
  return { ...base, resources, roles, tenants, users, roleAssignments, grants };
}

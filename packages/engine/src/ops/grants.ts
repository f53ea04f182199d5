/**
 * `grant`/`revoke` (seed: "grant permissions and roles to a principal on a
 * resource"): permissions become direct grants on the instance or URI, roles
 * become role assignments there. Grant validates everything first (unknown
 * permission → 422, a permission of another type than a `<type>:<key>`
 * instance → 422, missing user/tenant/role/type → 404), then applies it all.
 * Revoke is idempotent.
 */
import { DEFAULT_TENANT, parseResourceInstance } from '@permissio/core';
import { assertKey, canonicalPermission } from '@permissio/core/internal';
import type { EnsurePrincipalOptions, GrantRequest } from '@permissio/core';
import type { State } from '../state.js';
import { assertObject, invalid, notFound, optionalArray } from '../values.js';
import { requireTargets } from './assignments.js';
import { ensurePrincipal, principalToCreate } from './principals.js';
import { existingPermission } from './roles.js';

export interface NormalGrant {
  user: string;
  tenant: string;
  instance: string;
  permissions: string[];
  roles: string[];
}

function normalizeGrant(request: GrantRequest): NormalGrant & { type?: string } {
  assertObject(request, 'grant');
  assertKey(request.user, 'user');
  const tenant = request.tenant ?? DEFAULT_TENANT;
  assertKey(tenant, 'tenant');
  const parsed = parseResourceInstance(request.resourceUri);
  const permissions = ((optionalArray(request.permissions, 'permissions') ?? []) as unknown[]).map(canonicalPermission);
  const roles = (optionalArray(request.roles, 'roles') ?? []) as string[];
  for (const role of roles) assertKey(role, 'role');
  const normal: NormalGrant & { type?: string } = {
    user: request.user,
    tenant,
    instance: parsed.value,
    permissions: [...new Set(permissions)],
    roles: [...new Set(roles)],
  };
  if (parsed.kind === 'instance') normal.type = parsed.type;
  return normal;
}

/** Validates a grant against the state: every permission exists and fits, every entity exists (the user unless `userMayBeMissing`). */
export function checkGrantable(state: State, request: GrantRequest, userMayBeMissing = false): NormalGrant {
  const g = normalizeGrant(request);
  for (const permission of g.permissions) {
    existingPermission(state, permission);
    if (g.type !== undefined && !permission.startsWith(`${g.type}:`)) {
      throw invalid(
        `Permission ${JSON.stringify(permission)} cannot be granted on ${JSON.stringify(g.instance)}: it is not a ${JSON.stringify(g.type)} permission.`,
        {
          permission,
          resourceInstance: g.instance,
        },
      );
    }
  }
  for (const role of g.roles) if (!state.roles.has(role)) throw notFound('role', role);
  requireTargets(state, g.user, g.tenant, g.instance, userMayBeMissing);
  return g;
}

export function applyGrant(state: State, g: NormalGrant): void {
  for (const permission of g.permissions) state.addGrant(g.user, g.tenant, g.instance, permission);
  for (const role of g.roles) state.addAssignment(g.user, role, g.tenant, g.instance);
}

/** Validates, then applies; with `createPrincipal` a missing user is created (of `principalType`) first. */
export function grant(state: State, request: GrantRequest, options?: EnsurePrincipalOptions): void {
  const create = principalToCreate(options);
  const g = checkGrantable(state, request, create !== undefined);
  if (create !== undefined) ensurePrincipal(state, g.user, create);
  applyGrant(state, g);
}

export function revoke(state: State, request: GrantRequest): void {
  const g = normalizeGrant(request);
  for (const permission of g.permissions) state.removeGrant(g.user, g.tenant, g.instance, permission);
  for (const role of g.roles) state.removeAssignment(g.user, role, g.tenant, g.instance);
}

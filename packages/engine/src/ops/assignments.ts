/**
 * Role assignments: tenant-wide (no `resourceInstance`) or on an instance
 * (`<type>:<key>`) or URI (canonicalised). Assigning needs an existing user,
 * tenant, role and resource type (404 otherwise); assign and unassign are
 * idempotent; bulk variants validate everything before applying anything.
 */
import { DEFAULT_TENANT, parseResourceInstance } from '@permissio/core';
import { assertKey } from '@permissio/core/internal';
import type {
  EnsurePrincipalOptions,
  RoleAssignment,
  RoleAssignmentCreate,
  RoleAssignmentDetailed,
  RoleAssignmentFilter,
  RoleAssignmentsOperations,
} from '@permissio/core';
import { compareKeys } from '../closure.js';
import { pageRequest, paginate } from '../pagination.js';
import type { State } from '../state.js';
import { assertObject, invalid, notFound } from '../values.js';
import type { Host } from './host.js';
import { ensurePrincipal, principalToCreate } from './principals.js';
import { roleOut } from './roles.js';
import { tenantOut } from './tenants.js';
import { userOut } from './users.js';

/** An assignment with validated keys and a canonical instance. */
export interface NormalAssignment {
  user: string;
  role: string;
  tenant: string;
  instance?: string;
}

/** Validates shape and keys, canonicalises the instance; does not look anything up. */
export function normalizeAssignment(input: RoleAssignmentCreate): NormalAssignment {
  assertObject(input, 'role assignment');
  assertKey(input.user, 'user');
  assertKey(input.role, 'role');
  const tenant = input.tenant ?? DEFAULT_TENANT;
  assertKey(tenant, 'tenant');
  const normal: NormalAssignment = { user: input.user, role: input.role, tenant };
  if (input.resourceInstance !== undefined && input.resourceInstance !== null) {
    normal.instance = parseResourceInstance(input.resourceInstance).value;
  }
  return normal;
}

/** The entities an assignment (or grant) refers to must exist: user, tenant, resource type → 404. */
export function requireTargets(
  state: State,
  user: string,
  tenant: string,
  instance: string | undefined,
  userMayBeMissing = false,
): void {
  if (!userMayBeMissing && !state.users.has(user)) throw notFound('user', user);
  if (!state.tenants.has(tenant)) throw notFound('tenant', tenant);
  if (instance !== undefined && !instance.startsWith('/')) {
    const type = instance.slice(0, instance.indexOf(':'));
    if (!state.resources.has(type)) throw notFound('resource type', type);
  }
}

/** Validates an assignment for writing: every entity it names exists (404 otherwise). */
export function checkAssignable(state: State, input: RoleAssignmentCreate, userMayBeMissing = false): NormalAssignment {
  const a = normalizeAssignment(input);
  if (!state.roles.has(a.role)) throw notFound('role', a.role);
  requireTargets(state, a.user, a.tenant, a.instance, userMayBeMissing);
  return a;
}

function assignmentOut(a: NormalAssignment): RoleAssignment {
  const out: RoleAssignment = { user: a.user, role: a.role, tenant: a.tenant };
  if (a.instance !== undefined) out.resourceInstance = a.instance;
  return out;
}

/** Every assignment matching the filter, ordered by user, tenant, role, instance (tenant-wide first). */
export function listAssignments(state: State, filter: RoleAssignmentFilter = {}): NormalAssignment[] {
  assertObject(filter, 'role assignment filter');
  const { user, role, tenant } = filter;
  if (user !== undefined) assertKey(user, 'user');
  if (role !== undefined) assertKey(role, 'role');
  if (tenant !== undefined) assertKey(tenant, 'tenant');
  const instance =
    filter.resourceInstance === undefined ? undefined : parseResourceInstance(filter.resourceInstance).value;
  const out: NormalAssignment[] = [];
  const users = user === undefined ? state.index : new Map([[user, state.index.get(user) ?? new Map()]]);
  for (const [u, byTenant] of users) {
    for (const [t, held] of byTenant) {
      if (tenant !== undefined && t !== tenant) continue;
      if (instance === undefined) {
        for (const r of held.roles) if (role === undefined || r === role) out.push({ user: u, role: r, tenant: t });
      }
      for (const [i, roles] of held.instanceRoles) {
        if (instance !== undefined && i !== instance) continue;
        for (const r of roles)
          if (role === undefined || r === role) out.push({ user: u, role: r, tenant: t, instance: i });
      }
    }
  }
  return out.sort(
    (a, b) =>
      compareKeys(a.user, b.user) ||
      compareKeys(a.tenant, b.tenant) ||
      compareKeys(a.role, b.role) ||
      compareKeys(a.instance ?? '', b.instance ?? ''),
  );
}

/** The engine's role assignments: `assign` also takes {@link EnsurePrincipalOptions}. */
export interface EngineRoleAssignmentsOperations extends RoleAssignmentsOperations {
  assign(assignment: RoleAssignmentCreate, options?: EnsurePrincipalOptions): Promise<RoleAssignment>;
}

export function roleAssignmentsOperations(host: Host): EngineRoleAssignmentsOperations {
  return {
    async assign(assignment, options?: EnsurePrincipalOptions) {
      const create = principalToCreate(options);
      const a = checkAssignable(host.state, assignment, create !== undefined);
      const missing = !host.state.users.has(a.user);
      if (create !== undefined) ensurePrincipal(host.state, a.user, create);
      if (host.state.addAssignment(a.user, a.role, a.tenant, a.instance) || missing) {
        host.emit({ op: 'roleAssignments.assign', args: options === undefined ? [assignment] : [assignment, options] });
      }
      return assignmentOut(a);
    },
    async unassign(assignment) {
      const a = normalizeAssignment(assignment);
      if (host.state.removeAssignment(a.user, a.role, a.tenant, a.instance)) {
        host.emit({ op: 'roleAssignments.unassign', args: [assignment] });
      }
    },
    async list(filter) {
      const request = pageRequest(filter);
      const page = paginate(listAssignments(host.state, stripPaging(filter)), request);
      return { ...page, data: page.data.map(assignmentOut) };
    },
    async listDetailed(filter) {
      const request = pageRequest(filter);
      const state = host.state;
      const page = paginate(listAssignments(state, stripPaging(filter)), request);
      const data = page.data.map((a): RoleAssignmentDetailed => {
        const user = state.users.get(a.user);
        const role = state.roles.get(a.role);
        const tenant = state.tenants.get(a.tenant);
        if (user === undefined || role === undefined || tenant === undefined) {
          throw new Error(`Internal inconsistency: assignment of ${a.role} to ${a.user} in ${a.tenant}.`);
        }
        const out: RoleAssignmentDetailed = { user: userOut(user), role: roleOut(role), tenant: tenantOut(tenant) };
        if (a.instance !== undefined) out.resourceInstance = a.instance;
        return out;
      });
      return { ...page, data };
    },
    async bulkAssign(assignments) {
      if (!Array.isArray(assignments)) throw invalid('Invalid bulk assignment: expected an array.');
      const state = host.state;
      const valid = assignments.map((input, i) => atIndex(i, () => checkAssignable(state, input)));
      let assigned = 0;
      for (const a of valid) if (state.addAssignment(a.user, a.role, a.tenant, a.instance)) assigned++;
      if (assigned > 0) host.emit({ op: 'roleAssignments.bulkAssign', args: [assignments] });
      return { assigned };
    },
    async bulkUnassign(assignments) {
      if (!Array.isArray(assignments)) throw invalid('Invalid bulk unassignment: expected an array.');
      const state = host.state;
      const valid = assignments.map((input, i) => atIndex(i, () => normalizeAssignment(input)));
      let unassigned = 0;
      for (const a of valid) if (state.removeAssignment(a.user, a.role, a.tenant, a.instance)) unassigned++;
      if (unassigned > 0) host.emit({ op: 'roleAssignments.bulkUnassign', args: [assignments] });
      return { unassigned };
    },
  };
}

function stripPaging(
  filter: (RoleAssignmentFilter & { page?: number; perPage?: number }) | undefined,
): RoleAssignmentFilter {
  if (filter === undefined) return {};
  assertObject(filter, 'role assignment filter');
  const { page: _page, perPage: _perPage, ...rest } = filter;
  return rest;
}

/** Runs `fn`; an error is re-thrown unchanged except that its message names the entry. */
function atIndex<T>(index: number, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Error) error.message = `assignments[${index}]: ${error.message}`;
    throw error;
  }
}

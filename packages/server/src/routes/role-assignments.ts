/** Role assignment routes: list, assign, unassign, bulk. */
import type { ListParams, Pdp, RoleAssignmentCreate, RoleAssignmentFilter } from '@permissio/core';
import * as S from '../schemas.js';
import { noContent, ok, P } from './shared.js';
import type { RouteDef } from './types.js';

function assignmentFilter(query: Record<string, unknown>): RoleAssignmentFilter & Omit<ListParams, 'search'> {
  const out: RoleAssignmentFilter & Omit<ListParams, 'search'> = {};
  for (const name of ['user', 'role', 'tenant', 'resourceInstance'] as const) {
    const value = query[name];
    if (typeof value === 'string') out[name] = value;
  }
  if (typeof query.page === 'number') out.page = query.page;
  if (typeof query.perPage === 'number') out.perPage = query.perPage;
  return out;
}

/** How many assignments match exactly (used to tell a new assignment, 201, from an existing one, 200). */
async function countAssignments(pdp: Pdp, a: RoleAssignmentCreate): Promise<number> {
  try {
    const filter: RoleAssignmentFilter & { perPage: number } = {
      user: a.user,
      role: a.role,
      tenant: a.tenant ?? 'default',
      perPage: 1,
    };
    if (a.resourceInstance !== undefined) filter.resourceInstance = a.resourceInstance;
    return (await pdp.roleAssignments.list(filter)).total;
  } catch {
    return -1;
  }
}

/** Routes tagged `role assignments`, in document order. */
export const roleAssignmentRoutes: readonly RouteDef[] = [
  {
    method: 'GET',
    path: `${P}/role_assignments`,
    operationId: 'roleAssignments.list',
    summary: 'List role assignments (filtered, paged)',
    tag: 'role assignments',
    auth: true,
    scoped: true,
    rateClass: 'management',
    querystring: S.roleAssignmentsQuerySchema,
    responses: { 200: { description: 'A page of assignments', schema: S.roleAssignmentPageSchema } },
    handler: async (ctx) => ok(await ctx.pdp().roleAssignments.list(assignmentFilter(ctx.query))),
  },
  {
    method: 'GET',
    path: `${P}/role_assignments/detailed`,
    operationId: 'roleAssignments.listDetailed',
    summary: 'List role assignments with their user, role and tenant',
    tag: 'role assignments',
    auth: true,
    scoped: true,
    rateClass: 'management',
    querystring: S.roleAssignmentsQuerySchema,
    responses: {
      200: { description: 'A page of detailed assignments', schema: S.roleAssignmentDetailedPageSchema },
    },
    handler: async (ctx) => ok(await ctx.pdp().roleAssignments.listDetailed(assignmentFilter(ctx.query))),
  },
  {
    method: 'POST',
    path: `${P}/role_assignments`,
    operationId: 'roleAssignments.assign',
    summary: 'Assign a role (201; an existing assignment answers 200)',
    tag: 'role assignments',
    auth: true,
    scoped: true,
    rateClass: 'management',
    body: S.roleAssignmentCreateSchema,
    responses: {
      200: { description: 'The assignment already existed', schema: S.roleAssignmentSchema },
      201: { description: 'The new assignment', schema: S.roleAssignmentSchema },
    },
    handler: (ctx) =>
      ctx.write(async (tx) => {
        const body = ctx.body as RoleAssignmentCreate;
        const before = await countAssignments(tx.pdp, body);
        const assignment = await tx.call('roleAssignments.assign', body);
        const after = await countAssignments(tx.pdp, body);
        return { status: before >= 0 && after === before ? 200 : 201, body: assignment };
      }),
  },
  {
    method: 'POST',
    path: `${P}/role_assignments/unassign`,
    operationId: 'roleAssignments.unassign',
    summary: 'Remove a role assignment (idempotent)',
    tag: 'role assignments',
    auth: true,
    scoped: true,
    rateClass: 'management',
    body: S.roleAssignmentCreateSchema,
    responses: { 204: { description: 'Unassigned' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('roleAssignments.unassign', ctx.body as RoleAssignmentCreate));
      return noContent;
    },
  },
  {
    method: 'POST',
    path: `${P}/role_assignments/bulk`,
    operationId: 'roleAssignments.bulkAssign',
    summary: `Assign many roles, all or nothing (at most ${S.MAX_BULK})`,
    tag: 'role assignments',
    auth: true,
    scoped: true,
    rateClass: 'bulk',
    body: S.bulkAssignmentsSchema,
    responses: { 200: { description: 'How many were assigned', schema: S.bulkAssignedSchema } },
    handler: async (ctx) => {
      const { assignments } = ctx.body as { assignments: RoleAssignmentCreate[] };
      return ok(await ctx.write((tx) => tx.call('roleAssignments.bulkAssign', assignments)));
    },
  },
  {
    method: 'POST',
    path: `${P}/role_assignments/bulk/unassign`,
    operationId: 'roleAssignments.bulkUnassign',
    summary: `Remove many role assignments (at most ${S.MAX_BULK})`,
    tag: 'role assignments',
    auth: true,
    scoped: true,
    rateClass: 'bulk',
    body: S.bulkAssignmentsSchema,
    responses: { 200: { description: 'How many were removed', schema: S.bulkUnassignedSchema } },
    handler: async (ctx) => {
      const { assignments } = ctx.body as { assignments: RoleAssignmentCreate[] };
      return ok(await ctx.write((tx) => tx.call('roleAssignments.bulkUnassign', assignments)));
    },
  },
];

/** The permission catalogue and principal routes (#16). */
import { PermissioError } from '@permissio/core';
import type {
  PermissionListParams,
  PermissionsOperations,
  PrincipalListParams,
  PrincipalsOperations,
} from '@permissio/core';
import * as C from '../catalogue-schemas.js';
import { keyParam, listParams, noContent, ok, P, param } from './shared.js';
import type { RouteContext, RouteDef } from './types.js';

function missing(what: string): never {
  throw new PermissioError(`This server's engine has no ${what}.`, { code: 'NOT_SUPPORTED' });
}
const catalogue = (ctx: RouteContext): PermissionsOperations =>
  ctx.pdp().permissions ?? missing('permission catalogue');
const principals = (ctx: RouteContext): PrincipalsOperations => ctx.pdp().principals ?? missing('principals');

const common = { auth: true, scoped: true, rateClass: 'management' as const };
const nameParam = { ...C.permissionCreateSchema.properties.name };

/** Routes tagged `permissions`, in document order. */
export const permissionRoutes: readonly RouteDef[] = [
  {
    ...common,
    tag: 'permissions',
    method: 'GET',
    path: `${P}/permissions`,
    operationId: 'permissions.list',
    summary: 'List the permission catalogue (every action of every resource type; paged, searchable)',
    querystring: C.permissionListQuerySchema,
    responses: { 200: { description: 'A page of permissions', schema: C.permissionPageSchema } },
    handler: async (ctx) => {
      const params: PermissionListParams = listParams(ctx.query);
      if (typeof ctx.query.resourceType === 'string') params.resourceType = ctx.query.resourceType;
      return ok(await catalogue(ctx).list(params));
    },
  },
  {
    ...common,
    tag: 'permissions',
    method: 'POST',
    path: `${P}/permissions`,
    operationId: 'permissions.create',
    summary:
      'Create a permission (idempotent: an existing one gets the description; creates the resource type if missing)',
    body: C.permissionCreateSchema,
    responses: { 200: { description: 'The permission', schema: C.permissionEntitySchema } },
    handler: async (ctx) => ok(await ctx.write((tx) => tx.call('permissions.create', ctx.body))),
  },
  {
    ...common,
    tag: 'permissions',
    method: 'GET',
    path: `${P}/permissions/{name}`,
    operationId: 'permissions.get',
    summary: 'Get a permission ("document:read" or "document.read")',
    params: { name: nameParam },
    responses: { 200: { description: 'The permission', schema: C.permissionEntitySchema } },
    handler: async (ctx) => ok(await catalogue(ctx).get(param(ctx, 'name'))),
  },
  {
    ...common,
    tag: 'permissions',
    method: 'PATCH',
    path: `${P}/permissions/{name}`,
    operationId: 'permissions.update',
    summary: 'Update a permission: description, or rename the action (roles, grants and rules follow; 404 if missing)',
    params: { name: nameParam },
    body: C.permissionUpdateSchema,
    responses: { 200: { description: 'The updated permission', schema: C.permissionEntitySchema } },
    handler: async (ctx) => ok(await ctx.write((tx) => tx.call('permissions.update', param(ctx, 'name'), ctx.body))),
  },
  {
    ...common,
    tag: 'permissions',
    method: 'DELETE',
    path: `${P}/permissions/{name}`,
    operationId: 'permissions.delete',
    summary: 'Delete a permission from every role, grant and rule (idempotent)',
    params: { name: nameParam },
    responses: { 204: { description: 'Deleted (or did not exist)' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('permissions.delete', param(ctx, 'name')));
      return noContent;
    },
  },
];

/** Routes tagged `principals`, in document order. */
export const principalRoutes: readonly RouteDef[] = [
  {
    ...common,
    tag: 'principals',
    method: 'GET',
    path: `${P}/principals`,
    operationId: 'principals.list',
    summary: 'List principals (ids and types; cursor paging, search, type filter)',
    querystring: C.principalListQuerySchema,
    responses: { 200: { description: 'A page of principals', schema: C.principalPageSchema } },
    handler: async (ctx) => {
      const params: PrincipalListParams = {};
      const q = ctx.query;
      if (typeof q.cursor === 'string') params.cursor = q.cursor;
      if (typeof q.limit === 'number') params.limit = q.limit;
      if (typeof q.search === 'string') params.search = q.search;
      if (typeof q.type === 'string') params.type = q.type;
      return ok(await principals(ctx).list(params));
    },
  },
  {
    ...common,
    tag: 'principals',
    method: 'GET',
    path: `${P}/principals/{id}/assignments`,
    operationId: 'principals.assignments',
    summary: 'Every role assignment and direct grant of a principal, per resource (404 if it does not exist)',
    params: { id: keyParam },
    querystring: C.principalAssignmentsQuerySchema,
    responses: {
      200: { description: 'Assignments', schema: { type: 'array', items: C.principalAssignmentSchema } },
    },
    handler: async (ctx) => {
      const tenant = ctx.query.tenant;
      return ok(
        await principals(ctx).assignments(param(ctx, 'id'), typeof tenant === 'string' ? { tenant } : undefined),
      );
    },
  },
];

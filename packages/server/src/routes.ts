/**
 * The route table of docs/REST.md. Each entry carries its schemas (the same
 * objects that go into the OpenAPI document), its rate-limit class and its
 * handler; `server.ts` registers them with Fastify and `openapi.ts` writes
 * them down.
 */
import type {
  CheckPermissionsRequest,
  CheckRequest,
  GrantRequest,
  ListParams,
  Pdp,
  PolicySnapshot,
  RoleAssignmentCreate,
  RoleAssignmentFilter,
  RoleUpdate,
} from '@permissio/core';
import type { AuthenticatedKey } from './auth.js';
import type { RateClass } from './rate-limit.js';
import type { ScopeRegistry, WriteTransaction } from './registry.js';
import * as S from './schemas.js';
import type { JsonSchema } from './schemas.js';
import type { Scope } from './storage.js';

/** HTTP methods used by the API. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler gets. */
export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** The authenticated key (routes under `/v1`). */
  key: AuthenticatedKey | undefined;
  /** The path's project + environment (scoped routes). */
  scope: Scope;
  /** The scope's engine (scoped routes). */
  pdp: () => Pdp;
  /** Runs a write under the scope's lock (scoped routes). */
  write: <T>(work: (tx: WriteTransaction) => Promise<T>) => Promise<T>;
  registry: ScopeRegistry;
  /** The OpenAPI document (for `GET /openapi.json`). */
  openapi: () => unknown;
}

/** A handler's answer: a status and an optional JSON body. */
export interface Answer {
  status: number;
  body?: unknown;
}

/** One documented response. */
export interface ResponseDef {
  description: string;
  schema?: JsonSchema;
}

/** One route of the API. */
export interface RouteDef {
  method: HttpMethod;
  /** OpenAPI-style path, `{param}` placeholders. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Requires `Authorization: Bearer permis_key_…`. */
  auth: boolean;
  /** Path starts with `/v1/projects/{projectId}/environments/{environmentId}`. */
  scoped: boolean;
  rateClass?: RateClass;
  /** Schemas of the path parameters, by name (defaults to a key schema). */
  params?: Record<string, JsonSchema>;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** Largest accepted body, bytes. */
  bodyLimit?: number;
  /** Success responses by status. */
  responses: Record<number, ResponseDef>;
  /**
   * Serialise the success responses with fast-json-stringify, compiled from
   * the documented response schemas (the same objects). Only for hot routes
   * whose answer always has exactly the documented shape: fast-json-stringify
   * drops fields the schema does not declare instead of failing.
   */
  compiledResponse?: boolean;
  handler: (ctx: RouteContext) => Promise<Answer> | Answer;
}

const P = '/v1/projects/{projectId}/environments/{environmentId}';

const ok = (body: unknown): Answer => ({ status: 200, body });
const created = (body: unknown): Answer => ({ status: 201, body });
const noContent: Answer = { status: 204 };

/** Query → `ListParams`, leaving out what was not given. */
function listParams(query: Record<string, unknown>): ListParams {
  const out: ListParams = {};
  if (typeof query.page === 'number') out.page = query.page;
  if (typeof query.perPage === 'number') out.perPage = query.perPage;
  if (typeof query.search === 'string') out.search = query.search;
  return out;
}

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

function param(ctx: RouteContext, name: string): string {
  return ctx.params[name] as string;
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

const keyParam = S.keySchema;

/** The standard CRUD routes of users, tenants, roles and resource types. */
function crud(options: {
  segment: string;
  ns: 'users' | 'tenants' | 'roles' | 'resources';
  noun: string;
  tag: string;
  entity: JsonSchema;
  page: JsonSchema;
  create: JsonSchema;
  update: JsonSchema;
  sync: JsonSchema;
}): RouteDef[] {
  const { segment, ns, noun, tag } = options;
  const base = `${P}/${segment}`;
  const one = `${base}/{key}`;
  const common = { tag, auth: true, scoped: true, rateClass: 'management' as const };
  return [
    {
      ...common,
      method: 'GET',
      path: base,
      operationId: `${ns}.list`,
      summary: `List ${noun}s (paged, searchable)`,
      querystring: S.listQuerySchema,
      responses: { 200: { description: `A page of ${noun}s`, schema: options.page } },
      handler: async (ctx) => ok(await ctx.pdp()[ns].list(listParams(ctx.query))),
    },
    {
      ...common,
      method: 'POST',
      path: base,
      operationId: `${ns}.create`,
      summary: `Create a ${noun} (409 if it exists)`,
      body: options.create,
      responses: { 201: { description: `The created ${noun}`, schema: options.entity } },
      handler: async (ctx) => created(await ctx.write((tx) => tx.call(`${ns}.create`, ctx.body))),
    },
    {
      ...common,
      method: 'GET',
      path: one,
      operationId: `${ns}.get`,
      summary: `Get a ${noun}`,
      params: { key: keyParam },
      responses: { 200: { description: `The ${noun}`, schema: options.entity } },
      handler: async (ctx) => ok(await ctx.pdp()[ns].get(param(ctx, 'key'))),
    },
    {
      ...common,
      method: 'PATCH',
      path: one,
      operationId: `${ns}.update`,
      summary: `Update a ${noun} (404 if missing)`,
      params: { key: keyParam },
      body: options.update,
      responses: { 200: { description: `The updated ${noun}`, schema: options.entity } },
      handler: async (ctx) => ok(await ctx.write((tx) => tx.call(`${ns}.update`, param(ctx, 'key'), ctx.body))),
    },
    {
      ...common,
      method: 'PUT',
      path: one,
      operationId: `${ns}.sync`,
      summary: `Create or update a ${noun} (upsert)`,
      params: { key: keyParam },
      body: options.sync,
      responses: { 200: { description: `The ${noun}`, schema: options.entity } },
      handler: async (ctx) => ok(await ctx.write((tx) => tx.call(`${ns}.sync`, param(ctx, 'key'), ctx.body))),
    },
    {
      ...common,
      method: 'DELETE',
      path: one,
      operationId: `${ns}.delete`,
      summary: `Delete a ${noun} (idempotent)`,
      params: { key: keyParam },
      responses: { 204: { description: 'Deleted (or did not exist)' } },
      handler: async (ctx) => {
        await ctx.write((tx) => tx.call(`${ns}.delete`, param(ctx, 'key')));
        return noContent;
      },
    },
  ];
}

/** List, add (409 if it exists) and delete of a resource type's actions or attributes. */
function resourceParts(options: {
  segment: 'actions' | 'attributes';
  /** Singular noun, e.g. `action`. */
  part: string;
  /** Suffix of the operation names: `resources.list${op}s`, `create${op}`, `delete${op}`. */
  op: 'Action' | 'Attribute';
  /** Path parameter naming one part. */
  itemParam: string;
  item: JsonSchema;
  create: JsonSchema;
  deleteSummary: string;
  list: (pdp: Pdp, type: string) => Promise<unknown>;
}): RouteDef[] {
  const { segment, part, op, itemParam } = options;
  const base = `${P}/resources/{type}/${segment}`;
  const plural = `${part[0]?.toUpperCase()}${part.slice(1)}s`;
  const common = { tag: 'resources', auth: true, scoped: true, rateClass: 'management' as const };
  return [
    {
      ...common,
      method: 'GET',
      path: base,
      operationId: `resources.list${op}s`,
      summary: `${plural} of a resource type`,
      params: { type: keyParam },
      responses: { 200: { description: plural, schema: { type: 'array', items: options.item } } },
      handler: async (ctx) => ok(await options.list(ctx.pdp(), param(ctx, 'type'))),
    },
    {
      ...common,
      method: 'POST',
      path: base,
      operationId: `resources.create${op}`,
      summary: `Add an ${part} to a resource type (409 if it exists)`,
      params: { type: keyParam },
      body: options.create,
      responses: { 201: { description: `The ${part}`, schema: options.item } },
      handler: async (ctx) =>
        created(await ctx.write((tx) => tx.call(`resources.create${op}`, param(ctx, 'type'), ctx.body))),
    },
    {
      ...common,
      method: 'DELETE',
      path: `${base}/{${itemParam}}`,
      operationId: `resources.delete${op}`,
      summary: options.deleteSummary,
      params: { type: keyParam, [itemParam]: keyParam },
      responses: { 204: { description: 'Deleted' } },
      handler: async (ctx) => {
        await ctx.write((tx) => tx.call(`resources.delete${op}`, param(ctx, 'type'), param(ctx, itemParam)));
        return noContent;
      },
    },
  ];
}

/** Every route of the API, in document order. */
export const routes: readonly RouteDef[] = [
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness and readiness: 200 once the server is ready',
    tag: 'server',
    auth: false,
    scoped: false,
    responses: { 200: { description: 'Ready', schema: S.healthSchema } },
    handler: () => ok({ status: 'ok' }),
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This OpenAPI 3.1 document',
    tag: 'server',
    auth: false,
    scoped: false,
    responses: { 200: { description: 'The OpenAPI document', schema: S.anyObjectSchema } },
    handler: (ctx) => ok(ctx.openapi()),
  },
  {
    method: 'GET',
    path: '/v1/api-key/scope',
    operationId: 'apiKey.scope',
    summary: 'The project and environment the API key is bound to',
    tag: 'server',
    auth: true,
    scoped: false,
    rateClass: 'management',
    responses: { 200: { description: 'The key scope', schema: S.apiKeyScopeSchema } },
    handler: (ctx) => ok({ projectId: ctx.key?.projectId, environmentId: ctx.key?.environmentId }),
  },

  // ------------------------------------------------------------ checks
  {
    method: 'POST',
    path: `${P}/check`,
    operationId: 'check',
    summary: 'May the user do the action on the resource?',
    tag: 'checks',
    auth: true,
    scoped: true,
    rateClass: 'checks',
    body: S.checkRequestSchema,
    responses: { 200: { description: 'The decision', schema: S.checkResultSchema } },
    compiledResponse: true,
    handler: async (ctx) => ok({ allowed: await ctx.pdp().check(ctx.body as CheckRequest) }),
  },
  {
    method: 'POST',
    path: `${P}/check/bulk`,
    operationId: 'check.bulk',
    summary: `Many independent checks (at most ${S.MAX_BULK}), answered in order`,
    tag: 'checks',
    auth: true,
    scoped: true,
    rateClass: 'bulk',
    body: S.bulkCheckRequestSchema,
    responses: { 200: { description: 'One result per check, same order', schema: S.bulkCheckResultSchema } },
    compiledResponse: true,
    handler: async (ctx) => {
      const { checks } = ctx.body as { checks: CheckRequest[] };
      const answers = await ctx.pdp().bulkCheck(checks);
      return ok({ results: answers.map((allowed) => ({ allowed })) });
    },
  },
  {
    method: 'POST',
    path: `${P}/check/explain`,
    operationId: 'check.explain',
    summary: 'A check with its explanation',
    tag: 'checks',
    auth: true,
    scoped: true,
    rateClass: 'checks',
    body: S.checkRequestSchema,
    responses: { 200: { description: 'The explained decision', schema: S.decisionSchema } },
    handler: async (ctx) => ok(await ctx.pdp().checkDetailed(ctx.body as CheckRequest)),
  },
  {
    method: 'POST',
    path: `${P}/check/permissions`,
    operationId: 'check.permissions',
    summary: 'One user, several resources × several permissions',
    tag: 'checks',
    auth: true,
    scoped: true,
    rateClass: 'checks',
    body: S.checkPermissionsRequestSchema,
    responses: { 200: { description: 'Passed, and what is missing', schema: S.checkPermissionsResultSchema } },
    handler: async (ctx) => ok(await ctx.pdp().checkPermissions(ctx.body as CheckPermissionsRequest)),
  },
  {
    method: 'GET',
    path: `${P}/users/{user}/permissions`,
    operationId: 'users.permissions',
    summary: 'What the user holds on a resource URI or instance',
    tag: 'checks',
    auth: true,
    scoped: true,
    rateClass: 'checks',
    params: { user: keyParam },
    querystring: S.userPermissionsQuerySchema,
    responses: { 200: { description: 'Permissions and roles', schema: S.userPermissionsSchema } },
    handler: async (ctx) => {
      const { resourceUri, tenant } = ctx.query as { resourceUri: string; tenant?: string };
      const result = await ctx
        .pdp()
        .getUserPermissions(param(ctx, 'user'), resourceUri, tenant === undefined ? undefined : { tenant });
      return ok(result);
    },
  },

  // ------------------------------------------------------------ grants
  {
    method: 'POST',
    path: `${P}/grants`,
    operationId: 'grants.grant',
    summary: 'Grant permissions and/or roles to a user on a resource URI or instance',
    tag: 'grants',
    auth: true,
    scoped: true,
    rateClass: 'management',
    body: S.grantRequestSchema,
    responses: { 204: { description: 'Granted' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('grant', ctx.body as GrantRequest));
      return noContent;
    },
  },
  {
    method: 'POST',
    path: `${P}/grants/revoke`,
    operationId: 'grants.revoke',
    summary: 'Revoke permissions and/or roles of a user on a resource URI or instance',
    tag: 'grants',
    auth: true,
    scoped: true,
    rateClass: 'management',
    body: S.grantRequestSchema,
    responses: { 204: { description: 'Revoked (idempotent)' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('revoke', ctx.body as GrantRequest));
      return noContent;
    },
  },

  // ------------------------------------------------------------ users
  ...crud({
    segment: 'users',
    ns: 'users',
    noun: 'user',
    tag: 'users',
    entity: S.userSchema,
    page: S.userPageSchema,
    create: S.userCreateSchema,
    update: S.userUpdateSchema,
    sync: S.userSyncSchema,
  }),
  {
    method: 'GET',
    path: `${P}/users/{key}/tenants`,
    operationId: 'users.getTenants',
    summary: 'Tenants in which the user has at least one role assignment',
    tag: 'users',
    auth: true,
    scoped: true,
    rateClass: 'management',
    params: { key: keyParam },
    responses: { 200: { description: 'Tenants', schema: { type: 'array', items: S.tenantSchema } } },
    handler: async (ctx) => ok(await ctx.pdp().users.getTenants(param(ctx, 'key'))),
  },

  // ------------------------------------------------------------ tenants
  ...crud({
    segment: 'tenants',
    ns: 'tenants',
    noun: 'tenant',
    tag: 'tenants',
    entity: S.tenantSchema,
    page: S.tenantPageSchema,
    create: S.tenantCreateSchema,
    update: S.tenantUpdateSchema,
    sync: S.tenantUpdateSchema,
  }),
  {
    method: 'DELETE',
    path: `${P}/tenants/{key}/users/{user}`,
    operationId: 'tenants.removeUser',
    summary: "Remove the user's assignments and grants in the tenant",
    tag: 'tenants',
    auth: true,
    scoped: true,
    rateClass: 'management',
    params: { key: keyParam, user: keyParam },
    responses: { 204: { description: 'Removed' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('tenants.removeUser', param(ctx, 'key'), param(ctx, 'user')));
      return noContent;
    },
  },

  // ------------------------------------------------------------ roles
  ...crud({
    segment: 'roles',
    ns: 'roles',
    noun: 'role',
    tag: 'roles',
    entity: S.roleSchema,
    page: S.rolePageSchema,
    create: S.roleCreateSchema,
    update: S.roleUpdateSchema,
    sync: S.roleUpdateSchema,
  }),
  {
    method: 'GET',
    path: `${P}/roles/{key}/permissions`,
    operationId: 'roles.getPermissions',
    summary: "The role's own permissions (not inherited)",
    tag: 'roles',
    auth: true,
    scoped: true,
    rateClass: 'management',
    params: { key: keyParam },
    responses: { 200: { description: 'Permissions', schema: S.stringListSchema } },
    handler: async (ctx) => ok(await ctx.pdp().roles.getPermissions(param(ctx, 'key'))),
  },
  {
    method: 'POST',
    path: `${P}/roles/{key}/permissions`,
    operationId: 'roles.addPermissions',
    summary: 'Add permissions to the role (all or nothing)',
    tag: 'roles',
    auth: true,
    scoped: true,
    rateClass: 'management',
    params: { key: keyParam },
    body: S.rolePermissionsBodySchema,
    responses: { 200: { description: 'The role', schema: S.roleSchema } },
    handler: async (ctx) => {
      const key = param(ctx, 'key');
      const { permissions } = ctx.body as { permissions: string[] };
      return ok(
        await ctx.write(async (tx) => {
          if (permissions.length === 1) return tx.call('roles.addPermission', key, permissions[0]);
          // One engine call keeps it all-or-nothing: the role's permissions, plus the new ones.
          const role = await tx.pdp.roles.get(key);
          const merged = [...role.permissions];
          for (const p of permissions) if (!merged.includes(p)) merged.push(p);
          return tx.call('roles.update', key, { permissions: merged } satisfies RoleUpdate);
        }),
      );
    },
  },
  {
    method: 'DELETE',
    path: `${P}/roles/{key}/permissions/{permission}`,
    operationId: 'roles.removePermission',
    summary: 'Remove a permission from the role',
    tag: 'roles',
    auth: true,
    scoped: true,
    rateClass: 'management',
    params: { key: keyParam, permission: S.permissionSchema },
    responses: { 200: { description: 'The role', schema: S.roleSchema } },
    handler: async (ctx) =>
      ok(await ctx.write((tx) => tx.call('roles.removePermission', param(ctx, 'key'), param(ctx, 'permission')))),
  },
  {
    method: 'GET',
    path: `${P}/roles/{key}/extends`,
    operationId: 'roles.getExtends',
    summary: 'Roles this role extends',
    tag: 'roles',
    auth: true,
    scoped: true,
    rateClass: 'management',
    params: { key: keyParam },
    responses: { 200: { description: 'Parent roles', schema: S.stringListSchema } },
    handler: async (ctx) => ok(await ctx.pdp().roles.getExtends(param(ctx, 'key'))),
  },
  {
    method: 'PUT',
    path: `${P}/roles/{key}/extends/{parent}`,
    operationId: 'roles.addExtends',
    summary: 'Make the role extend another (409 on a cycle)',
    tag: 'roles',
    auth: true,
    scoped: true,
    rateClass: 'management',
    params: { key: keyParam, parent: keyParam },
    responses: { 200: { description: 'The role', schema: S.roleSchema } },
    handler: async (ctx) =>
      ok(await ctx.write((tx) => tx.call('roles.addExtends', param(ctx, 'key'), param(ctx, 'parent')))),
  },
  {
    method: 'DELETE',
    path: `${P}/roles/{key}/extends/{parent}`,
    operationId: 'roles.removeExtends',
    summary: 'Stop extending a role',
    tag: 'roles',
    auth: true,
    scoped: true,
    rateClass: 'management',
    params: { key: keyParam, parent: keyParam },
    responses: { 200: { description: 'The role', schema: S.roleSchema } },
    handler: async (ctx) =>
      ok(await ctx.write((tx) => tx.call('roles.removeExtends', param(ctx, 'key'), param(ctx, 'parent')))),
  },

  // ------------------------------------------------------------ resources
  ...crud({
    segment: 'resources',
    ns: 'resources',
    noun: 'resource type',
    tag: 'resources',
    entity: S.resourceTypeSchema,
    page: S.resourceTypePageSchema,
    create: S.resourceTypeCreateSchema,
    update: S.resourceTypeUpdateSchema,
    sync: S.resourceTypeUpdateSchema,
  }),
  ...resourceParts({
    segment: 'actions',
    part: 'action',
    op: 'Action',
    itemParam: 'action',
    item: S.resourceActionSchema,
    create: S.resourceActionCreateSchema,
    deleteSummary: 'Delete an action (and the permission from every role)',
    list: (pdp, type) => pdp.resources.listActions(type),
  }),
  ...resourceParts({
    segment: 'attributes',
    part: 'attribute',
    op: 'Attribute',
    itemParam: 'key',
    item: S.resourceAttributeSchema,
    create: S.resourceAttributeCreateSchema,
    deleteSummary: 'Delete an attribute',
    list: (pdp, type) => pdp.resources.listAttributes(type),
  }),

  // ------------------------------------------------------------ role assignments
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

  // ------------------------------------------------------------ snapshot
  {
    method: 'GET',
    path: `${P}/snapshot`,
    operationId: 'snapshot.export',
    summary: 'The whole policy of this project/environment',
    tag: 'snapshot',
    auth: true,
    scoped: true,
    rateClass: 'bulk',
    responses: { 200: { description: 'The policy snapshot', schema: S.policySnapshotSchema } },
    handler: async (ctx) => ok(await ctx.pdp().export()),
  },
  {
    method: 'PUT',
    path: `${P}/snapshot`,
    operationId: 'snapshot.load',
    summary: 'Replace the whole policy (validated whole first)',
    tag: 'snapshot',
    auth: true,
    scoped: true,
    rateClass: 'bulk',
    body: S.policySnapshotSchema,
    bodyLimit: 32 * 1024 * 1024,
    responses: { 204: { description: 'Replaced' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('load', ctx.body as PolicySnapshot));
      ctx.registry.compactSoon(ctx.scope);
      return noContent;
    },
  },
];

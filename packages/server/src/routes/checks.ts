/** Check routes: single, bulk, explained, permissions, user permissions. */
import type { CheckPermissionsRequest, CheckRequest } from '@permissio/core';
import * as S from '../schemas.js';
import { checkPermissionsInSlices, checkPermissionsWork } from './check-permissions.js';
import { keyParam, ok, P, param } from './shared.js';
import type { RouteDef } from './types.js';

/** Routes tagged `checks`, in document order. */
export const checkRoutes: readonly RouteDef[] = [
  {
    method: 'POST',
    path: `${P}/check`,
    operationId: 'check',
    summary: 'May the user do the action on the resource?',
    tag: 'checks',
    auth: true,
    scoped: true,
    scope: 'check',
    rateClass: 'checks',
    body: S.checkBodySchema,
    consistency: true,
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
    scope: 'check',
    rateClass: 'bulk',
    body: S.bulkCheckRequestSchema,
    consistency: true,
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
    scope: 'check',
    rateClass: 'checks',
    body: S.checkBodySchema,
    consistency: true,
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
    scope: 'check',
    rateClass: 'checks',
    body: S.checkPermissionsRequestSchema,
    consistency: true,
    cost: checkPermissionsWork,
    responses: { 200: { description: 'Passed, and what is missing', schema: S.checkPermissionsResultSchema } },
    handler: async (ctx) => ok(await checkPermissionsInSlices(ctx.pdp(), ctx.body as CheckPermissionsRequest)),
  },
  {
    method: 'GET',
    path: `${P}/users/{user}/permissions`,
    operationId: 'users.permissions',
    summary: 'What the user holds on a resource URI or instance',
    tag: 'checks',
    auth: true,
    scoped: true,
    scope: 'check',
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
];

/**
 * `POST …/plan`: which resources of a type may a user … ? (docs/REST.md,
 * "Plan"). Authenticated, scoped and rate-limited like a check; the answer is
 * a `ResourcePlan` that `@permissio/filter` turns into SQL.
 */
import type { CheckUser, PlanOptions } from '@permissio/core';
import { PermissioError } from '@permissio/core';
import * as S from '../schemas.js';
import { ok, P } from './shared.js';
import type { RouteDef } from './types.js';

export const planRequestSchema = {
  type: 'object',
  description: 'Which resources of `resourceType` may `user` do `action` on?',
  required: ['user', 'action', 'resourceType'],
  additionalProperties: false,
  properties: {
    user: { anyOf: [S.keySchema, S.checkUserSchema] },
    action: S.keySchema,
    resourceType: S.keySchema,
    tenant: S.keySchema,
    context: { type: 'object', additionalProperties: true },
    consistency: S.consistencySchema,
  },
} as const satisfies S.JsonSchema;

export const resourcePlanSchema = {
  type: 'object',
  description:
    '`always`, `never`, or `conditional` with a `filter`: `{allOf: [...]}`, `{anyOf: [...]}`, `{not: filter}` or `{field, op, value, type?}`.',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['always', 'never', 'conditional'] },
    filter: { type: 'object', additionalProperties: true },
  },
} as const satisfies S.JsonSchema;

interface PlanBody extends PlanOptions {
  user: string | CheckUser;
  action: string;
  resourceType: string;
}

export const planRoutes: readonly RouteDef[] = [
  {
    method: 'POST',
    path: `${P}/plan`,
    operationId: 'plan',
    summary: 'Which resources of a type may the user do the action on? (data filtering)',
    tag: 'checks',
    auth: true,
    scoped: true,
    scope: 'check',
    rateClass: 'checks',
    consistency: true,
    body: planRequestSchema,
    responses: { 200: { description: 'The plan', schema: resourcePlanSchema } },
    handler: async (ctx) => {
      const { user, action, resourceType, tenant, context } = ctx.body as PlanBody;
      const pdp = ctx.pdp();
      if (pdp.plan === undefined)
        throw new PermissioError('This PDP does not support plan().', { code: 'UNSUPPORTED' });
      const options: PlanOptions = {};
      if (tenant !== undefined) options.tenant = tenant;
      if (context !== undefined) options.context = context;
      return ok(await pdp.plan(user, action, resourceType, options));
    },
  },
];

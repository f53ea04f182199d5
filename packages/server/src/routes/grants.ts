/** Grant routes: grant and revoke on a resource URI or instance. */
import type { GrantRequest } from '@permissio/core';
import * as S from '../schemas.js';
import { noContent, P } from './shared.js';
import type { RouteDef } from './types.js';

/** Routes tagged `grants`, in document order. */
export const grantRoutes: readonly RouteDef[] = [
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
];

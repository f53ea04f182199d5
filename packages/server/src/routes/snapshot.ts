/** Snapshot routes: export and replace the whole policy. */
import type { PolicySnapshot } from '@permissio/core';
import * as S from '../schemas.js';
import { noContent, ok, P } from './shared.js';
import type { RouteDef } from './types.js';

/** Routes tagged `snapshot`, in document order. */
export const snapshotRoutes: readonly RouteDef[] = [
  {
    method: 'GET',
    path: `${P}/snapshot`,
    operationId: 'snapshot.export',
    summary: 'The whole policy of this project/environment',
    tag: 'snapshot',
    auth: true,
    scoped: true,
    scope: 'read',
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
    scope: 'admin',
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

/** User routes: CRUD and the tenants of a user. */
import * as S from '../schemas.js';
import { crud } from './crud.js';
import { keyParam, ok, P, param } from './shared.js';
import type { RouteDef } from './types.js';

/** Routes tagged `users`, in document order. */
export const userRoutes: readonly RouteDef[] = [
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
];

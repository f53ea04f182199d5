/** Tenant routes: CRUD and removing a user from a tenant. */
import * as S from '../schemas.js';
import { crud } from './crud.js';
import { keyParam, noContent, P, param } from './shared.js';
import type { RouteDef } from './types.js';

/** Routes tagged `tenants`, in document order. */
export const tenantRoutes: readonly RouteDef[] = [
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
];

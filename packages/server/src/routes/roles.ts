/** Role routes: CRUD, permissions and inheritance. */
import type { RoleUpdate } from '@permissio/core';
import * as S from '../schemas.js';
import { crud } from './crud.js';
import { keyParam, ok, P, param } from './shared.js';
import type { RouteDef } from './types.js';

/** Routes tagged `roles`, in document order. */
export const roleRoutes: readonly RouteDef[] = [
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
];

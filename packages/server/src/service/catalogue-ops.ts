/** The service's permission and role operations, mapped onto the engine's catalogue and roles. */
import { PermissioError, type Permission, type PermissionsOperations, type Role } from '@permissio/core';
import type { ServiceCall } from './context.js';
import {
  enginePermission,
  optionalString,
  pageCursor,
  pageLimit,
  requiredString,
  type ServiceInput,
  servicePermission,
  stringList,
} from './input.js';
import type { ServiceOperation } from './operation.js';

function catalogue(call: ServiceCall): PermissionsOperations {
  const ops = call.pdp().permissions;
  if (ops === undefined)
    throw new PermissioError('This server has no permission catalogue.', { code: 'NOT_SUPPORTED' });
  return ops;
}

/** A permission as the service writes it. */
export function permissionOut(permission: Permission): Record<string, unknown> {
  return { name: servicePermission(permission.name), description: permission.description ?? '' };
}

/** A role as the service writes it. */
export function roleOut(role: Role): Record<string, unknown> {
  return {
    name: role.key,
    description: role.description ?? '',
    permissions: role.permissions.map(servicePermission),
  };
}

/** `{page, perPage, total}` → the next cursor, absent on the last page. */
function nextCursor(page: { page: number; perPage: number; total: number }): Record<string, string> {
  return page.page * page.perPage < page.total ? { next_cursor: String(page.page + 1) } : {};
}

const permissionName = (input: ServiceInput): string => enginePermission(requiredString(input, 'name'), 'name');
const management = { rateClass: 'management' as const };

export const permissionOperations: readonly ServiceOperation[] = [
  {
    ...management,
    name: 'CreatePermission',
    scope: 'admin',
    async run(call, input) {
      const name = permissionName(input);
      const description = optionalString(input, 'description');
      const create = description === undefined ? { name } : { name, description };
      const created = await call.write((tx) => tx.call<Permission>('permissions.create', create));
      return { permission: permissionOut(created) };
    },
  },
  {
    ...management,
    name: 'GetPermission',
    scope: 'read',
    run: async (call, input) => ({ permission: permissionOut(await catalogue(call).get(permissionName(input))) }),
  },
  {
    ...management,
    name: 'UpdatePermission',
    scope: 'admin',
    async run(call, input) {
      const name = permissionName(input);
      const update: { name?: string; description?: string } = {};
      const newName = optionalString(input, 'new_name');
      if (newName !== undefined) update.name = enginePermission(newName, 'new_name');
      const description = optionalString(input, 'description');
      if (description !== undefined) update.description = description;
      const updated = await call.write((tx) => tx.call<Permission>('permissions.update', name, update));
      return { permission: permissionOut(updated) };
    },
  },
  {
    ...management,
    name: 'DeletePermission',
    scope: 'admin',
    async run(call, input) {
      const name = permissionName(input);
      await call.write((tx) => tx.call('permissions.delete', name));
      return {};
    },
  },
  {
    ...management,
    name: 'ListPermissions',
    scope: 'read',
    async run(call, input) {
      const page = await catalogue(call).list({ page: pageCursor(input), perPage: pageLimit(input) });
      return { permissions: page.data.map(permissionOut), ...nextCursor(page) };
    },
  },
];

function roleBody(input: ServiceInput): { description?: string; permissions?: string[] } {
  const body: { description?: string; permissions?: string[] } = {};
  const description = optionalString(input, 'description');
  if (description !== undefined) body.description = description;
  // proto3 cannot tell an empty list from an absent one: `[]` keeps the permissions (both transports).
  const permissions = stringList(input, 'permissions');
  if (permissions.length > 0) body.permissions = permissions.map((p) => enginePermission(p));
  return body;
}

export const roleOperations: readonly ServiceOperation[] = [
  {
    ...management,
    name: 'CreateRole',
    scope: 'admin',
    async run(call, input) {
      const key = requiredString(input, 'name');
      const body = { key, ...roleBody(input) };
      return { role: roleOut(await call.write((tx) => tx.call<Role>('roles.create', body))) };
    },
  },
  {
    ...management,
    name: 'GetRole',
    scope: 'read',
    run: async (call, input) => ({ role: roleOut(await call.pdp().roles.get(requiredString(input, 'name'))) }),
  },
  {
    ...management,
    name: 'UpdateRole',
    scope: 'admin',
    async run(call, input) {
      const key = requiredString(input, 'name');
      const body = roleBody(input);
      return { role: roleOut(await call.write((tx) => tx.call<Role>('roles.update', key, body))) };
    },
  },
  {
    ...management,
    name: 'DeleteRole',
    scope: 'admin',
    async run(call, input) {
      const key = requiredString(input, 'name');
      await call.write((tx) => tx.call('roles.delete', key));
      return {};
    },
  },
  {
    ...management,
    name: 'ListRoles',
    scope: 'read',
    async run(call, input) {
      const page = await call.pdp().roles.list({ page: pageCursor(input), perPage: pageLimit(input) });
      return { roles: page.data.map(roleOut), ...nextCursor(page) };
    },
  },
];

/** Every management method of the client, round-tripped against a real local server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Permissio,
  PermissioAuthenticationError,
  PermissioConflictError,
  PermissioNotFoundError,
  PermissioPermissionError,
} from '@permissio/core';
import type { PermissioServer } from '@permissio/server';
import { ENVIRONMENT, PROJECT, TOKEN, localServer } from './helpers.js';

let server: PermissioServer;
let permissio: Permissio;

beforeAll(async () => {
  server = await localServer([{ key: 'permis_key_other_env_key_000000', projectId: PROJECT, environmentId: 'other' }]);
  permissio = new Permissio({ token: TOKEN, apiUrl: server.url });
  await permissio.pdp.load({
    resources: [{ key: 'document', name: 'Document', actions: ['read', 'write', 'delete'] }],
    roles: [{ key: 'viewer', permissions: ['document:read'] }],
  });
});
afterAll(async () => {
  await permissio?.close();
  await server?.close();
});

describe('management API over HTTP', () => {
  it('users: create, get, update, list, iterate, sync, getTenants, assignRole, unassignRole, delete', async () => {
    const users = permissio.api.users;
    const created = await users.create({ key: 'a/b@x.io c', email: 'a@x.io', attributes: { dept: 'eng' } });
    expect(created).toMatchObject({ key: 'a/b@x.io c', email: 'a@x.io', attributes: { dept: 'eng' } });
    await expect(users.create({ key: 'a/b@x.io c' })).rejects.toBeInstanceOf(PermissioConflictError);
    expect(await users.get('a/b@x.io c')).toMatchObject({ key: 'a/b@x.io c' });
    expect(await users.update('a/b@x.io c', { firstName: 'Ada' })).toMatchObject({ firstName: 'Ada', email: 'a@x.io' });
    for (let i = 0; i < 12; i++) await users.create({ key: `user-${String(i).padStart(2, '0')}` });
    const page = await users.list({ page: 2, perPage: 5, search: 'user-' });
    expect(page).toMatchObject({ page: 2, perPage: 5, total: 12 });
    expect(page.data).toHaveLength(5);
    const all: string[] = [];
    for await (const user of users.iterate({ perPage: 5 })) all.push(user.key);
    expect(all).toHaveLength(13);
    expect(new Set(all).size).toBe(13);
    await permissio.api.tenants.create({ key: 'acme', name: 'Acme' });
    expect(await users.sync('bob', { email: 'bob@x.io', roles: ['viewer'], tenant: 'acme' })).toMatchObject({
      key: 'bob',
    });
    expect(await permissio.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(true);
    expect((await users.getTenants('bob')).map((t) => t.key)).toEqual(['acme']);
    expect(await users.assignRole('a/b@x.io c', 'viewer', { tenant: 'acme' })).toMatchObject({
      user: 'a/b@x.io c',
      role: 'viewer',
      tenant: 'acme',
    });
    expect(await permissio.check('a/b@x.io c', 'read', 'document', { tenant: 'acme' })).toBe(true);
    await users.unassignRole('a/b@x.io c', 'viewer', { tenant: 'acme' });
    expect(await permissio.check('a/b@x.io c', 'read', 'document', { tenant: 'acme' })).toBe(false);
    await users.delete('a/b@x.io c');
    await users.delete('a/b@x.io c'); // idempotent
    await expect(users.get('a/b@x.io c')).rejects.toBeInstanceOf(PermissioNotFoundError);
  });

  it('tenants: create, get, update, list, iterate, sync, removeUser, delete', async () => {
    const tenants = permissio.api.tenants;
    await tenants.create({ key: 'globex', name: 'Globex' });
    expect(await tenants.get('globex')).toMatchObject({ key: 'globex', name: 'Globex' });
    expect(await tenants.update('globex', { description: 'd' })).toMatchObject({ description: 'd' });
    expect(await tenants.sync('initech', { name: 'Initech' })).toMatchObject({ key: 'initech', name: 'Initech' });
    expect((await tenants.list({ search: 'glob' })).data.map((t) => t.key)).toEqual(['globex']);
    const keys: string[] = [];
    for await (const tenant of tenants.iterate({ perPage: 1 })) keys.push(tenant.key);
    expect(keys).toEqual(expect.arrayContaining(['acme', 'globex', 'initech']));
    await permissio.api.users.create({ key: 'carol' });
    await permissio.assignRole('carol', 'viewer', { tenant: 'globex' });
    expect(await permissio.check('carol', 'read', 'document', { tenant: 'globex' })).toBe(true);
    await tenants.removeUser('globex', 'carol');
    expect(await permissio.check('carol', 'read', 'document', { tenant: 'globex' })).toBe(false);
    await tenants.delete('initech');
    await expect(tenants.get('initech')).rejects.toBeInstanceOf(PermissioNotFoundError);
  });

  it('roles: CRUD, permissions, extends (cycle → conflict)', async () => {
    const roles = permissio.api.roles;
    expect(await roles.create({ key: 'editor', permissions: ['document:write'] })).toMatchObject({
      key: 'editor',
      permissions: ['document:write'],
    });
    expect(await roles.get('editor')).toMatchObject({ key: 'editor' });
    expect(await roles.update('editor', { description: 'edits' })).toMatchObject({ description: 'edits' });
    expect(await roles.sync('admin', { permissions: ['document:delete'] })).toMatchObject({ key: 'admin' });
    expect((await roles.addPermission('editor', 'document:read')).permissions).toEqual(
      expect.arrayContaining(['document:read', 'document:write']),
    );
    expect((await roles.getPermissions('editor')).sort()).toEqual(['document:read', 'document:write']);
    expect((await roles.removePermission('editor', 'document:read')).permissions).toEqual(['document:write']);
    expect((await roles.addExtends('editor', 'viewer')).extends).toEqual(['viewer']);
    expect(await roles.getExtends('editor')).toEqual(['viewer']);
    await roles.addExtends('admin', 'editor');
    await expect(roles.addExtends('viewer', 'admin')).rejects.toBeInstanceOf(PermissioConflictError);
    expect((await roles.removeExtends('admin', 'editor')).extends).toEqual([]);
    expect((await roles.list({ perPage: 100 })).total).toBeGreaterThanOrEqual(3);
    const keys: string[] = [];
    for await (const role of roles.iterate()) keys.push(role.key);
    expect(keys).toEqual(expect.arrayContaining(['admin', 'editor', 'viewer']));
    await roles.delete('admin');
    await expect(roles.get('admin')).rejects.toBeInstanceOf(PermissioNotFoundError);
  });

  it('resources: CRUD, actions, attributes', async () => {
    const resources = permissio.api.resources;
    expect(await resources.create({ key: 'folder', actions: ['list'] })).toMatchObject({ key: 'folder' });
    expect(await resources.get('folder')).toMatchObject({ key: 'folder', actions: [{ key: 'list' }] });
    expect(await resources.update('folder', { name: 'Folder' })).toMatchObject({ name: 'Folder' });
    expect(await resources.sync('report', { actions: ['view'] })).toMatchObject({ key: 'report' });
    expect(await resources.createAction('folder', { key: 'create', name: 'Create' })).toMatchObject({
      key: 'create',
      name: 'Create',
    });
    await expect(resources.createAction('folder', { key: 'create' })).rejects.toBeInstanceOf(PermissioConflictError);
    expect((await resources.listActions('folder')).map((a) => a.key).sort()).toEqual(['create', 'list']);
    await resources.deleteAction('folder', 'create');
    expect((await resources.listActions('folder')).map((a) => a.key)).toEqual(['list']);
    expect(await resources.createAttribute('folder', { key: 'owner', type: 'string' })).toEqual({
      key: 'owner',
      type: 'string',
    });
    expect(await resources.listAttributes('folder')).toEqual([{ key: 'owner', type: 'string' }]);
    await resources.deleteAttribute('folder', 'owner');
    expect(await resources.listAttributes('folder')).toEqual([]);
    const keys: string[] = [];
    for await (const resource of resources.iterate()) keys.push(resource.key);
    expect(keys).toEqual(expect.arrayContaining(['document', 'folder', 'report']));
    expect((await resources.list({ search: 'fold' })).data).toHaveLength(1);
    await resources.delete('report');
    await expect(resources.get('report')).rejects.toBeInstanceOf(PermissioNotFoundError);
  });

  it('roleAssignments: assign, list, listDetailed, iterate, bulkAssign, bulkUnassign, unassign', async () => {
    const ra = permissio.api.roleAssignments;
    await permissio.api.users.create({ key: 'dave' });
    await permissio.api.users.create({ key: 'erin' });
    expect(await ra.assign({ user: 'dave', role: 'viewer', tenant: 'acme' })).toMatchObject({
      user: 'dave',
      role: 'viewer',
      tenant: 'acme',
    });
    expect(await ra.assign({ user: 'dave', role: 'viewer', tenant: 'acme' })).toMatchObject({ user: 'dave' }); // idempotent
    expect(
      await ra.assign({ user: 'dave', role: 'viewer', tenant: 'acme', resourceInstance: 'document:d1' }),
    ).toMatchObject({ resourceInstance: 'document:d1' });
    const listed = await ra.list({ user: 'dave' });
    expect(listed.total).toBe(2);
    const detailed = await ra.listDetailed({ user: 'dave', tenant: 'acme', perPage: 1 });
    expect(detailed.data[0]).toMatchObject({ user: { key: 'dave' }, role: { key: 'viewer' }, tenant: { key: 'acme' } });
    const seen: unknown[] = [];
    for await (const a of ra.iterate({ user: 'dave', perPage: 1 })) seen.push(a);
    expect(seen).toHaveLength(2);
    const detailedSeen: unknown[] = [];
    for await (const a of ra.iterateDetailed({ user: 'dave', perPage: 1 })) detailedSeen.push(a);
    expect(detailedSeen).toHaveLength(2);
    expect(
      await ra.bulkAssign([
        { user: 'erin', role: 'viewer', tenant: 'acme' },
        { user: 'erin', role: 'editor', tenant: 'acme' },
      ]),
    ).toEqual({ assigned: 2 });
    expect(await permissio.check('erin', 'write', 'document', { tenant: 'acme' })).toBe(true);
    expect(await ra.bulkUnassign([{ user: 'erin', role: 'editor', tenant: 'acme' }])).toEqual({ unassigned: 1 });
    expect(await permissio.check('erin', 'write', 'document', { tenant: 'acme' })).toBe(false);
    await ra.unassign({ user: 'dave', role: 'viewer', tenant: 'acme' });
    await ra.unassign({ user: 'dave', role: 'viewer', tenant: 'acme' }); // idempotent
    expect((await ra.list({ user: 'dave' })).total).toBe(1);
    await expect(ra.assign({ user: 'dave', role: 'no-such-role', tenant: 'acme' })).rejects.toBeInstanceOf(
      PermissioNotFoundError,
    );
  });

  it('grant, revoke, getUserPermissions, checkPermissions, checkDetailed', async () => {
    await permissio.api.users.create({ key: 'frank' });
    await permissio.grant({
      user: 'frank',
      resourceUri: '/project/456',
      permissions: ['document:read'],
      roles: ['editor'],
      tenant: 'acme',
    });
    expect(
      await permissio.check(
        'frank',
        'read',
        { type: 'document', uri: '/project/456/documents/789' },
        { tenant: 'acme' },
      ),
    ).toBe(true);
    expect(await permissio.check('frank', 'read', { type: 'document', uri: '/project/4567' }, { tenant: 'acme' })).toBe(
      false,
    );
    const perms = await permissio.getUserPermissions('frank', '/project/456/x', { tenant: 'acme' });
    expect(perms.roles).toEqual(['editor']);
    expect(perms.permissions).toEqual(expect.arrayContaining(['document:read', 'document:write']));
    const result = await permissio.checkPermissions({
      user: 'frank',
      resourceUris: ['/project/456', '/other'],
      permissions: ['document:read'],
      tenant: 'acme',
    });
    expect(result).toEqual({ passed: false, missing: [{ resource: '/other', permissions: ['document:read'] }] });
    const decision = await permissio.checkDetailed(
      'frank',
      'write',
      { type: 'document', uri: '/project/456/a' },
      { tenant: 'acme' },
    );
    expect(decision).toMatchObject({ allowed: true, reason: 'uri_role' });
    await permissio.revoke({
      user: 'frank',
      resourceUri: '/project/456',
      permissions: ['document:read'],
      roles: ['editor'],
      tenant: 'acme',
    });
    expect(
      await permissio.check(
        'frank',
        'read',
        { type: 'document', uri: '/project/456/documents/789' },
        { tenant: 'acme' },
      ),
    ).toBe(false);
  });

  it('auth errors: a bad key is 401, a key on another scope is 403', async () => {
    const bad = new Permissio({
      token: 'permis_key_not_a_real_key_000000',
      apiUrl: server.url,
      projectId: PROJECT,
      environmentId: ENVIRONMENT,
    });
    await expect(bad.check('u', 'read', 'document')).rejects.toBeInstanceOf(PermissioAuthenticationError);
    const other = new Permissio({
      token: 'permis_key_other_env_key_000000',
      apiUrl: server.url,
      projectId: PROJECT,
      environmentId: ENVIRONMENT,
    });
    await expect(other.api.users.list()).rejects.toBeInstanceOf(PermissioPermissionError);
    const lenient = new Permissio({
      token: 'permis_key_not_a_real_key_000000',
      apiUrl: server.url,
      throwOnError: false,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(await lenient.check('u', 'read', 'document')).toBe(false);
    expect(await lenient.api.users.list()).toBe(null);
  });
});

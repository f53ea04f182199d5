/** The permission catalogue (#16): create/get/list/update/delete, the dotted spelling, renames and cascades. */
import { describe, expect, it } from 'vitest';
import { PermissioConflictError, PermissioNotFoundError, PermissioValidationError } from '@permissio/core';
import { createEngine } from '../src/index.js';

function policy() {
  return createEngine({
    resources: [
      { key: 'document', actions: ['read', 'edit'], attributes: [{ key: 'ownerId', type: 'string' }] },
      { key: 'folder', actions: ['read'] },
    ],
    roles: [{ key: 'viewer', permissions: ['document:read', 'folder:read'] }],
    users: [{ key: 'alice', attributes: {} }, { key: 'bob' }],
    roleAssignments: [{ user: 'alice', role: 'viewer' }],
    grants: [{ user: 'bob', resourceUri: '/p/1', permissions: ['document:read'] }],
    userAttributes: [{ key: 'department', type: 'string' }],
    conditionSets: [
      { key: 'eng', type: 'userset', conditions: { 'user.department': { equals: 'eng' } } },
      { key: 'own', type: 'resourceset', resourceType: 'document', conditions: { allOf: [] } },
    ],
    conditionSetRules: [{ userSet: 'eng', permission: 'document:read', resourceSet: 'own' }],
  });
}

describe('permission catalogue', () => {
  it('is a view over resource types’ actions: list, get, search, filter by type', async () => {
    const engine = policy();
    const page = await engine.permissions.list();
    expect(page).toMatchObject({ total: 3, page: 1, perPage: 10 });
    expect(page.data).toEqual([
      { name: 'document:edit', resourceType: 'document', action: 'edit' },
      { name: 'document:read', resourceType: 'document', action: 'read' },
      { name: 'folder:read', resourceType: 'folder', action: 'read' },
    ]);
    expect(await engine.permissions.get('document.read')).toEqual({
      name: 'document:read',
      resourceType: 'document',
      action: 'read',
    });
    expect((await engine.permissions.list({ resourceType: 'folder' })).data.map((p) => p.name)).toEqual([
      'folder:read',
    ]);
    expect((await engine.permissions.list({ search: 'EDIT', perPage: 1 })).data.map((p) => p.name)).toEqual([
      'document:edit',
    ]);
    await expect(engine.permissions.get('document:print')).rejects.toBeInstanceOf(PermissioNotFoundError);
    await expect(engine.permissions.get('nope.read')).rejects.toBeInstanceOf(PermissioNotFoundError);
  });

  it('create is idempotent, updates the description, creates a missing resource type; dotted names map on the last dot', async () => {
    const engine = policy();
    expect(await engine.permissions.create({ name: 'billing.invoice.create', description: 'Issue invoices' })).toEqual({
      name: 'billing.invoice:create',
      resourceType: 'billing.invoice',
      action: 'create',
      description: 'Issue invoices',
    });
    expect((await engine.resources.get('billing.invoice')).actions).toEqual([
      { key: 'create', name: 'create', description: 'Issue invoices' },
    ]);
    // Again, either spelling: the same permission, the description updated, nothing duplicated.
    expect(await engine.permissions.create({ name: 'billing.invoice:create', description: 'Bill' })).toMatchObject({
      description: 'Bill',
    });
    expect(await engine.permissions.create({ name: 'billing.invoice.create' })).toMatchObject({ description: 'Bill' });
    expect((await engine.resources.get('billing.invoice')).actions).toHaveLength(1);
    // The permission works everywhere, in either spelling.
    await engine.roles.create({ key: 'biller', permissions: ['billing.invoice.create'] });
    expect((await engine.roles.get('biller')).permissions).toEqual(['billing.invoice:create']);
    await engine.roleAssignments.assign({ user: 'bob', role: 'biller' });
    expect(engine.check({ user: 'bob', action: 'create', resource: { type: 'billing.invoice' } })).toBe(true);
    expect(
      engine.checkPermissions({ user: 'bob', resourceUris: ['/x'], permissions: ['billing.invoice.create'] }),
    ).toEqual({ passed: true, missing: [] });
    await engine.roles.removePermission('biller', 'billing.invoice.create');
    expect((await engine.roles.get('biller')).permissions).toEqual([]);
  });

  it('keeps every existing type:action reading; invalid names fail with a validation error', async () => {
    const engine = policy();
    for (const bad of ['document', '.read', 'document.', 'a:b:c', 'a:', ':b', '', 5, null]) {
      await expect(engine.permissions.create({ name: bad as string })).rejects.toBeInstanceOf(PermissioValidationError);
    }
    // A colon wins over dots: `doc:read.all` is type "doc", action "read.all" — never "doc:read" + "all".
    expect(await engine.permissions.create({ name: 'doc:read.all' })).toMatchObject({
      resourceType: 'doc',
      action: 'read.all',
    });
    await expect(engine.permissions.create({ name: 'document:read', description: 7 as never })).rejects.toBeInstanceOf(
      PermissioValidationError,
    );
  });

  it('update renames within the type and keeps every role, grant and condition set rule', async () => {
    const engine = policy();
    const renamed = await engine.permissions.update('document.read', { name: 'document:view', description: 'See it' });
    expect(renamed).toEqual({ name: 'document:view', resourceType: 'document', action: 'view', description: 'See it' });
    expect((await engine.resources.get('document')).actions.map((a) => a.key)).toEqual(['view', 'edit']);
    expect((await engine.roles.get('viewer')).permissions).toEqual(['document:view', 'folder:read']);
    expect(engine.check({ user: 'alice', action: 'view', resource: { type: 'document', key: 'd1' } })).toBe(true);
    expect(engine.check({ user: 'alice', action: 'read', resource: { type: 'document', key: 'd1' } })).toBe(false);
    expect(engine.check({ user: 'bob', action: 'view', resource: { type: 'document', uri: '/p/1/x' } })).toBe(true);
    expect((await engine.conditionSetRules.list()).data).toEqual([
      { userSet: 'eng', permission: 'document:view', resourceSet: 'own' },
    ]);
    const exported = await engine.export();
    expect(exported.grants).toEqual([expect.objectContaining({ user: 'bob', permissions: ['document:view'] })]);
    // The export loads back: the renamed permission is consistent everywhere.
    expect(createEngine(exported).exportSync()).toEqual(exported);

    await expect(engine.permissions.update('document:view', { name: 'document:edit' })).rejects.toBeInstanceOf(
      PermissioConflictError,
    );
    await expect(engine.permissions.update('document:view', { name: 'folder:view' })).rejects.toThrow(
      /keeps its resource type/,
    );
    await expect(engine.permissions.update('document:gone', { description: 'x' })).rejects.toBeInstanceOf(
      PermissioNotFoundError,
    );
    expect(await engine.permissions.update('document:view', { description: 'Only the text' })).toMatchObject({
      name: 'document:view',
      description: 'Only the text',
    });
  });

  it('delete is idempotent and cascades from roles, grants and rules', async () => {
    const engine = policy();
    await engine.permissions.delete('document.read');
    await engine.permissions.delete('document.read');
    await engine.permissions.delete('unknown.thing');
    expect((await engine.roles.get('viewer')).permissions).toEqual(['folder:read']);
    expect((await engine.export()).grants).toEqual([]);
    expect((await engine.conditionSetRules.list()).data).toEqual([]);
    await expect(engine.permissions.delete('nodot')).rejects.toBeInstanceOf(PermissioValidationError);
  });

  it('reports each write to change listeners, and replaying them rebuilds the same policy', async () => {
    const engine = policy();
    const start = engine.exportSync();
    const changes: { op: string; args: unknown[] }[] = [];
    engine.onChange((change) => changes.push(change));
    await engine.permissions.create({ name: 'folder.share', description: 'Share' });
    await engine.permissions.update('document:read', { name: 'document:view' });
    await engine.permissions.delete('document:edit');
    expect(changes.map((c) => c.op)).toEqual(['permissions.create', 'permissions.update', 'permissions.delete']);
    const replica = createEngine(start);
    for (const change of changes) {
      const [group, method] = change.op.split('.') as ['permissions', 'create' | 'update' | 'delete'];
      await (replica[group][method] as (...args: unknown[]) => Promise<unknown>)(...change.args);
    }
    expect(replica.exportSync()).toEqual(engine.exportSync());
  });

  it('descriptions live in snapshots and survive a resources.update that lists the action again', async () => {
    const engine = createEngine({
      resources: [{ key: 'document', actions: [{ key: 'read', description: 'Read it' }, 'edit'] }],
    });
    expect(engine.exportSync().resources[0]?.actions).toEqual([
      { key: 'read', name: 'read', description: 'Read it' },
      { key: 'edit', name: 'edit' },
    ]);
    await engine.resources.update('document', { actions: ['read'] });
    expect(await engine.permissions.get('document:read')).toMatchObject({ description: 'Read it' });
  });
});

/** Principals (#16): types, cursor-paged listing, all assignments of one, and the engine-level create option. */
import { describe, expect, it } from 'vitest';
import { PermissioNotFoundError, PermissioValidationError } from '@permissio/core';
import { createEngine } from '../src/index.js';

function policy() {
  return createEngine({
    resources: [{ key: 'document', actions: ['read', 'edit'] }],
    roles: [
      { key: 'viewer', permissions: ['document:read'] },
      { key: 'editor', permissions: ['document:edit'] },
    ],
    tenants: [{ key: 'acme' }],
    users: [{ key: 'alice' }, { key: 'bob' }, { key: 'ci-bot', type: 'service_account' }, { key: 'carol' }],
    roleAssignments: [
      { user: 'alice', role: 'viewer' },
      { user: 'alice', role: 'editor', resourceInstance: 'document:d1' },
      { user: 'alice', role: 'viewer', tenant: 'acme', resourceInstance: '/project/456' },
    ],
    grants: [
      { user: 'alice', resourceUri: '/project/456', permissions: ['document:edit'] },
      { user: 'alice', resourceUri: 'document:d1', permissions: ['document.read'] },
    ],
  });
}

describe('principals', () => {
  it('users carry a principal type: default user (not stored), any valid key, updatable', async () => {
    const engine = policy();
    expect(await engine.users.get('ci-bot')).toMatchObject({ key: 'ci-bot', type: 'service_account' });
    expect(await engine.users.get('alice')).not.toHaveProperty('type');
    expect(await engine.users.create({ key: 'svc', type: 'robot' })).toMatchObject({ type: 'robot' });
    expect(await engine.users.update('svc', { type: 'user' })).not.toHaveProperty('type');
    await expect(engine.users.create({ key: 'x', type: '' })).rejects.toBeInstanceOf(PermissioValidationError);
    expect(engine.exportSync().users.find((u) => u.key === 'ci-bot')).toEqual({
      key: 'ci-bot',
      type: 'service_account',
      attributes: {},
    });
  });

  it('lists ids with types, cursor paging, search and type filter', async () => {
    const engine = policy();
    const first = await engine.principals.list({ limit: 2 });
    expect(first.data).toEqual([
      { id: 'alice', type: 'user' },
      { id: 'bob', type: 'user' },
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await engine.principals.list({ limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({
      data: [
        { id: 'carol', type: 'user' },
        { id: 'ci-bot', type: 'service_account' },
      ],
    });
    // A principal added before the cursor does not shift the next page.
    await engine.users.create({ key: 'aaron' });
    expect((await engine.principals.list({ limit: 2, cursor: first.nextCursor })).data.map((p) => p.id)).toEqual([
      'carol',
      'ci-bot',
    ]);
    expect((await engine.principals.list({ search: 'CI' })).data.map((p) => p.id)).toEqual(['ci-bot']);
    expect((await engine.principals.list({ type: 'service_account' })).data).toEqual([
      { id: 'ci-bot', type: 'service_account' },
    ]);
    for (const bad of [{ limit: 0 }, { limit: 101 }, { cursor: 'not hex' }, { type: '' }]) {
      await expect(engine.principals.list(bad)).rejects.toBeInstanceOf(PermissioValidationError);
    }
  });

  it('returns every assignment and direct grant as [{resourceUri, tenant, permissions, roles}]', async () => {
    const engine = policy();
    expect(await engine.principals.assignments('alice')).toEqual([
      { resourceUri: '/project/456', tenant: 'acme', permissions: [], roles: ['viewer'] },
      { resourceUri: '*', tenant: 'default', permissions: [], roles: ['viewer'] },
      { resourceUri: '/project/456', tenant: 'default', permissions: ['document:edit'], roles: [] },
      { resourceUri: 'document:d1', tenant: 'default', permissions: ['document:read'], roles: ['editor'] },
    ]);
    expect(await engine.principals.assignments('alice', { tenant: 'acme' })).toEqual([
      { resourceUri: '/project/456', tenant: 'acme', permissions: [], roles: ['viewer'] },
    ]);
    expect(await engine.principals.assignments('bob')).toEqual([]);
    await expect(engine.principals.assignments('ghost')).rejects.toBeInstanceOf(PermissioNotFoundError);
  });

  it('grant and assign keep their 404 for an unknown principal unless createPrincipal is set', async () => {
    const engine = policy();
    const changes: unknown[] = [];
    engine.onChange((change) => changes.push(change));
    await expect(
      engine.grant({ user: 'new-svc', resourceUri: '/project/456', permissions: ['document:read'] }),
    ).rejects.toBeInstanceOf(PermissioNotFoundError);
    await expect(engine.roleAssignments.assign({ user: 'new-svc', role: 'viewer' })).rejects.toBeInstanceOf(
      PermissioNotFoundError,
    );
    // Validation comes first: an invalid grant creates nobody.
    await expect(
      engine.grant({ user: 'new-svc', resourceUri: '/p', permissions: ['document:print'] }, { createPrincipal: true }),
    ).rejects.toBeInstanceOf(PermissioValidationError);
    await expect(engine.users.get('new-svc')).rejects.toBeInstanceOf(PermissioNotFoundError);

    await engine.grant(
      { user: 'new-svc', resourceUri: '/project/456', permissions: ['document.read'] },
      { createPrincipal: true, principalType: 'service_account' },
    );
    expect(await engine.users.get('new-svc')).toMatchObject({ type: 'service_account' });
    expect(
      engine.check({ user: 'new-svc', action: 'read', resource: { type: 'document', uri: '/project/456/d/1' } }),
    ).toBe(true);
    await engine.roleAssignments.assign({ user: 'dave', role: 'viewer' }, { createPrincipal: true });
    expect(await engine.users.get('dave')).not.toHaveProperty('type');
    expect(changes).toHaveLength(2);
    // Replaying the reported changes (as a server journal does) creates the principals again.
    const replica = policy();
    await replica.grant(...(changes[0] as { args: Parameters<typeof replica.grant> }).args);
    await replica.roleAssignments.assign(
      ...(changes[1] as { args: Parameters<typeof replica.roleAssignments.assign> }).args,
    );
    expect(replica.exportSync()).toEqual(engine.exportSync());
  });
});

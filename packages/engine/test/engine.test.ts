import { PermissioConflictError, PermissioNotFoundError, PermissioValidationError } from '@permissio/core';
import type { Pdp, PolicySnapshot } from '@permissio/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createEngine, Engine } from '../src/index.js';
import type { EngineChange } from '../src/index.js';

const policy: PolicySnapshot = {
  resources: [{ key: 'document', actions: ['read', 'write'] }],
  roles: [
    { key: 'viewer', permissions: ['document:read'] },
    { key: 'editor', permissions: ['document:write'], extends: ['viewer'] },
  ],
  tenants: [{ key: 'acme', attributes: { plan: { tier: 'pro' } } }],
  users: [{ key: 'alice', attributes: { tags: ['a'] } }],
  roleAssignments: [{ user: 'alice', role: 'editor', tenant: 'acme' }],
};

describe('Engine', () => {
  it('implements Pdp as an embedded, synchronous-check PDP', () => {
    const engine = createEngine(policy);
    expectTypeOf(engine).toMatchTypeOf<Pdp>();
    expect(engine).toBeInstanceOf(Engine);
    expect(engine.kind).toBe('embedded');
    const answer = engine.check({ user: 'alice', action: 'read', resource: 'document', tenant: 'acme' });
    expect(answer).toBe(true); // a plain boolean, not a Promise
    expectTypeOf(answer).toEqualTypeOf<boolean>();
  });

  it('createEngine() starts empty with the default tenant', async () => {
    const engine = createEngine();
    expect((await engine.tenants.list()).data.map((t) => t.key)).toEqual(['default']);
    expect(engine.check({ user: 'x', action: 'read', resource: 'document' })).toBe(false);
  });

  it('rejects an invalid snapshot at construction, naming the entry', () => {
    expect(() => createEngine({ roles: [{ key: 'ok' }, { key: 'r', permissions: ['document:read'] }] })).toThrow(
      /roles\[1\] \("r"\)/,
    );
  });

  it('load keeps the previous state when the snapshot is invalid', async () => {
    const engine = createEngine(policy);
    await expect(engine.load({ roleAssignments: [{ user: 'bob', role: 'ghost' }] })).rejects.toThrow(
      /roleAssignments\[0\]/,
    );
    expect(engine.check({ user: 'alice', action: 'read', resource: 'document', tenant: 'acme' })).toBe(true);
  });

  it('never aliases internal state: attributes and lists handed out are copies', async () => {
    const engine = createEngine(policy);
    const user = await engine.users.get('alice');
    (user.attributes.tags as string[]).push('mutated');
    user.attributes.extra = 1;
    expect((await engine.users.get('alice')).attributes).toEqual({ tags: ['a'] });
    const tenant = await engine.tenants.get('acme');
    (tenant.attributes.plan as { tier: string }).tier = 'free';
    expect((await engine.tenants.get('acme')).attributes).toEqual({ plan: { tier: 'pro' } });
    const role = await engine.roles.get('editor');
    role.permissions.push('document:read');
    role.extends.length = 0;
    expect(await engine.roles.get('editor')).toMatchObject({ permissions: ['document:write'], extends: ['viewer'] });
    const input = { key: 'bob', attributes: { nested: { n: 1 } } };
    await engine.users.create(input);
    input.attributes.nested.n = 2;
    expect((await engine.users.get('bob')).attributes).toEqual({ nested: { n: 1 } });
    const exported = await engine.export();
    exported.roles[0]?.permissions?.push('document:write');
    expect((await engine.export()).roles[0]?.permissions).toEqual(['document:write']);
  });

  it('errors carry the right classes', async () => {
    const engine = createEngine(policy);
    await expect(engine.users.create({ key: 'alice' })).rejects.toBeInstanceOf(PermissioConflictError);
    await expect(engine.users.get('nobody')).rejects.toBeInstanceOf(PermissioNotFoundError);
    await expect(engine.roles.addPermission('viewer', 'document:print')).rejects.toBeInstanceOf(
      PermissioValidationError,
    );
    await expect(engine.roles.addExtends('viewer', 'editor')).rejects.toBeInstanceOf(PermissioConflictError);
    expect(() =>
      engine.check({ user: 'alice', action: 'read', resource: { type: 'document', uri: '/a/%2F' } }),
    ).toThrow(PermissioValidationError);
  });

  it('bulkCheck names the index of an invalid request', () => {
    const engine = createEngine(policy);
    expect(() =>
      engine.bulkCheck([
        { user: 'alice', action: 'read', resource: 'document' },
        { user: '', action: 'read', resource: 'document' },
      ]),
    ).toThrow(/checks\[1\]/);
  });

  it('onChange reports successful writes with copied arguments, and can unsubscribe', async () => {
    const engine = createEngine(policy);
    const seen: EngineChange[] = [];
    const off = engine.onChange((change) => seen.push(change));
    await engine.roles.addPermission('viewer', 'document:write');
    await expect(engine.users.create({ key: 'alice' })).rejects.toThrow();
    await engine.roleAssignments.assign({ user: 'alice', role: 'editor', tenant: 'acme' }); // no-op: not reported
    await engine.grant({ user: 'alice', resourceUri: '/a', permissions: ['document:read'] });
    off();
    await engine.users.delete('alice');
    expect(seen.map((c) => c.op)).toEqual(['roles.addPermission', 'grant']);
    expect(seen[0]).toEqual({ op: 'roles.addPermission', args: ['viewer', 'document:write'] });
  });

  it('a journal of changes replays to the same policy', async () => {
    const source = createEngine(policy);
    const journal: EngineChange[] = [];
    source.onChange((c) => journal.push(c));
    await source.users.create({ key: 'bob' });
    await source.roleAssignments.assign({ user: 'bob', role: 'viewer', tenant: 'acme', resourceInstance: '/p/1' });
    await source.roles.create({ key: 'admin', extends: ['editor'] });
    await source.grant({ user: 'bob', resourceUri: 'document:d1', permissions: ['document:write'], tenant: 'acme' });
    const replica = createEngine(policy);
    for (const change of journal) {
      const [group, method] = change.op.split('.') as [string, string | undefined];
      const target = method === undefined ? replica : (replica as unknown as Record<string, unknown>)[group];
      const fn = (target as Record<string, (...a: unknown[]) => Promise<unknown>>)[method ?? group];
      await fn?.apply(target, change.args);
    }
    expect(await replica.export()).toEqual(await source.export());
  });

  it('checkDetailed on a deny path still validates every input', () => {
    const engine = createEngine(policy);
    expect(() =>
      engine.checkDetailed({ user: 'nobody', action: 'read', resource: 'document', tenant: 'a\u0000' }),
    ).toThrow(PermissioValidationError);
    expect(() => engine.check({ user: 'nobody', action: 'read', resource: 'document', tenant: 'a\u0000' })).toThrow(
      PermissioValidationError,
    );
  });
});

describe('snapshot round trip of URIs holding a literal %', () => {
  it('exports /discount/100%25 so that loading it gives the same policy', async () => {
    const engine = createEngine({
      resources: [{ key: 'd', actions: ['r'] }],
      roles: [{ key: 'v', permissions: ['d:r'] }],
      roleAssignments: [{ user: 'u', role: 'v', resourceInstance: '/discount/100%25' }],
      grants: [{ user: 'u', resourceUri: '/a%25b', permissions: ['d:r'] }],
    });
    const exported = await engine.export();
    const copy = createEngine(exported);
    expect(await copy.export()).toEqual(exported);
    expect(copy.check({ user: 'u', action: 'r', resource: { type: 'd', uri: '/discount/100%25/x' } })).toBe(true);
    expect(copy.checkDetailed({ user: 'u', action: 'r', resource: { type: 'd', uri: '/a%25b' } }).allowed).toBe(true);
  });
});

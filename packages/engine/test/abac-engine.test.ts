import { Permissio, PermissioConflictError, PermissioValidationError } from '@permissio/core';
import type { Condition, PolicySnapshot } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import type { EngineChange } from '../src/index.js';

const policy: PolicySnapshot = {
  resources: [
    {
      key: 'document',
      actions: ['read', 'edit'],
      attributes: [
        { key: 'ownerId', type: 'string' },
        { key: 'level', type: 'number' },
      ],
    },
    { key: 'folder', actions: ['read'] },
  ],
  roles: [
    { key: 'viewer', permissions: [] },
    { key: 'staff', permissions: [], extends: ['viewer'] },
  ],
  tenants: [{ key: 'acme', attributes: { plan: 'pro' } }, { key: 'globex' }],
  users: [
    { key: 'alice', attributes: { department: 'engineering', clearance: 3 } },
    { key: 'bob', attributes: { department: 'sales' } },
  ],
  roleAssignments: [{ user: 'bob', role: 'staff', tenant: 'acme' }],
  userAttributes: [
    { key: 'department', type: 'string' },
    { key: 'clearance', type: 'number' },
  ],
  conditionSets: [
    { key: 'engineers', type: 'userset', conditions: { 'user.department': { equals: 'engineering' } } },
    { key: 'viewers', type: 'userset', conditions: { 'user.roles': { contains: 'viewer' } } },
    {
      key: 'own-docs',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { 'resource.ownerId': { equals: { ref: 'user.key' } } },
    },
    {
      key: 'low-docs',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { 'resource.level': { 'less-than': 2 } },
    },
  ],
  conditionSetRules: [
    { userSet: 'engineers', permission: 'document:edit', resourceSet: 'own-docs' },
    { userSet: 'viewers', permission: 'document:read', resourceSet: 'low-docs', tenant: 'acme' },
  ],
};

const doc = (attributes: Record<string, unknown>, key = 'd1') => ({ type: 'document', key, attributes });

describe('condition rules in the engine', () => {
  it('allows through a matching rule and explains it', () => {
    const engine = createEngine(policy);
    const request = { user: 'alice', action: 'edit', resource: doc({ ownerId: 'alice' }) };
    expect(engine.check(request)).toBe(true);
    expect(engine.checkDetailed(request)).toEqual({
      allowed: true,
      reason: 'condition_rule',
      via: { userSet: 'engineers', resourceSet: 'own-docs', permission: 'document:edit' },
    });
    expect(engine.check({ ...request, resource: doc({ ownerId: 'bob' }) })).toBe(false);
    expect(engine.check({ ...request, resource: doc({}) })).toBe(false);
    expect(engine.bulkCheck([request, { ...request, user: 'bob' }])).toEqual([true, false]);
  });

  it('check-time user attributes override stored ones; unknown users match from the check', () => {
    const engine = createEngine(policy);
    const resource = doc({ ownerId: 'carol' });
    expect(engine.check({ user: 'carol', action: 'edit', resource })).toBe(false);
    expect(engine.checkDetailed({ user: 'carol', action: 'edit', resource }).reason).toBe('unknown_user');
    const carol = { key: 'carol', attributes: { department: 'engineering' } };
    expect(engine.check({ user: carol, action: 'edit', resource })).toBe(true);
    expect(engine.checkDetailed({ user: carol, action: 'edit', resource }).reason).toBe('condition_rule');
    const alice = { key: 'alice', attributes: { department: 'sales' } };
    expect(engine.check({ user: alice, action: 'edit', resource: doc({ ownerId: 'alice' }) })).toBe(false);
    // unknown type/action still deny first
    expect(engine.checkDetailed({ user: carol, action: 'nope', resource }).reason).toBe('unknown_user');
    expect(engine.checkDetailed({ user: 'alice', action: 'nope', resource }).reason).toBe('unknown_action');
  });

  it('user.roles holds the tenant-wide roles of the check tenant, inherited included; tenant rules stay in their tenant', () => {
    const engine = createEngine(policy);
    const low = doc({ level: 1 });
    expect(engine.checkDetailed({ user: 'bob', action: 'read', resource: low, tenant: 'acme' })).toEqual({
      allowed: true,
      reason: 'condition_rule',
      via: { userSet: 'viewers', resourceSet: 'low-docs', permission: 'document:read', tenant: 'acme' },
    });
    expect(engine.check({ user: 'bob', action: 'read', resource: low, tenant: 'globex' })).toBe(false);
    expect(engine.check({ user: 'bob', action: 'read', resource: doc({ level: 2 }), tenant: 'acme' })).toBe(false);
    expect(engine.check({ user: 'alice', action: 'read', resource: low, tenant: 'acme' })).toBe(false);
  });

  it('checkPermissions passes the CheckUser; getUserPermissions lists what a bare check allows', async () => {
    const engine = createEngine(policy);
    await engine.conditionSets.create({
      key: 'doc-1',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { 'resource.key': { equals: 'doc-1' } },
    });
    await engine.conditionSetRules.create({ userSet: 'engineers', permission: 'document:read', resourceSet: 'doc-1' });
    expect(engine.getUserPermissions('alice', 'document:doc-1')).toEqual({ permissions: ['document:read'], roles: [] });
    expect(engine.getUserPermissions('alice', 'document:doc-2')).toEqual({ permissions: [], roles: [] });
    expect(engine.getUserPermissions('alice', 'folder:doc-1')).toEqual({ permissions: [], roles: [] });
    const carol = { key: 'carol', attributes: { department: 'engineering' } };
    expect(
      engine.checkPermissions({ user: carol, resourceUris: ['document:doc-1'], permissions: ['document:read'] }),
    ).toEqual({ passed: true, missing: [] });
    expect(
      engine.checkPermissions({ user: 'carol', resourceUris: ['document:doc-1'], permissions: ['document:read'] })
        .passed,
    ).toBe(false);
  });

  it('works through Permissio.check', async () => {
    const permissio = new Permissio({ pdp: createEngine(policy) });
    expect(await permissio.check('alice', 'edit', doc({ ownerId: 'alice' }))).toBe(true);
    expect(await permissio.check('alice', 'edit', doc({ ownerId: 'x' }))).toBe(false);
  });
});

describe('condition management', () => {
  it('round-trips through export/load and journals every write', async () => {
    const engine = createEngine(policy);
    const exported = await engine.export();
    expect(exported.userAttributes).toEqual([
      { key: 'clearance', type: 'number' },
      { key: 'department', type: 'string' },
    ]);
    expect(exported.conditionSets.map((s) => s.key)).toEqual(['engineers', 'low-docs', 'own-docs', 'viewers']);
    expect(exported.conditionSetRules).toHaveLength(2);
    const copy = createEngine(exported);
    expect(await copy.export()).toEqual(exported);

    const changes: EngineChange[] = [];
    const replica = createEngine(policy);
    engine.onChange((c) => changes.push(c));
    await engine.users.createAttribute({ key: 'team', type: 'string' });
    await engine.conditionSets.create({ key: 'team-a', type: 'userset', conditions: { 'user.team': { equals: 'a' } } });
    await engine.conditionSetRules.create({ userSet: 'team-a', permission: 'document:read', resourceSet: 'own-docs' });
    await engine.conditionSets.update('team-a', { name: 'Team A' });
    await engine.conditionSetRules.delete({
      userSet: 'engineers',
      permission: 'document:edit',
      resourceSet: 'own-docs',
    });
    expect(changes.map((c) => c.op)).toEqual([
      'users.createAttribute',
      'conditionSets.create',
      'conditionSetRules.create',
      'conditionSets.update',
      'conditionSetRules.delete',
    ]);
    for (const change of changes) {
      const [group, method] = change.op.split('.') as [string, string];
      const ops = (replica as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[group];
      await ops?.[method]?.(...change.args);
    }
    expect(await replica.export()).toEqual(await engine.export());
  });

  it('cascades and refuses deletes of used attributes', async () => {
    const engine = createEngine(policy);
    await expect(engine.users.deleteAttribute('department')).rejects.toThrow(PermissioConflictError);
    await expect(engine.users.deleteAttribute('department')).rejects.toThrow(/engineers/);
    await expect(engine.resources.deleteAttribute('document', 'ownerId')).rejects.toThrow(/own-docs/);
    await expect(
      engine.resources.update('document', {
        attributes: [
          { key: 'ownerId', type: 'number' },
          { key: 'level', type: 'number' },
        ],
      }),
    ).rejects.toThrow(PermissioConflictError);
    await engine.users.deleteAttribute('clearance'); // unused
    await expect(
      engine.conditionSetRules.create({ userSet: 'engineers', permission: 'document:edit', resourceSet: 'own-docs' }),
    ).rejects.toThrow(PermissioConflictError);
    await engine.conditionSets.delete('engineers');
    expect((await engine.conditionSetRules.list()).data.map((r) => r.userSet)).toEqual(['viewers']);
    await engine.users.deleteAttribute('department');
    await engine.resources.delete('document');
    expect((await engine.conditionSets.list()).data.map((s) => s.key)).toEqual(['viewers']);
    expect((await engine.conditionSetRules.list()).total).toBe(0);
  });

  it('rejects invalid sets and rules with 422 and unknown snapshot fields by path', async () => {
    const engine = createEngine(policy);
    await expect(
      engine.conditionSets.create({ key: 'bad', type: 'userset', conditions: { 'user.nope': { equals: 1 } } }),
    ).rejects.toThrow(PermissioValidationError);
    await expect(
      engine.conditionSetRules.create({ userSet: 'own-docs', permission: 'document:read', resourceSet: 'own-docs' }),
    ).rejects.toThrow(PermissioValidationError);
    expect(() =>
      createEngine({ ...policy, conditionSets: [{ key: 'x', type: 'userset', conditions: {}, extra: 1 } as never] }),
    ).toThrow(/conditionSets\[0\]\.extra/);
    expect(() =>
      createEngine({
        ...policy,
        conditionSetRules: [{ userSet: 'engineers', permission: 'document:edit', resourceSet: 'missing' }],
      }),
    ).toThrow(PermissioValidationError);
  });

  it('Permissio.api exposes the groups', async () => {
    const permissio = new Permissio({ pdp: createEngine(policy) });
    expect((await permissio.api.users.listAttributes()).map((a) => a.key)).toEqual(['clearance', 'department']);
    expect((await permissio.api.conditionSets.get('engineers')).type).toBe('userset');
    expect((await permissio.api.conditionSetRules.list({ resourceSet: 'low-docs' })).data).toEqual([
      { userSet: 'viewers', permission: 'document:read', resourceSet: 'low-docs', tenant: 'acme' },
    ]);
  });
});

describe('the RBAC hot path without condition rules', () => {
  it('keeps no rule index (the deny path reads one property) until a rule exists, and drops it with the last rule', async () => {
    const engine = createEngine({ ...policy, conditionSetRules: [] });
    const index = () => (engine as unknown as { state: { conditions: { index: unknown } } }).state.conditions.index;
    expect(index()).toBeUndefined();
    const rule = { userSet: 'engineers', permission: 'document:edit', resourceSet: 'own-docs' };
    await engine.conditionSetRules.create(rule);
    expect(index()).toBeDefined();
    await engine.conditionSetRules.delete(rule);
    expect(index()).toBeUndefined();
  });
});

describe('getUserPermissions with condition rules = what a bare check allows', () => {
  it('agrees with check on every user × resource × permission of a generated policy', async () => {
    const { default: fc } = await import('fast-check');
    const types = ['document', 'folder'];
    const actions = ['read', 'edit'];
    const sets = fc.constantFrom<Condition>(
      { 'user.key': { 'starts-with': 'a' } },
      { 'user.dept': { equals: 'eng' } },
      { 'user.roles': { contains: 'viewer' } },
      { 'tenant.plan': { equals: 'pro' } },
      { not: { 'user.dept': { equals: 'eng' } } },
    );
    const resourceSets = fc.constantFrom<Condition>(
      { 'resource.key': { in: ['k1', 'k2'] } },
      { 'resource.uri': { 'starts-with': '/p/1' } },
      { 'resource.tenant': { equals: 'acme' } },
      { allOf: [] },
      { 'resource.level': { 'less-than': 3 } },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(sets, resourceSets, fc.constantFrom(...types), fc.constantFrom(...actions), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        async (spec) => {
          const engine = createEngine({
            resources: types.map((key) => ({ key, actions, attributes: [{ key: 'level', type: 'number' }] })),
            roles: [{ key: 'viewer', permissions: [] }],
            tenants: [{ key: 'acme', attributes: { plan: 'pro' } }, { key: 'globex' }],
            users: [
              { key: 'alice', attributes: { dept: 'eng' } },
              { key: 'bob', attributes: { dept: 'ops' } },
            ],
            roleAssignments: [{ user: 'bob', role: 'viewer', tenant: 'acme' }],
            userAttributes: [{ key: 'dept', type: 'string' }],
            conditionSets: spec.flatMap(([u, r, type], i) => [
              { key: `u${i}`, type: 'userset' as const, conditions: u },
              { key: `r${i}`, type: 'resourceset' as const, resourceType: type, conditions: r },
            ]),
            conditionSetRules: spec.map(([, , type, action, scoped], i) => ({
              userSet: `u${i}`,
              permission: `${type}:${action}`,
              resourceSet: `r${i}`,
              ...(scoped ? { tenant: 'acme' } : {}),
            })),
          });
          for (const user of ['alice', 'bob', 'carol'])
            for (const tenant of ['acme', 'globex'])
              for (const where of ['document:k1', 'folder:k3', '/p/1/x', '/q']) {
                const listed = engine.getUserPermissions(user, where, { tenant }).permissions;
                for (const type of types)
                  for (const action of actions) {
                    const resource = where.startsWith('/')
                      ? { type, uri: where }
                      : where.startsWith(`${type}:`)
                        ? { type, key: where.slice(type.length + 1) }
                        : undefined;
                    const allowed = resource !== undefined && engine.check({ user, action, resource, tenant });
                    expect(listed.includes(`${type}:${action}`), `${user} ${tenant} ${where} ${type}:${action}`).toBe(
                      allowed,
                    );
                  }
              }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('hostile check-time attributes', () => {
  it('never allows from non-object bags, prototype keys or look-alike values', () => {
    const engine = createEngine(policy);
    const base = { user: 'alice', action: 'edit' };
    for (const attributes of ['alice', ['alice'], 42, null, { ownerId: ['alice'] }, { ownerId: { ref: 'user.key' } }]) {
      expect(engine.check({ ...base, resource: { type: 'document', key: 'd', attributes } as never })).toBe(false);
    }
    const proto = JSON.parse('{"__proto__": {"ownerId": "alice"}}') as Record<string, unknown>;
    expect(engine.check({ ...base, resource: doc(proto) })).toBe(false);
    expect(
      engine.check({
        user: { key: 'alice', attributes: 'x' as never },
        action: 'edit',
        resource: doc({ ownerId: 'alice' }),
      }),
    ).toBe(true);
    expect(engine.check({ user: 'bob', action: 'read', resource: doc({ level: '1' }), tenant: 'acme' })).toBe(false);
  });
});

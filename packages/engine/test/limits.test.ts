/**
 * Long and wide role hierarchies (issue 10, items 2 and 3): every closure is
 * computed without recursion, so any chain a write accepted exports and
 * loads again; the depth limit applies at write time only.
 */
import { PermissioValidationError } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { MAX_INHERITANCE_DEPTH } from '../src/closure.js';
import { createEngine } from '../src/index.js';

const ACTIONS = Array.from({ length: 1000 }, (_, i) => `a${i}`);

describe('long inheritance chains', () => {
  it('a 10,000-role chain created one by one round-trips through export and createEngine', async () => {
    const engine = createEngine({ resources: [{ key: 'doc', actions: ACTIONS }], users: [{ key: 'u' }] });
    await engine.roles.create({ key: 'r0', permissions: ACTIONS.map((a) => `doc:${a}`) });
    for (let i = 1; i < 10_000; i++) await engine.roles.create({ key: `r${i}`, extends: [`r${i - 1}`] });
    await engine.roleAssignments.assign({ user: 'u', role: 'r9999' });
    expect(engine.check({ user: 'u', action: 'a999', resource: 'doc' })).toBe(true);

    const exported = await engine.export();
    const copy = createEngine(exported);
    expect(copy.check({ user: 'u', action: 'a999', resource: 'doc' })).toBe(true);
    expect(copy.exportSync()).toEqual(exported);
    const decision = copy.checkDetailed({ user: 'u', action: 'a0', resource: 'doc' });
    expect(decision.via?.path).toHaveLength(10_000);
    expect(decision.via?.path?.[0]).toBe('r9999');
    expect(decision.via?.path?.at(-1)).toBe('r0');
    // load (the server's PUT snapshot and restart path) accepts it too
    await copy.load(exported);
    expect(copy.check({ user: 'u', action: 'a1', resource: 'doc' })).toBe(true);
  }, 120_000);

  it('refuses, at write time, the role that would make the chain longer than the limit', async () => {
    const engine = createEngine({ resources: [{ key: 'doc', actions: ['read'] }] });
    await engine.roles.create({ key: 'r1', permissions: ['doc:read'] });
    for (let i = 2; i <= MAX_INHERITANCE_DEPTH; i++)
      await engine.roles.create({ key: `r${i}`, extends: [`r${i - 1}`] });
    const error = await engine.roles
      .create({ key: 'too-deep', extends: [`r${MAX_INHERITANCE_DEPTH}`] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissioValidationError);
    expect((error as Error).message).toMatch(/chain of 10001 roles, the limit is 10000/);
    await expect(engine.roles.get('too-deep')).rejects.toThrow(/does not exist/);

    // lengthening the chain from below (a new root under the bottom role) is refused as well
    await engine.roles.create({ key: 'root' });
    await expect(engine.roles.addExtends('r1', 'root')).rejects.toThrow(PermissioValidationError);
    await expect(engine.roles.update('r1', { extends: ['root'] })).rejects.toThrow(/limit is 10000/);
    expect((await engine.roles.get('r1')).extends).toEqual([]);

    // the accepted maximum loads again
    const copy = createEngine(await engine.export());
    expect(copy.exportSync().roles).toHaveLength(MAX_INHERITANCE_DEPTH + 1);
  }, 120_000);

  it('explanation paths stay the shortest chain, parents in key order, on wide diamonds', () => {
    const engine = createEngine({
      resources: [{ key: 'doc', actions: ['read'] }],
      roles: [
        { key: 'base', permissions: ['doc:read'] },
        { key: 'm2', extends: ['base'] },
        { key: 'm1', extends: ['base'] },
        { key: 'top', extends: ['m2', 'm1'] },
      ],
      users: [{ key: 'u' }],
      roleAssignments: [{ user: 'u', role: 'top' }],
    });
    expect(engine.checkDetailed({ user: 'u', action: 'read', resource: 'doc' }).via?.path).toEqual([
      'top',
      'm1',
      'base',
    ]);
  });
});

describe('role closures stay compact', () => {
  it('a chain extending a role of 1,000 permissions shares one closure (heap grows linearly, not quadratically)', async () => {
    const engine = createEngine({ resources: [{ key: 'doc', actions: ACTIONS }] });
    await engine.roles.create({ key: 'r0', permissions: ACTIONS.map((a) => `doc:${a}`) });
    const heap = (): number => process.memoryUsage().heapUsed;
    const start = heap();
    for (let i = 1; i <= 2000; i++) await engine.roles.create({ key: `r${i}`, extends: [`r${i - 1}`] });
    const grown = heap() - start;
    // 2,000 roles × 1,000 inherited permissions held as strings would be far above 100 MB.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    // updating the bottom role recomputes the whole chain, and the answer follows
    await engine.roles.removePermission('r0', 'doc:a5');
    await engine.users.create({ key: 'u' });
    await engine.roleAssignments.assign({ user: 'u', role: 'r2000' });
    expect(engine.check({ user: 'u', action: 'a5', resource: 'doc' })).toBe(false);
    expect(engine.check({ user: 'u', action: 'a6', resource: 'doc' })).toBe(true);
    await engine.roles.addPermission('r1000', 'doc:a5');
    expect(engine.check({ user: 'u', action: 'a5', resource: 'doc' })).toBe(true);
    expect(engine.checkDetailed({ user: 'u', action: 'a5', resource: 'doc' }).via?.path).toHaveLength(1001);
  }, 60_000);
});

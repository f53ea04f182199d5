/**
 * The condition-rule index: rules by permission, tenant scoping, the
 * documented order, each set evaluated at most once per call, and rule
 * validation against the sets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildConditionRuleIndex,
  compileConditionSet,
  findMatchingRule,
  validateConditionSetRule,
} from '../src/conditions/index.js';
import type { CompiledConditionSet, ConditionSetRule } from '../src/conditions/index.js';
import { CATALOG, expectInvalid, input } from './conditions-helpers.js';

const sets = [
  { key: 'engineers', type: 'userset', conditions: { 'user.dept': { equals: 'eng' } } },
  { key: 'seniors', type: 'userset', conditions: { 'user.level': { 'greater-than-equals': 5 } } },
  { key: 'anyone', type: 'userset', conditions: { 'user.key': { exists: true } } },
  {
    key: 'public-docs',
    type: 'resourceset',
    resourceType: 'document',
    conditions: { 'resource.public': { equals: true } },
  },
  {
    key: 'own-docs',
    type: 'resourceset',
    resourceType: 'document',
    conditions: { 'resource.ownerId': { equals: { ref: 'user.key' } } },
  },
  {
    key: 'red-folders',
    type: 'resourceset',
    resourceType: 'folder',
    conditions: { 'resource.color': { equals: 'red' } },
  },
].map((s) => compileConditionSet(s, CATALOG));

/** Wraps each set's evaluators (whole condition, and without its discriminator) with one call counter. */
function counted(list: CompiledConditionSet[]): { sets: CompiledConditionSet[]; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const count = (key: string) => calls.set(key, (calls.get(key) ?? 0) + 1);
  return {
    calls,
    sets: list.map((s) => {
      const rest = s.evaluateRest;
      return {
        ...s,
        evaluate: (i) => {
          count(s.set.key);
          return s.evaluate(i);
        },
        evaluateRest:
          rest === undefined
            ? undefined
            : (i) => {
                count(s.set.key);
                return rest(i);
              },
      };
    }),
  };
}

const rules: ConditionSetRule[] = [
  { userSet: 'seniors', permission: 'document:read', resourceSet: 'public-docs' },
  { userSet: 'engineers', permission: 'document:read', resourceSet: 'public-docs', tenant: 'acme' },
  { userSet: 'engineers', permission: 'document:read', resourceSet: 'public-docs' },
  { userSet: 'anyone', permission: 'document:edit', resourceSet: 'own-docs' },
  { userSet: 'engineers', permission: 'document:edit', resourceSet: 'public-docs', tenant: 'acme' },
  { userSet: 'engineers', permission: 'folder:read', resourceSet: 'red-folders' },
];

describe('findMatchingRule', () => {
  const index = buildConditionRuleIndex(sets, rules);
  const eng = input({ user: { dept: 'eng', level: 9 }, resource: { public: true } });
  it('first rule in order: userSet key, resourceSet key, tenant-specific before global', () => {
    expect(findMatchingRule(index, 'document:read', 'acme', eng)).toEqual(rules[1]);
    expect(findMatchingRule(index, 'document:read', 'default', eng)).toEqual(rules[2]);
    const seniorOnly = input({ user: { dept: 'ops', level: 9 }, resource: { public: true } });
    expect(findMatchingRule(index, 'document:read', 'acme', seniorOnly)).toEqual(rules[0]);
  });
  it('a tenant rule applies only in its tenant', () => {
    expect(findMatchingRule(index, 'document:edit', 'acme', eng)).toEqual(rules[4]);
    expect(findMatchingRule(index, 'document:edit', 'other', eng)).toBeUndefined();
  });
  it('only the rules of the asked permission are looked at, and only TRUE matches', () => {
    expect(findMatchingRule(index, 'document:delete', 'acme', eng)).toBeUndefined();
    expect(findMatchingRule(index, 'document:read', 'acme', input({ user: { dept: 'eng' } }))).toBeUndefined();
    const owner = input({ userKey: 'bob', resource: { ownerId: 'bob' } });
    expect(findMatchingRule(index, 'document:edit', 'x', owner)).toEqual(rules[3]);
    expect(findMatchingRule(index, 'document:edit', 'x', input({ userKey: 'bob' }))).toBeUndefined();
  });
  it('evaluates each set at most once per call', () => {
    const { sets: spied, calls } = counted(sets);
    const many: ConditionSetRule[] = [];
    for (const u of ['engineers', 'seniors', 'anyone']) {
      for (const t of [undefined, 'acme']) {
        many.push({ userSet: u, permission: 'document:read', resourceSet: 'own-docs', ...(t ? { tenant: t } : {}) });
        many.push({ userSet: u, permission: 'document:read', resourceSet: 'public-docs', ...(t ? { tenant: t } : {}) });
      }
    }
    const spiedIndex = buildConditionRuleIndex(spied, many);
    expect(findMatchingRule(spiedIndex, 'document:read', 'acme', input({ user: { dept: 'eng' } }))).toBeUndefined();
    expect(Object.fromEntries(calls)).toEqual({ engineers: 1, seniors: 1, anyone: 1, 'own-docs': 1, 'public-docs': 1 });
    calls.clear();
    // No rule of the permission applies in this tenant: no set is evaluated at all.
    const acmeOnly = buildConditionRuleIndex(
      spied,
      many.filter((r) => r.tenant === 'acme'),
    );
    expect(findMatchingRule(acmeOnly, 'document:read', 'other', input({ user: { dept: 'eng' } }))).toBeUndefined();
    expect(calls.size).toBe(0);
    expect(findMatchingRule(spiedIndex, 'document:read', 'acme', input({ user: { dept: 'eng' } }))).toBeUndefined();
    expect(Object.fromEntries(calls)).toEqual({ engineers: 1, seniors: 1, anyone: 1, 'own-docs': 1, 'public-docs': 1 });
  });
});

describe('validateConditionSetRule', () => {
  const byKey = new Map(sets.map((s) => [s.set.key, s]));
  it('refuses missing sets, swapped kinds and a permission on another type', () => {
    expectInvalid(
      () =>
        validateConditionSetRule({ userSet: 'nope', permission: 'document:read', resourceSet: 'public-docs' }, byKey),
      '"nope" does not exist',
    );
    expectInvalid(
      () =>
        validateConditionSetRule(
          { userSet: 'public-docs', permission: 'document:read', resourceSet: 'public-docs' },
          byKey,
        ),
      'is not a userset',
    );
    expectInvalid(
      () =>
        validateConditionSetRule({ userSet: 'engineers', permission: 'document:read', resourceSet: 'seniors' }, byKey),
      'is not a resourceset',
    );
    expectInvalid(
      () =>
        validateConditionSetRule(
          { userSet: 'engineers', permission: 'folder:read', resourceSet: 'public-docs' },
          byKey,
        ),
      'holds "document" resources',
    );
    expectInvalid(
      () => validateConditionSetRule({ userSet: 'engineers', permission: 'read', resourceSet: 'public-docs' }, byKey),
      'Invalid permission',
    );
    expect(() =>
      buildConditionRuleIndex(sets, [{ userSet: 'x', permission: 'document:read', resourceSet: 'own-docs' }]),
    ).toThrow('does not exist');
  });
});

describe('index = naive scan (property)', () => {
  const USERSETS: Record<string, unknown> = {
    eng: { 'user.dept': { equals: 'eng' } },
    engOrOps: { 'user.dept': { in: ['eng', 'ops'] } },
    engSenior: { allOf: [{ 'user.level': { 'greater-than': 2 } }, { 'user.dept': { equals: 'eng' } }] },
    lvl3: { 'user.level': { equals: 3 } },
    admin: { 'user.admin': { equals: true } },
    notOps: { not: { 'user.dept': { equals: 'ops' } } },
    anyDept: { anyOf: [{ 'user.dept': { equals: 'eng' } }, { 'user.level': { in: [1, 2] } }] },
    ctx: { 'context.ip': { in: ['a', 'b'] } },
    // The discriminator (dept in …) two allOf levels down, next to a not: the index evaluates the rest only.
    deep: {
      allOf: [
        { allOf: [{ 'user.level': { 'less-than': 4 } }, { 'user.dept': { in: ['ops', 'hr'] } }] },
        { not: { 'user.admin': { equals: true } } },
      ],
    },
  };
  const RESOURCESETS: Record<string, unknown> = {
    pub: { 'resource.public': { equals: true } },
    own: { 'resource.ownerId': { equals: { ref: 'user.key' } } },
    big: { 'resource.size': { 'greater-than': 10 } },
  };
  const compiled = [
    ...Object.entries(USERSETS).map(([key, conditions]) =>
      compileConditionSet({ key, type: 'userset', conditions }, CATALOG),
    ),
    ...Object.entries(RESOURCESETS).map(([key, conditions]) =>
      compileConditionSet({ key, type: 'resourceset', resourceType: 'document', conditions }, CATALOG),
    ),
  ];
  const byKey = new Map(compiled.map((s) => [s.set.key, s]));
  const rule = fc
    .record({
      userSet: fc.constantFrom(...Object.keys(USERSETS)),
      permission: fc.constantFrom('document:read', 'document:edit'),
      resourceSet: fc.constantFrom(...Object.keys(RESOURCESETS)),
      tenant: fc.constantFrom(undefined, 't1', 't2'),
    })
    .map(({ tenant, ...r }): ConditionSetRule => (tenant === undefined ? r : { ...r, tenant }));
  const anyOf = <T>(...v: T[]) => fc.constantFrom(...v);
  const evalInput = fc
    .record({
      dept: anyOf<unknown>('eng', 'ops', 'hr', undefined, 5),
      level: anyOf<unknown>(1, 2, 3, 4, '3', undefined),
      admin: anyOf<unknown>(true, false, 'true', undefined),
      key: anyOf('alice', 'bob'),
      ownerId: anyOf<unknown>('alice', 'bob', undefined),
      public: anyOf<unknown>(true, false, undefined),
      size: anyOf<unknown>(5, 50, undefined),
      ip: anyOf<unknown>('a', 'c', undefined),
    })
    .map((v) =>
      input({
        userKey: v.key,
        user: Object.fromEntries(
          Object.entries({ dept: v.dept, level: v.level, admin: v.admin }).filter(([, x]) => x !== undefined),
        ),
        resource: Object.fromEntries(
          Object.entries({ ownerId: v.ownerId, public: v.public, size: v.size }).filter(([, x]) => x !== undefined),
        ),
        context: v.ip === undefined ? {} : { ip: v.ip },
      }),
    );
  const order = (a: ConditionSetRule, b: ConditionSetRule) =>
    (a.userSet < b.userSet ? -1 : a.userSet > b.userSet ? 1 : 0) ||
    (a.resourceSet < b.resourceSet ? -1 : a.resourceSet > b.resourceSet ? 1 : 0) ||
    (a.tenant === undefined ? 1 : 0) - (b.tenant === undefined ? 1 : 0);
  it('findMatchingRule returns the first match of the documented order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(rule, { maxLength: 25, selector: (r) => JSON.stringify(r) }),
        fc.array(fc.tuple(evalInput, anyOf('document:read', 'document:edit'), anyOf('t1', 't2', 'default')), {
          minLength: 1,
          maxLength: 10,
        }),
        (rules, checks) => {
          const index = buildConditionRuleIndex(compiled, rules);
          const sorted = [...rules].sort(order);
          for (const [i, permission, tenant] of checks) {
            const naive = sorted.find(
              (r) =>
                r.permission === permission &&
                (r.tenant === undefined || r.tenant === tenant) &&
                byKey.get(r.userSet)?.evaluate(i) === 1 &&
                byKey.get(r.resourceSet)?.evaluate(i) === 1,
            );
            expect(findMatchingRule(index, permission, tenant, i)).toEqual(naive);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
  it('same when every userset is discriminated on one path (the index tries only the groups of that value)', () => {
    const dept = ['eng', 'engOrOps', 'engSenior', 'deep'];
    fc.assert(
      fc.property(
        fc.uniqueArray(
          rule.filter((r) => dept.includes(r.userSet)),
          { minLength: 1, maxLength: 12, selector: (r) => JSON.stringify(r) },
        ),
        fc.array(fc.tuple(evalInput, anyOf('document:read', 'document:edit'), anyOf('t1', 't2', 'default')), {
          minLength: 1,
          maxLength: 10,
        }),
        (rules, checks) => {
          const index = buildConditionRuleIndex(compiled, rules);
          const sorted = [...rules].sort(order);
          for (const [i, permission, tenant] of checks) {
            const naive = sorted.find(
              (r) =>
                r.permission === permission &&
                (r.tenant === undefined || r.tenant === tenant) &&
                byKey.get(r.userSet)?.evaluate(i) === 1 &&
                byKey.get(r.resourceSet)?.evaluate(i) === 1,
            );
            expect(findMatchingRule(index, permission, tenant, i)).toEqual(naive);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
  it('usersets with an equals/in discriminator are skipped without evaluation', () => {
    const { sets: spied, calls } = counted(compiled);
    const index = buildConditionRuleIndex(
      spied,
      Object.keys(USERSETS).map((userSet) => ({ userSet, permission: 'document:read', resourceSet: 'pub' })),
    );
    findMatchingRule(index, 'document:read', 'default', input({ user: { dept: 'hr', level: 7 } }));
    // deep's discriminator (dept in [ops, hr]) lets 'hr' through: only its rest is evaluated.
    expect([...calls.keys()].sort()).toEqual(['anyDept', 'deep', 'notOps', 'pub']);
  });
});

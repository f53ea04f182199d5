/**
 * Random policies and resource tables for the differential tests. One
 * generator, driven by any source of integers: a seeded PRNG (fixed seeds)
 * or fast-check's `gen()` (shrinking).
 */
import type { Condition, ConditionSet, ConditionSetRule, PolicySnapshot } from '@permissio/core';

/** An integer in [min, max]. */
export type Rand = (min: number, max: number) => number;

export function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  return (min, max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return min + Math.floor(r * (max - min + 1));
  };
}

function pick<T>(rand: Rand, list: readonly T[]): T {
  return list[rand(0, list.length - 1)] as T;
}

function chance(rand: Rand, percent: number): boolean {
  return rand(0, 99) < percent;
}

export const TYPE = 'doc';
export const ACTIONS = ['read', 'write', 'delete'] as const;
const DEPTS = ['eng', 'ops', 'sales', "o'hara", ''];
const TAGS: readonly (string | number | boolean)[] = ['a', 'b', 'eng', 'x%', 1, 2.5, true, false];
const TIMES = [
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '2024-01-01T02:00:00+02:00',
  '2024-03-15T12:30:00.250Z',
  '2024-06-30T23:59:59Z',
  '2025-01-01T00:00:00-05:00',
  '2023-12-31T19:00:00-05:00',
];
const URI_ROOTS = ['/p/1', '/p/2', '/p/10', '/p/1/f/a', '/P/1', '/p/1%25', '/p/1_x'];

/** Resource row as the app stores it: `undefined` = missing attribute, `null` = null. */
export interface Row {
  key: string;
  uri: string | undefined;
  owner?: string | null;
  level?: number | null;
  public?: boolean | null;
  tags?: (string | number | boolean)[] | null;
  due?: string | null;
  dept?: string | null;
}

export interface World {
  snapshot: PolicySnapshot;
  users: { key: string; tenant: string; context: Record<string, unknown> }[];
  rows: Row[];
}

function maybe<T>(rand: Rand, value: () => T): T | null | undefined {
  const r = rand(0, 9);
  if (r === 0) return undefined;
  if (r === 1) return null;
  return value();
}

export function generateRows(rand: Rand, count: number, users: readonly string[]): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const root = pick(rand, URI_ROOTS);
    const uri = chance(rand, 15) ? undefined : chance(rand, 10) ? root : `${root}/d${i}`;
    const row: Row = { key: `d${i}`, uri };
    const set = <K extends keyof Row>(k: K, v: Row[K] | undefined): void => {
      if (v !== undefined) row[k] = v;
    };
    set(
      'owner',
      maybe(rand, () => pick(rand, users)),
    );
    set(
      'level',
      maybe(rand, () => (chance(rand, 20) ? rand(0, 10) / 2 : rand(0, 5))),
    );
    set(
      'public',
      maybe(rand, () => chance(rand, 50)),
    );
    set(
      'tags',
      maybe(rand, () => [...new Set(Array.from({ length: rand(0, 3) }, () => pick(rand, TAGS)))]),
    );
    set(
      'due',
      maybe(rand, () => pick(rand, TIMES)),
    );
    set(
      'dept',
      maybe(rand, () => pick(rand, DEPTS)),
    );
    rows.push(row);
  }
  return rows;
}

/** A random resourceset condition on `doc` (depth-bounded). */
export function generateCondition(rand: Rand, depth = 0): Condition {
  const r = rand(0, 9);
  if (depth < 3 && r <= 1) {
    const n = rand(0, 3);
    const children = Array.from({ length: n }, () => generateCondition(rand, depth + 1));
    return r === 0 ? { allOf: children } : { anyOf: children };
  }
  if (depth < 3 && r === 2) return { not: generateCondition(rand, depth + 1) };
  return comparison(rand);
}

function comparison(rand: Rand): Condition {
  const time = () => pick(rand, TIMES);
  const list = <T>(make: () => T) => Array.from({ length: rand(0, 3) }, make);
  const options: (() => Condition)[] = [
    () => ({ 'resource.owner': { equals: { ref: 'user.key' } } }),
    () => ({ 'resource.owner': { 'not-equals': { ref: 'user.key' } } }),
    () => ({ 'resource.owner': { in: list(() => `u${rand(0, 9)}`) } }),
    () => ({ 'resource.owner': { 'starts-with': pick(rand, ['u1', 'u', '']) } }),
    () => ({ 'resource.owner': { exists: chance(rand, 50) } }),
    () => ({ 'resource.dept': { equals: { ref: 'user.dept' } } }),
    () => ({ 'resource.dept': { in: { ref: 'user.teams' } } }),
    () => ({ 'resource.dept': { 'not-in': { ref: 'user.teams' } } }),
    () => ({ 'resource.dept': { contains: pick(rand, ['n', "'", '%', '']) } }),
    () => ({ 'resource.dept': { equals: { ref: 'context.dept' } } }),
    () => ({
      'resource.level': {
        [pick(rand, ['greater-than', 'greater-than-equals', 'less-than', 'less-than-equals'])]: rand(0, 5),
      },
    }),
    () => ({ 'resource.level': { 'less-than-equals': { ref: 'user.clearance' } } }),
    () => ({ 'resource.level': { in: list(() => rand(0, 5)) } }),
    () => ({ 'resource.level': { 'not-equals': rand(0, 5) / 2 } }),
    () => ({ 'resource.public': { equals: chance(rand, 50) } }),
    () => ({ 'resource.public': { 'not-equals': { ref: 'user.flag' } } }),
    () => ({ 'resource.tags': { contains: pick(rand, TAGS) } }),
    () => ({ 'resource.tags': { contains: { ref: 'user.dept' } } }),
    () => ({ 'resource.tags': { 'contains-any': list(() => pick(rand, TAGS)) } }),
    () => ({ 'resource.tags': { 'contains-any': { ref: 'user.teams' } } }),
    () => ({ 'resource.tags': { 'contains-all': list(() => pick(rand, TAGS)) } }),
    () => ({ 'resource.tags': { equals: list(() => pick(rand, TAGS)) } }),
    () => ({ 'resource.tags': { exists: chance(rand, 50) } }),
    () => ({ 'resource.due': { [pick(rand, ['greater-than', 'less-than', 'equals', 'not-equals'])]: time() } }),
    () => ({ 'resource.due': { 'greater-than-equals': { ref: 'user.since' } } }),
    () => ({ 'resource.due': { in: list(time) } }),
    () => ({ 'resource.key': { in: list(() => `d${rand(0, 40)}`) } }),
    () => ({ 'resource.key': { 'starts-with': `d${rand(1, 9)}` } }),
    () => ({ 'resource.uri': { 'starts-with': pick(rand, URI_ROOTS) } }),
    () => ({ 'resource.uri': { exists: chance(rand, 50) } }),
    () => ({ 'resource.type': { equals: pick(rand, ['doc', 'folder']) } }),
    () => ({ 'resource.tenant': { equals: pick(rand, ['default', 't2']) } }),
    () => ({ 'context.region': { equals: 'eu' } }),
    () => ({ 'context.level': { 'greater-than': 2 } }),
  ];
  return pick(rand, options)();
}

function userset(rand: Rand): Condition {
  return pick<Condition>(rand, [
    { 'user.key': { exists: true } },
    { 'user.dept': { equals: 'eng' } },
    { 'user.clearance': { 'greater-than-equals': 3 } },
    { 'user.roles': { contains: 'viewer' } },
    { not: { 'user.flag': { equals: true } } },
    { 'context.region': { equals: 'eu' } },
  ]);
}

export function generateWorld(rand: Rand, userCount: number, rowCount: number): World {
  const userKeys = Array.from({ length: userCount }, (_, i) => `u${i}`);
  const rows = generateRows(rand, rowCount, userKeys);
  const keyOf = () => `d${rand(0, rowCount - 1)}`;
  const snapshot: PolicySnapshot = {
    resources: [
      {
        key: TYPE,
        actions: [...ACTIONS],
        attributes: [
          { key: 'owner', type: 'string' },
          { key: 'level', type: 'number' },
          { key: 'public', type: 'bool' },
          { key: 'tags', type: 'array' },
          { key: 'due', type: 'time' },
          { key: 'dept', type: 'string' },
        ],
      },
      { key: 'folder', actions: ['read'] },
    ],
    roles: [
      { key: 'viewer', permissions: ['doc:read'] },
      { key: 'editor', permissions: ['doc:write'], extends: ['viewer'] },
      { key: 'admin', permissions: ['doc:delete'], extends: ['editor'] },
      { key: 'folder-reader', permissions: ['folder:read'] },
    ],
    tenants: [{ key: 't2' }],
    userAttributes: [
      { key: 'dept', type: 'string' },
      { key: 'clearance', type: 'number' },
      { key: 'teams', type: 'array' },
      { key: 'since', type: 'time' },
      { key: 'flag', type: 'bool' },
    ],
    users: [],
    roleAssignments: [],
    grants: [],
    conditionSets: [],
    conditionSetRules: [],
  };
  const users: World['users'] = [];
  for (const key of userKeys) {
    const attributes: Record<string, unknown> = {};
    const put = (k: string, v: unknown): void => {
      if (v !== undefined) attributes[k] = v;
    };
    put(
      'dept',
      maybe(rand, () => pick(rand, DEPTS)),
    );
    put(
      'clearance',
      maybe(rand, () => rand(0, 5)),
    );
    put(
      'teams',
      maybe(rand, () => [...new Set(Array.from({ length: rand(0, 3) }, () => pick(rand, DEPTS)))]),
    );
    put(
      'since',
      maybe(rand, () => pick(rand, TIMES)),
    );
    put(
      'flag',
      maybe(rand, () => chance(rand, 50)),
    );
    snapshot.users?.push({ key, attributes });
    const tenant = chance(rand, 85) ? 'default' : 't2';
    const context: Record<string, unknown> = {};
    if (chance(rand, 50)) context.region = pick(rand, ['eu', 'us']);
    if (chance(rand, 50)) context.dept = pick(rand, DEPTS);
    if (chance(rand, 30)) context.level = rand(0, 5);
    users.push({ key, tenant, context });
    const assignments = rand(0, 4);
    for (let i = 0; i < assignments; i++) {
      const t = chance(rand, 80) ? tenant : tenant === 'default' ? 't2' : 'default';
      const kind = rand(0, 9);
      const role = pick(rand, ['viewer', 'editor', 'admin']);
      if (kind === 0) snapshot.roleAssignments?.push({ user: key, role, tenant: t });
      else if (kind <= 3)
        snapshot.roleAssignments?.push({ user: key, role, tenant: t, resourceInstance: `doc:${keyOf()}` });
      else if (kind === 4) {
        snapshot.roleAssignments?.push({
          user: key,
          role: 'folder-reader',
          tenant: t,
          resourceInstance: `folder:${keyOf()}`,
        });
      } else if (kind <= 6) {
        const uri = pick(rand, [...URI_ROOTS, '/p', '/']);
        snapshot.roleAssignments?.push({ user: key, role, tenant: t, resourceInstance: uri });
      } else {
        const target = chance(rand, 50) ? `doc:${keyOf()}` : pick(rand, URI_ROOTS);
        snapshot.grants?.push({
          user: key,
          tenant: t,
          resourceUri: target,
          permissions: [`doc:${pick(rand, ACTIONS)}`],
        });
      }
    }
  }
  const sets: ConditionSet[] = [];
  const rules: ConditionSetRule[] = [];
  const usersets = rand(1, 3);
  for (let i = 0; i < usersets; i++) sets.push({ key: `us${i}`, type: 'userset', conditions: userset(rand) });
  const resourcesets = rand(1, 4);
  for (let i = 0; i < resourcesets; i++) {
    sets.push({ key: `rs${i}`, type: 'resourceset', resourceType: TYPE, conditions: generateCondition(rand) });
  }
  const seen = new Set<string>();
  const ruleCount = rand(1, 5);
  for (let i = 0; i < ruleCount; i++) {
    const rule: ConditionSetRule = {
      userSet: `us${rand(0, usersets - 1)}`,
      permission: `doc:${pick(rand, ACTIONS)}`,
      resourceSet: `rs${rand(0, resourcesets - 1)}`,
    };
    if (chance(rand, 20)) rule.tenant = pick(rand, ['default', 't2']);
    const id = JSON.stringify(rule);
    if (seen.has(id)) continue;
    seen.add(id);
    rules.push(rule);
  }
  snapshot.conditionSets = sets;
  snapshot.conditionSetRules = rules;
  return { snapshot, users, rows };
}

/**
 * The ABAC bench's policy and requests, generated from a seed (shared by
 * `abac.bench.ts` and the CASL agreement test): 10,000 stored users with
 * `dept` and `level`, five resource types with `ownerId`, `classification`
 * and `size`, 50 usersets (department + minimum level), 50 resourcesets
 * (owner, classification list, size below a bound and not secret) and 500
 * condition set rules. Every condition is expressible in CASL's mongo
 * conditions (see `casl-policy.ts`), and every request passes every
 * attribute with its declared type.
 */
import type { Attributes, CheckResource, ConditionSet, ConditionSetRule, PolicySnapshot } from '@permissio/core';

export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TYPES = ['document', 'folder', 'project', 'report', 'invoice'];
export const ACTIONS = ['read', 'write', 'delete', 'share'];
const DEPTS = Array.from({ length: 25 }, (_, i) => `dept-${i}`);
const CLASSES = ['public', 'internal', 'confidential', 'secret'];

/** One ABAC check: the stored user, the action and the resource with its attributes. */
export interface AbacRequest {
  user: string;
  action: string;
  resource: CheckResource & { attributes: Attributes };
}

export interface AbacBench {
  policy: PolicySnapshot;
  userKeys: readonly string[];
  sets: readonly ConditionSet[];
  rules: readonly ConditionSetRule[];
  /** 10,000 checks, drawn with the same generator. */
  requests: readonly AbacRequest[];
}

export function abacBench(seed = 7, users = 10_000, requests = 10_000): AbacBench {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const userKeys = Array.from({ length: users }, (_, i) => `user-${i}@example.com`);
  const resources = TYPES.map((key) => ({
    key,
    actions: ACTIONS,
    attributes: [
      { key: 'ownerId', type: 'string' as const },
      { key: 'classification', type: 'string' as const },
      { key: 'size', type: 'number' as const },
    ],
  }));
  const sets: ConditionSet[] = [];
  for (let i = 0; i < 50; i++) {
    sets.push({
      key: `us-${i}`,
      type: 'userset',
      conditions: {
        allOf: [
          { 'user.dept': { equals: DEPTS[i % DEPTS.length] as string } },
          { 'user.level': { 'greater-than-equals': 1 + (i % 5) } },
        ],
      },
    });
  }
  for (let i = 0; i < 50; i++) {
    const type = TYPES[i % TYPES.length] as string;
    const conditions =
      i % 3 === 0
        ? { 'resource.ownerId': { equals: { ref: 'user.key' } } }
        : i % 3 === 1
          ? { 'resource.classification': { in: CLASSES.slice(0, 1 + (i % 4)) } }
          : {
              allOf: [
                { 'resource.size': { 'less-than': 1000 * (1 + (i % 7)) } },
                { not: { 'resource.classification': { equals: 'secret' } } },
              ],
            };
    sets.push({ key: `rs-${i}`, type: 'resourceset', resourceType: type, conditions } as ConditionSet);
  }
  const rules = new Map<string, ConditionSetRule>();
  while (rules.size < 500) {
    const resourceSet = sets[50 + Math.floor(rand() * 50)] as ConditionSet;
    const rule = {
      userSet: `us-${Math.floor(rand() * 50)}`,
      permission: `${resourceSet.resourceType}:${pick(ACTIONS)}`,
      resourceSet: resourceSet.key,
    };
    rules.set(JSON.stringify(rule), rule);
  }
  const policy: PolicySnapshot = {
    resources,
    users: userKeys.map((key) => ({ key, attributes: { dept: pick(DEPTS), level: 1 + Math.floor(rand() * 5) } })),
    userAttributes: [
      { key: 'dept', type: 'string' },
      { key: 'level', type: 'number' },
    ],
    conditionSets: sets,
    conditionSetRules: [...rules.values()],
  };
  const checks: AbacRequest[] = Array.from({ length: requests }, () => {
    const user = pick(userKeys);
    return {
      user,
      action: pick(ACTIONS),
      resource: {
        type: pick(TYPES),
        key: `doc-${Math.floor(rand() * 1000)}`,
        attributes: {
          ownerId: rand() < 0.3 ? user : pick(userKeys),
          classification: pick(CLASSES),
          size: Math.floor(rand() * 8000),
        },
      },
    };
  });
  return { policy, userKeys, sets, rules: [...rules.values()], requests: checks };
}

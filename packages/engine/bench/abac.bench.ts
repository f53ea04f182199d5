/**
 * ABAC benchmark: checks through `Permissio.check` on a policy with 10,000
 * users (stored attributes), 100 condition sets and 500 condition set rules,
 * against RBAC tenant-role checks (10,000 users) in the same run,
 * interleaved rounds, best round kept. Every ABAC check has no role, so it
 * misses rules 1–4 and is decided by rule 5 (condition rules).
 * (No CASL comparison: it would need a new dependency.)
 *
 * Run: node --conditions=@permissio/source --import tsx bench/abac.bench.ts
 */
import { Permissio } from '@permissio/core';
import type { CheckResource, ConditionSet, ConditionSetRule, PolicySnapshot } from '@permissio/core';
import { createEngine } from '../src/index.js';

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(7);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

const USERS = 10_000;
const TYPES = ['document', 'folder', 'project', 'report', 'invoice'];
const ACTIONS = ['read', 'write', 'delete', 'share'];
const DEPTS = Array.from({ length: 25 }, (_, i) => `dept-${i}`);
const CLASSES = ['public', 'internal', 'confidential', 'secret'];
const userKeys = Array.from({ length: USERS }, (_, i) => `user-${i}@example.com`);
const resources = TYPES.map((key) => ({
  key,
  actions: ACTIONS,
  attributes: [
    { key: 'ownerId', type: 'string' as const },
    { key: 'classification', type: 'string' as const },
    { key: 'size', type: 'number' as const },
  ],
}));

// 50 usersets (department + level), 50 resourcesets (10 per type: owner, classification, size).
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
const abacPolicy: PolicySnapshot = {
  resources,
  users: userKeys.map((key) => ({ key, attributes: { dept: pick(DEPTS), level: 1 + Math.floor(rand() * 5) } })),
  userAttributes: [
    { key: 'dept', type: 'string' },
    { key: 'level', type: 'number' },
  ],
  conditionSets: sets,
  conditionSetRules: [...rules.values()],
};
const rbacPolicy: PolicySnapshot = {
  resources,
  roles: Array.from({ length: 20 }, (_, i) => ({
    key: `role-${i}`,
    permissions: [`${TYPES[i % 5]}:${ACTIONS[i % 4]}`, `${TYPES[(i + 1) % 5]}:read`],
  })),
  tenants: Array.from({ length: 100 }, (_, i) => ({ key: `tenant-${i}` })),
  users: userKeys.map((key) => ({ key })),
  roleAssignments: userKeys.flatMap((user, i) => [
    { user, role: `role-${i % 20}`, tenant: `tenant-${i % 100}` },
    { user, role: `role-${(i * 7) % 20}`, tenant: `tenant-${(i * 3) % 100}` },
  ]),
};

interface Req {
  user: string;
  action: string;
  resource: string | CheckResource;
  tenant?: string;
}
const abacRequests: Req[] = Array.from({ length: 10_000 }, () => {
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
const rbacRequests: Req[] = Array.from({ length: 10_000 }, (_, n) => ({
  user: userKeys[n % USERS] as string,
  action: pick(ACTIONS),
  resource: pick(TYPES),
  tenant: `tenant-${n % 100}`,
}));

const abac = new Permissio({ pdp: createEngine(abacPolicy) });
const rbac = new Permissio({ pdp: createEngine(rbacPolicy) });

function loop(client: Permissio, requests: readonly Req[]) {
  return async (ms: number): Promise<number> => {
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (const r of requests)
        await client.check(r.user, r.action, r.resource, r.tenant === undefined ? undefined : { tenant: r.tenant });
      ops += requests.length;
      now = performance.now();
    }
    return ops / ((now - start) / 1000);
  };
}
async function share(client: Permissio, requests: readonly Req[]): Promise<number> {
  let allowed = 0;
  for (const r of requests)
    if (await client.check(r.user, r.action, r.resource, r.tenant === undefined ? undefined : { tenant: r.tenant }))
      allowed++;
  return Math.round((100 * allowed) / requests.length);
}

const runs = { rbac: loop(rbac, rbacRequests), abac: loop(abac, abacRequests) };
const best = { rbac: 0, abac: 0 };
await runs.rbac(200);
await runs.abac(200);
for (let round = 0; round < 3; round++) {
  best.rbac = Math.max(best.rbac, await runs.rbac(600));
  best.abac = Math.max(best.abac, await runs.abac(600));
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `ABAC policy: ${USERS.toLocaleString()} users, ${sets.length} condition sets, ${rules.size} rules; RBAC policy: ${USERS.toLocaleString()} users, 20 roles, 100 tenants`,
);
console.log(`allowed: ABAC ${await share(abac, abacRequests)}%, RBAC ${await share(rbac, rbacRequests)}%`);
console.log(`| measure (Permissio.check)        |     checks/s |`);
console.log(`|----------------------------------|--------------|`);
console.log(`| RBAC tenant-role                 | ${fmt(best.rbac).padStart(12)} |`);
console.log(`| ABAC condition rules (rule 5)    | ${fmt(best.abac).padStart(12)} |`);
console.log(
  `ABAC ÷ RBAC: ${(best.abac / best.rbac).toFixed(2)}×   (targets: ≥ 1,000,000/s ${best.abac >= 1e6 ? 'met' : 'MISSED'}; ≥ 0.5× RBAC ${best.abac / best.rbac >= 0.5 ? 'met' : 'MISSED'})`,
);

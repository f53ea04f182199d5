/**
 * ABAC benchmark: checks through `Permissio.check` on a policy with 10,000
 * users (stored attributes), 100 condition sets and 500 condition set rules
 * (`abac-policy.ts`), against, in the same run:
 *  - RBAC tenant-role checks through `Permissio.check` (10,000 users);
 *  - CASL (`@casl/ability` 7) the idiomatic way: per request
 *    `defineAbility((can) => …)` for that user from the same policy, then
 *    `ability.can(action, subject(type, row))` (`casl-policy.ts`).
 * Every ABAC check has no role, so it misses rules 1–4 and is decided by
 * rule 5 (condition rules). Before timing, ours and CASL are compared on
 * 2,000 sampled checks. Timing: interleaved rounds (RBAC, ABAC, CASL), the
 * median round of each is reported, and the ratios are medians of per-round
 * ratios (so a load spike hits both sides of a ratio alike).
 *
 * Run: node --conditions=@permissio/source --import tsx bench/abac.bench.ts [rounds]
 * (RBAC_IN_ORDER=1: RBAC requests in user order, as this bench had them before, for comparison)
 */
import { Permissio } from '@permissio/core';
import type { CheckResource, PolicySnapshot } from '@permissio/core';
import { createEngine } from '../src/index.js';
import { caslUsers, compareWithCasl } from './abac-agreement.js';
import { ACTIONS, abacBench, prng, TYPES } from './abac-policy.js';
import { caslPolicy, caslRow } from './casl-policy.js';

const ROUNDS = Number(process.argv[2] ?? 7);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 3000);
const USERS = 10_000;
const bench = abacBench(7, USERS, 10_000);
const rand = prng(11);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const rbacPolicy: PolicySnapshot = {
  resources: TYPES.map((key) => ({ key, actions: ACTIONS })),
  roles: Array.from({ length: 20 }, (_, i) => ({
    key: `role-${i}`,
    permissions: [`${TYPES[i % 5]}:${ACTIONS[i % 4]}`, `${TYPES[(i + 1) % 5]}:read`],
  })),
  tenants: Array.from({ length: 100 }, (_, i) => ({ key: `tenant-${i}` })),
  users: bench.userKeys.map((key) => ({ key })),
  roleAssignments: bench.userKeys.flatMap((user, i) => [
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
const inOrder: Req[] = Array.from({ length: 10_000 }, (_, n) => ({
  user: bench.userKeys[n % USERS] as string,
  action: pick(ACTIONS),
  resource: pick(TYPES),
  tenant: `tenant-${n % 100}`,
}));
// Visited in random order, like the ABAC requests (users drawn at random): in index order, consecutive checks
// would read neighbouring entries and RBAC alone would get the benefit of the hardware prefetcher.
const RBAC_IN_ORDER = process.env.RBAC_IN_ORDER === '1';
const rbacRequests: Req[] = RBAC_IN_ORDER ? inOrder : shuffle(inOrder);
function shuffle<T>(list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

// Load: the ABAC snapshot into an engine (validation + compiling 100 condition sets + indexing 500 rules).
const loads: number[] = [];
let abacEngine = createEngine(bench.policy);
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  abacEngine = createEngine(bench.policy);
  loads.push(performance.now() - start);
}
const abac = new Permissio({ pdp: abacEngine });
const rbac = new Permissio({ pdp: createEngine(rbacPolicy) });
const casl = caslPolicy(bench.sets, bench.rules);
const users = caslUsers(bench.policy.users ?? []);
const agreement = await compareWithCasl(abac, casl, users, bench.requests.slice(0, 2_000));
const caslRequests = bench.requests.map((r) => ({
  user: users.get(r.user) as NonNullable<ReturnType<typeof users.get>>,
  action: r.action,
  type: r.resource.type,
  row: caslRow(r.resource),
}));

type Loop = (ms: number) => Promise<number>;
function loop(client: Permissio, requests: readonly Req[]): Loop {
  return async (ms) => {
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
const caslLoop: Loop = async (ms) => {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 500; i++) {
      const r = caslRequests[(ops + i) % caslRequests.length] as (typeof caslRequests)[number];
      casl.can(r.user, r.action, r.type, r.row);
    }
    ops += 500;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
};
async function share(client: Permissio, requests: readonly Req[]): Promise<number> {
  let allowed = 0;
  for (const r of requests)
    if (await client.check(r.user, r.action, r.resource, r.tenant === undefined ? undefined : { tenant: r.tenant }))
      allowed++;
  return Math.round((100 * allowed) / requests.length);
}

const runs = { rbac: loop(rbac, rbacRequests), abac: loop(abac, bench.requests), casl: caslLoop };
const rounds = { rbac: [] as number[], abac: [] as number[], casl: [] as number[] };
const ratios = { rbac: [] as number[], casl: [] as number[] };
// Warm-up to steady state (the optimising compiler settles after ~2 s of each loop; measured rounds before that
// read the interpreter/baseline tiers, not the library).
for (let i = 0; i < 2; i++) {
  await runs.rbac(WARMUP_MS / 2);
  await runs.abac(WARMUP_MS / 2);
  await runs.casl(WARMUP_MS / 2);
}
for (let round = 0; round < ROUNDS; round++) {
  const r = await runs.rbac(600);
  const a = await runs.abac(600);
  const c = await runs.casl(600);
  rounds.rbac.push(r);
  rounds.abac.push(a);
  rounds.casl.push(c);
  ratios.rbac.push(a / r);
  ratios.casl.push(a / c);
}
const med = { rbac: median(rounds.rbac), abac: median(rounds.abac), casl: median(rounds.casl) };
const vsRbac = median(ratios.rbac);
const vsCasl = median(ratios.casl);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (label: string, values: readonly number[], m: number) =>
  `| ${label.padEnd(52)} | ${fmt(m).padStart(17)} | ${fmt(Math.min(...values)).padStart(10)}–${fmt(Math.max(...values)).padEnd(10)} |`;
console.log(
  `ABAC policy: ${USERS.toLocaleString()} users, ${bench.sets.length} condition sets, ${bench.rules.length} rules` +
    `; RBAC policy: ${USERS.toLocaleString()} users, 20 roles, 100 tenants`,
);
console.log(`ABAC load (createEngine of the snapshot): ${median(loads).toFixed(0)} ms (median of 5)`);
console.log(
  `allowed: ABAC ${await share(abac, bench.requests)}%, RBAC ${await share(rbac, rbacRequests)}%; ` +
    `CASL agreement on ${agreement.checks.toLocaleString()} sampled checks (${agreement.allowed} allowed): ` +
    `${agreement.disagreements.length} disagreements`,
);
if (agreement.disagreements.length > 0) console.log('first disagreement:', JSON.stringify(agreement.disagreements[0]));
console.log(
  `load average: ${(await import('node:os'))
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}; ${ROUNDS} rounds`,
);
console.log(`| measure                                              | checks/s (median) | rounds (min–max)      |`);
console.log(`|------------------------------------------------------|-------------------|-----------------------|`);
console.log(row(`RBAC tenant-role (Permissio.check)${RBAC_IN_ORDER ? ', users in order' : ''}`, rounds.rbac, med.rbac));
console.log(row('ABAC condition rules, rule 5 (Permissio.check)', rounds.abac, med.abac));
console.log(row('CASL defineAbility per request + ability.can (sync)', rounds.casl, med.casl));
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
console.log(
  `ABAC ÷ RBAC: ${vsRbac.toFixed(2)}×   ABAC ÷ CASL: ${vsCasl.toFixed(1)}×   (median per-round ratios)\n` +
    `targets: ≥ 1,000,000 ABAC checks/s ${verdict(med.abac >= 1e6)}; ≥ 0.5× RBAC ${verdict(vsRbac >= 0.5)}; ` +
    `≥ 2× CASL ${verdict(vsCasl >= 2)}; 0 disagreements ${verdict(agreement.disagreements.length === 0)}`,
);

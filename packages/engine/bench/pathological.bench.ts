/**
 * Pathological policy bench (issue 10, item 3): a chain of up to 10,000
 * roles, each extending the previous, above a role holding 1,000
 * permissions. Reports, at each checkpoint, the heap the policy holds, the
 * latency of creating the next role, of updating the bottom role (which
 * recomputes the whole chain) and of a first check through the top role.
 *
 * Two shapes: "shared" (chain roles add nothing: one closure is shared by
 * all) and "growing" (every chain role also declares one permission of its
 * own, so every closure differs: the worst case for memory).
 *
 * Run: node --conditions=@permissio/source --import tsx bench/pathological.bench.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createEngine } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const BASE = 1000;
const ROLES = 10_000;
const CHECKPOINTS = [100, 1000, 2500, 5000, 7500, 10_000];

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function run(shape: 'shared' | 'growing'): Promise<void> {
  const actions = Array.from({ length: BASE + (shape === 'growing' ? ROLES : 0) }, (_, i) => `a${i}`);
  const before = heapMb();
  const engine = createEngine({
    resources: [{ key: 'doc', actions }],
    roles: [{ key: 'r0', permissions: actions.slice(0, BASE).map((a) => `doc:${a}`) }],
    users: [{ key: 'u' }],
  });
  console.log(`\n${shape}: chain of roles above a role of ${BASE} permissions`);
  console.log('| roles | heap (MB) | create next role (ms) | update bottom role (ms) | first check (ms) |');
  console.log('|------:|----------:|----------------------:|------------------------:|-----------------:|');
  let created = 1;
  for (const target of CHECKPOINTS) {
    while (created < target - 1) {
      const own = shape === 'growing' ? [`doc:a${BASE + created}`] : [];
      await engine.roles.create({ key: `r${created}`, extends: [`r${created - 1}`], permissions: own });
      created++;
    }
    const heap = heapMb() - before;
    const t0 = process.hrtime.bigint();
    const own = shape === 'growing' ? [`doc:a${BASE + created}`] : [];
    await engine.roles.create({ key: `r${created}`, extends: [`r${created - 1}`], permissions: own });
    created++;
    const createMs = ms(t0);
    const t1 = process.hrtime.bigint();
    await engine.roles.removePermission('r0', 'doc:a0');
    await engine.roles.addPermission('r0', 'doc:a0');
    const updateMs = ms(t1) / 2;
    await engine.roleAssignments.assign({ user: 'u', role: `r${created - 1}` });
    const t2 = process.hrtime.bigint();
    const allowed = engine.check({ user: 'u', action: 'a0', resource: 'doc' });
    const checkMs = ms(t2);
    if (!allowed) throw new Error('the top of the chain must hold the bottom role permissions');
    console.log(
      `| ${String(target).padStart(5)} | ${heap.toFixed(1).padStart(9)} | ${createMs.toFixed(3).padStart(21)} | ${updateMs
        .toFixed(2)
        .padStart(23)} | ${checkMs.toFixed(3).padStart(16)} |`,
    );
  }
  const t3 = process.hrtime.bigint();
  const copy = createEngine(engine.exportSync());
  console.log(
    `export → createEngine of ${created} roles: ${ms(t3).toFixed(0)} ms; total heap ${heapMb().toFixed(0)} MB`,
  );
  await copy.close();
}

await run('shared');
await run('growing');

/**
 * Request-scope benchmark over loopback against a real local server.
 *
 * 1. A request that makes 10 checks (5 distinct), through a RequestScope vs.
 *    calling `permissio.check` 10 times naively: PDP calls and wall time.
 * 2. Client overhead per check: `permissio.check` vs. a raw `fetch` of the
 *    same endpoint.
 * 3. Embedded path: `Permissio.check` vs. `engine.check` (checks/s).
 *
 * Run: pnpm --filter @permissio/integration-tests bench
 */
import { Permissio, type FetchFunction } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { startServer } from '@permissio/server';

const TOKEN = 'permis_key_bench_0123456789abcdef';
const PROJECT = 'bench';
const ENV = 'bench';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const RAW_CHECKS = Number(process.env.BENCH_CHECKS ?? 2000);

const policy = {
  resources: [{ key: 'document', actions: ['read', 'write', 'delete'] }],
  roles: [
    { key: 'viewer', permissions: ['document:read'] },
    { key: 'editor', permissions: ['document:write'], extends: ['viewer'] },
  ],
  tenants: [{ key: 'acme' }],
  roleAssignments: Array.from({ length: 100 }, (_, i) => ({
    user: `user-${i}`,
    role: i % 2 ? 'editor' : 'viewer',
    tenant: 'acme',
  })),
};

/** The 10 checks of one request: 5 distinct questions, each asked twice. */
function questions(i: number): [string, { type: string; key: string }][] {
  const distinct: [string, { type: string; key: string }][] = [
    ['read', { type: 'document', key: `doc-${i}` }],
    ['write', { type: 'document', key: `doc-${i}` }],
    ['delete', { type: 'document', key: `doc-${i}` }],
    ['read', { type: 'document', key: `doc-${i + 1}` }],
    ['write', { type: 'document', key: `doc-${i + 1}` }],
  ];
  return [...distinct, ...distinct];
}

function ms(ns: bigint): number {
  return Number(ns) / 1e6;
}

async function main(): Promise<void> {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [{ key: TOKEN, projectId: PROJECT, environmentId: ENV }],
    rateLimits: false,
  });
  let fetchCalls = 0;
  const countingFetch: FetchFunction = (input, init) => {
    fetchCalls++;
    return fetch(input, init);
  };
  const permissio = new Permissio({
    token: TOKEN,
    apiUrl: server.url,
    projectId: PROJECT,
    environmentId: ENV,
    fetch: countingFetch,
  });
  try {
    await permissio.pdp.load(policy);

    // Warm-up (connections, JIT).
    for (let i = 0; i < 50; i++) await permissio.check(`user-${i % 100}`, 'read', 'document', { tenant: 'acme' });

    // ---- 1. scope vs naive
    const runScoped = async (): Promise<{ time: number; calls: number }> => {
      fetchCalls = 0;
      const start = process.hrtime.bigint();
      for (let r = 0; r < REQUESTS; r++) {
        const scope = permissio.createRequestScope({ user: `user-${r % 100}`, tenant: 'acme' });
        // A handler typically asks in two waves (middleware, then handler).
        const q = questions(r);
        await Promise.all(q.slice(0, 5).map(([a, res]) => scope.check(a, res)));
        await Promise.all(q.slice(5).map(([a, res]) => scope.check(a, res)));
      }
      return { time: ms(process.hrtime.bigint() - start), calls: fetchCalls };
    };
    const runNaive = async (): Promise<{ time: number; calls: number }> => {
      fetchCalls = 0;
      const start = process.hrtime.bigint();
      for (let r = 0; r < REQUESTS; r++) {
        const user = `user-${r % 100}`;
        for (const [a, res] of questions(r)) await permissio.check(user, a, res, { tenant: 'acme' });
      }
      return { time: ms(process.hrtime.bigint() - start), calls: fetchCalls };
    };
    const runNaiveParallel = async (): Promise<{ time: number; calls: number }> => {
      fetchCalls = 0;
      const start = process.hrtime.bigint();
      for (let r = 0; r < REQUESTS; r++) {
        const user = `user-${r % 100}`;
        await Promise.all(questions(r).map(([a, res]) => permissio.check(user, a, res, { tenant: 'acme' })));
      }
      return { time: ms(process.hrtime.bigint() - start), calls: fetchCalls };
    };
    await runScoped();
    await runNaive();
    const scoped = await runScoped();
    const naive = await runNaive();
    const naiveParallel = await runNaiveParallel();
    console.log(`\n== ${REQUESTS} requests × 10 checks (5 distinct), loopback to @permissio/server`);
    const row = (name: string, r: { time: number; calls: number }) =>
      console.log(
        `${name.padEnd(34)} PDP calls ${String(r.calls).padStart(6)} (${(r.calls / REQUESTS).toFixed(1)}/request)  ` +
          `wall ${r.time.toFixed(0).padStart(6)} ms (${(r.time / REQUESTS).toFixed(3)} ms/request)`,
      );
    row('RequestScope', scoped);
    row('naive check × 10, sequential', naive);
    row('naive check × 10, Promise.all', naiveParallel);
    console.log(
      `ratio naive/scope: PDP calls ${(naive.calls / scoped.calls).toFixed(1)}×, wall time ${(naive.time / scoped.time).toFixed(1)}× ` +
        `(vs Promise.all: ${(naiveParallel.time / scoped.time).toFixed(1)}×)`,
    );

    // ---- 2. client overhead per check vs raw fetch
    const url = `${server.url}/v1/projects/${PROJECT}/environments/${ENV}/check`;
    const headers = {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      accept: 'application/json',
    };
    const rawFetch = async (): Promise<number> => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < RAW_CHECKS; i++) {
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ user: `user-${i % 100}`, action: 'read', resource: 'document', tenant: 'acme' }),
        });
        const body = (await res.json()) as { allowed: boolean };
        if (body.allowed !== true) throw new Error('unexpected deny');
      }
      return ms(process.hrtime.bigint() - start);
    };
    const client = async (): Promise<number> => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < RAW_CHECKS; i++) {
        if (!(await permissio.check(`user-${i % 100}`, 'read', 'document', { tenant: 'acme' })))
          throw new Error('unexpected deny');
      }
      return ms(process.hrtime.bigint() - start);
    };
    await rawFetch();
    await client();
    const raw: number[] = [];
    const sdk: number[] = [];
    for (let round = 0; round < 3; round++) {
      raw.push(await rawFetch());
      sdk.push(await client());
    }
    const rawBest = Math.min(...raw);
    const sdkBest = Math.min(...sdk);
    console.log(`\n== ${RAW_CHECKS} sequential checks, best of 3`);
    console.log(`raw fetch          ${((rawBest / RAW_CHECKS) * 1000).toFixed(1)} µs/check`);
    console.log(`permissio.check    ${((sdkBest / RAW_CHECKS) * 1000).toFixed(1)} µs/check`);
    console.log(`client overhead    ${(((sdkBest - rawBest) / RAW_CHECKS) * 1000).toFixed(1)} µs/check`);
  } finally {
    await permissio.close();
    await server.close();
  }

  // ---- 3. embedded path
  const engine = createEngine(policy);
  const embedded = new Permissio({ pdp: engine });
  const N = 2_000_000;
  const request = { user: 'user-1', action: 'read', resource: 'document', tenant: 'acme' };
  const bench = async (name: string, fn: () => unknown): Promise<number> => {
    for (let i = 0; i < 200_000; i++) await fn();
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn();
    const rate = N / (ms(process.hrtime.bigint() - start) / 1000);
    console.log(`${name.padEnd(34)} ${(rate / 1e6).toFixed(2)} M checks/s`);
    return rate;
  };
  console.log(`\n== embedded, ${N} sequential awaited checks`);
  const direct = await bench('await engine.check(request)', () => engine.check(request));
  const viaClient = await bench('await permissio.check(...)', () =>
    embedded.check('user-1', 'read', 'document', { tenant: 'acme' }),
  );
  const scope = embedded.createRequestScope({ user: 'user-1', tenant: 'acme' });
  await bench('await scope.check(...) (cached)', () => scope.check('read', 'document'));
  console.log(`Permissio.check / engine.check: ${((viaClient / direct) * 100).toFixed(0)}%`);
}

await main();

/**
 * HTTP throughput of the server over loopback (autocannon, 50 connections),
 * against a bare node:http server answering a constant JSON body.
 *
 *   pnpm --filter @permissio/server bench            # 10 s per run
 *   BENCH_DURATION=3 pnpm --filter @permissio/server bench
 *   BENCH_ROUNDS=3 …                                  # repeat (shared machines are noisy)
 *
 * The servers run in a child process, so the load generator and the server
 * do not share an event loop (2 cores: one each).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BENCH_KEY, BENCH_SCOPE, BULK_CHECKS, SINGLE_CHECK } from './policy.js';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const child = spawn(process.execPath, ['--conditions=@permissio/source', '--import', 'tsx', 'bench/server-child.ts'], {
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  stdio: ['ignore', 'pipe', 'inherit'],
});
const urls = await new Promise<{ server: string; bare: string }>((resolve, reject) => {
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const line = buffer.split('\n').find((l) => l.startsWith('{'));
    if (line) resolve(JSON.parse(line));
  });
  child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
});

const scopePath = `/v1/projects/${BENCH_SCOPE.projectId}/environments/${BENCH_SCOPE.environmentId}`;
const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };

async function run(title: string, url: string, body: unknown) {
  // sanity: one request, and it must be a 200
  const probe = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (probe.status !== 200) throw new Error(`${title}: probe answered ${probe.status} ${await probe.text()}`);
  await probe.text();
  // short warm-up (JIT), then the measured run
  await autocannon({ url, connections, duration: 1, method: 'POST', headers, body: JSON.stringify(body) });
  const result = await autocannon({ url, connections, duration, method: 'POST', headers, body: JSON.stringify(body) });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${title}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { title, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

try {
  console.log(`\nautocannon: ${connections} connections, ${duration} s per run, loopback, server in a child process`);
  for (let round = 1; round <= rounds; round++) {
    // bare, single and bulk back to back in each round, so they see the same machine load
    const bare = await run('bare node:http (constant JSON)', `${urls.bare}/`, SINGLE_CHECK);
    const single = await run('POST check', `${urls.server}${scopePath}/check`, SINGLE_CHECK);
    const bulk = await run(`POST check/bulk (${BULK_CHECKS.length} checks)`, `${urls.server}${scopePath}/check/bulk`, {
      checks: BULK_CHECKS,
    });
    const rows = [
      [bare.title, bare.rps, bare.rps, bare.p50, bare.p99],
      [single.title, single.rps, single.rps, single.p50, single.p99],
      [bulk.title, bulk.rps, bulk.rps * BULK_CHECKS.length, bulk.p50, bulk.p99],
    ] as const;
    console.log(rounds > 1 ? `\nround ${round}/${rounds}\n` : '');
    console.log('| run | requests/s | checks/s | p50 ms | p99 ms |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [title, rps, cps, p50, p99] of rows)
      console.log(`| ${title} | ${fmt(rps)} | ${fmt(cps)} | ${p50} | ${p99} |`);
    const ratio = single.rps / bare.rps;
    const bulkFactor = (bulk.rps * BULK_CHECKS.length) / single.rps;
    console.log(
      `\nserver ÷ bare (single check): ${ratio.toFixed(2)}  (target ≥ 0.5) ${ratio >= 0.5 ? 'OK' : 'BELOW TARGET'}`,
    );
    console.log(
      `bulk-of-50 checks/s ÷ single-check rate: ${bulkFactor.toFixed(1)}×  (target ≥ 20×) ` +
        (bulkFactor >= 20 ? 'OK' : 'BELOW TARGET'),
    );
  }
} finally {
  child.kill('SIGTERM');
}

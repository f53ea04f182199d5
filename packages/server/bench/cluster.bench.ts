/**
 * Scale-out bench: check throughput with 1 and 2 replicas on PostgreSQL
 * against one SQLite server, write latency, and the lag from a write's
 * acknowledgement on replica A to its visibility on replica B.
 *
 *   pnpm --filter @permissio/server bench:cluster     # BENCH_DURATION=3 for a quick run
 *
 * PostgreSQL: PERMISSIO_DATABASE_URL (an empty database), else a throwaway
 * server from the machine's binaries. Every replica is its own process.
 * On a 2-core machine the 1 → 2 replica ratio cannot show scaling (the load
 * generator and both replicas share the same two cores); it shows that a
 * second replica costs no check throughput. See "Running several replicas"
 * in the README for the scaling model.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createTestDatabase, findPostgresBin, startTestPostgres } from '../test/support/postgres.js';
import { BENCH_KEY, BENCH_SCOPE, SINGLE_CHECK } from './policy.js';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const samples = Number(process.env.BENCH_WRITES ?? 300);
const cwd = fileURLToPath(new URL('..', import.meta.url));
const scopePath = `/v1/projects/${BENCH_SCOPE.projectId}/environments/${BENCH_SCOPE.environmentId}`;
const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };

const children: ChildProcess[] = [];
async function replica(database: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--conditions=@permissio/source', '--import', 'tsx', 'bench/replica-child.ts'],
    {
      cwd,
      env: { ...process.env, DATABASE: database },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  return await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
  });
}

async function checksPerSecond(urls: readonly string[]): Promise<number> {
  const body = JSON.stringify(SINGLE_CHECK);
  const per = Math.max(1, Math.round(connections / urls.length));
  const run = (url: string, seconds: number) =>
    autocannon({ url: `${url}${scopePath}/check`, connections: per, duration: seconds, method: 'POST', headers, body });
  await Promise.all(urls.map((u) => run(u, 1)));
  const results = await Promise.all(urls.map((u) => run(u, duration)));
  for (const r of results) if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx, ${r.errors} errors`);
  return results.reduce((sum, r) => sum + r.requests.average, 0);
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  const answer = await fetch(`${url}${scopePath}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await answer.arrayBuffer();
  return answer;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** Sequential writes on `url`: milliseconds from request to acknowledgement. */
async function writeLatency(url: string, prefix: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const answer = await call(url, 'PUT', `/users/${prefix}-${i}`, {});
    if (answer.status !== 200) throw new Error(`write answered ${answer.status}`);
    out.push(performance.now() - started);
  }
  return out;
}

/** A write acknowledged by A, then `fast` checks on B until it answers with the write: milliseconds. */
async function visibilityLag(a: string, b: string): Promise<number[]> {
  const out: number[] = [];
  await call(a, 'PUT', '/resources/lagdoc', { actions: ['read'] });
  await call(a, 'PUT', '/roles/lagreader', { permissions: ['lagdoc:read'] });
  const n = Math.min(samples, 200);
  for (let i = 0; i < n; i++) {
    const user = `lag-${i}`;
    await call(a, 'PUT', `/users/${user}`, {});
    const written = await call(a, 'POST', '/role_assignments', { user, role: 'lagreader' });
    const acknowledged = performance.now();
    if (written.status !== 201) throw new Error(`assign answered ${written.status}`);
    for (;;) {
      const answer = await fetch(`${b}${scopePath}/check`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ user, action: 'read', resource: 'lagdoc', consistency: 'fast' }),
      });
      if (((await answer.json()) as { allowed: boolean }).allowed) break;
    }
    out.push(performance.now() - acknowledged);
  }
  return out;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);

if (!process.env.PERMISSIO_DATABASE_URL && findPostgresBin() === undefined) {
  console.log(
    '\ncluster bench skipped: no PostgreSQL (set PERMISSIO_DATABASE_URL, or install the postgresql package).',
  );
  process.exit(0);
}

let stopPostgres: (() => void) | undefined;
try {
  let serverUrl = process.env.PERMISSIO_DATABASE_URL;
  if (!serverUrl) {
    const pg = await startTestPostgres();
    stopPostgres = () => pg.stop();
    serverUrl = pg.url;
  }
  // One database per setup, so each starts from the same seed.
  const fresh = async () =>
    process.env.PERMISSIO_DATABASE_URL ? serverUrl : await createTestDatabase(serverUrl as string, 'permissio_bench');

  console.log(`\ncluster bench: ${connections} connections in total, ${duration} s per run, every replica a process`);
  const sqlite = await replica(':memory:');
  const sqliteRate = await checksPerSecond([sqlite]);
  const sqliteWrites = await writeLatency(sqlite, 'sqlite');

  const database = await fresh();
  const a = await replica(database);
  const pgOne = await checksPerSecond([a]);
  const b = await replica(database);
  const pgTwo = await checksPerSecond([a, b]);
  const pgWrites = await writeLatency(a, 'pg');
  const lag = await visibilityLag(a, b);

  console.log('\n| setup | checks/s (POST …/check) |');
  console.log('|---|---:|');
  console.log(`| SQLite, 1 server (in memory) | ${fmt(sqliteRate)} |`);
  console.log(`| PostgreSQL, 1 replica | ${fmt(pgOne)} |`);
  console.log(`| PostgreSQL, 2 replicas (load split evenly) | ${fmt(pgTwo)} |`);
  console.log(
    `\n2 replicas ÷ 1 replica: ${(pgTwo / pgOne).toFixed(2)}; PostgreSQL 1 replica ÷ SQLite: ${(pgOne / sqliteRate).toFixed(2)}`,
  );
  console.log(`\n| ${samples} sequential writes | p50 ms | p99 ms |`);
  console.log('|---|---:|---:|');
  console.log(
    `| SQLite in memory (no fsync) | ${ms(percentile(sqliteWrites, 50))} | ${ms(percentile(sqliteWrites, 99))} |`,
  );
  console.log(
    `| PostgreSQL (lock, catch-up, append, commit, NOTIFY) | ${ms(percentile(pgWrites, 50))} | ${ms(percentile(pgWrites, 99))} |`,
  );
  console.log(
    `| commit-to-visible on the other replica (${lag.length} writes, fast checks polled) | ${ms(percentile(lag, 50))} | ${ms(percentile(lag, 99))} |`,
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  stopPostgres?.();
}

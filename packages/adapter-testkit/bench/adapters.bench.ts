/**
 * Adapter overhead benchmark. One run, four servers per framework, each in
 * its own child process (bare route, hand-written floor check,
 * `requirePermission` on the embedded engine, casbin `enforce()`), driven by
 * autocannon (10 connections, short runs) interleaved over several rounds;
 * medians reported. Then, over HTTP to a local `@permissio/server`: PDP calls
 * per request for a protected route whose handler makes 5 more checks
 * (1,000 requests; req/s is requests ÷ elapsed seconds).
 *
 * Ratios are medians of per-round paired ratios (each round runs the four
 * servers back to back), which cancels slow drift in machine load.
 *
 * Env: BENCH_ROUNDS (9), BENCH_DURATION seconds per run (1), BENCH_FRAMEWORKS
 * (express,fastify,hono). `BENCH_QUICK=1` → 3 rounds.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 3 : 9));
const DURATION = Number(process.env.BENCH_DURATION ?? 1);
const FRAMEWORKS = (process.env.BENCH_FRAMEWORKS ?? 'express,fastify,hono').split(',');
const MODES = ['bare', 'floor', 'protected', 'casbin'] as const;
type Mode = (typeof MODES)[number];

const serverScript = fileURLToPath(new URL('./servers.ts', import.meta.url));
const HEADERS = { 'x-user': 'alice', 'x-tenant': 'acme' };

interface Running {
  child: ChildProcess;
  url: string;
}

async function startChild(framework: string, mode: Mode): Promise<Running> {
  const child = fork(serverScript, [framework, mode], {
    execArgv: ['--conditions=@permissio/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${framework}/${mode} server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/documents/doc-1` };
}

async function load(url: string, duration: number): Promise<number> {
  const result = await autocannon({ url, connections: 10, duration, headers: HEADERS });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** `values[index]`, which the caller knows exists. */
function at<T>(values: readonly T[], index: number): T {
  const value = values[index];
  if (value === undefined) throw new Error(`bench: no value at index ${index}`);
  return value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? at(sorted, mid) : (at(sorted, mid - 1) + at(sorted, mid)) / 2;
}

/** The value of `key`, which the caller knows is there. */
function get<V>(map: ReadonlyMap<string, V>, key: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`bench: nothing for ${key}`);
  return value;
}

async function overhead(): Promise<void> {
  const servers = new Map<string, Running>();
  try {
    for (const framework of FRAMEWORKS)
      for (const mode of MODES) servers.set(`${framework}/${mode}`, await startChild(framework, mode));
    // Warm-up: JIT and connection set-up, not measured.
    for (const server of servers.values()) await load(server.url, 1);
    const samples = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const framework of FRAMEWORKS) {
        // Rotate the order each round so no mode always runs first.
        const order = MODES.map((_, i) => at(MODES, (i + round) % MODES.length));
        for (const mode of order) {
          const key = `${framework}/${mode}`;
          const rps = await load(get(servers, key).url, DURATION);
          samples.set(key, [...(samples.get(key) ?? []), rps]);
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
    console.log(`\nAdapter overhead: autocannon, 10 connections, ${ROUNDS} rounds × ${DURATION}s interleaved`);
    console.log('req/s: medians; ratios: medians of per-round paired ratios [min–max]\n');
    console.log(
      '| framework | bare | floor | protected | casbin | protected÷bare | protected÷floor | protected÷casbin |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const framework of FRAMEWORKS) {
      const s = (mode: Mode) => get(samples, `${framework}/${mode}`);
      const ratio = (other: Mode): string => {
        const ratios = s('protected').map((p, i) => p / at(s(other), i));
        return `${median(ratios).toFixed(3)} [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}]`;
      };
      const m = (mode: Mode) => median(s(mode)).toFixed(0);
      console.log(
        `| ${framework} | ${m('bare')} | ${m('floor')} | ${m('protected')} | ${m('casbin')} | ${ratio('bare')} | ${ratio('floor')} | ${ratio('casbin')} |`,
      );
    }
  } finally {
    for (const server of servers.values()) server.child.kill();
  }
}

async function httpCalls(): Promise<void> {
  const { startFixtureServer, httpClient } = await import('../src/clients.js');
  const { default: express } = await import('express');
  const { permissio, requirePermission } = await import('../../express/src/index.js');
  const pdpServer = await startFixtureServer();
  const http = httpClient(pdpServer.url);
  const app = express();
  app.use(permissio({ client: http.client, user: (req) => req.get('x-user'), tenant: (req) => req.get('x-tenant') }));
  app.get(
    '/documents/:id',
    requirePermission('read', (req) => ({ type: 'document', key: req.params.id as string })),
    async (req, res) => {
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((i) => req.permissio.check('read', { type: 'document', key: `doc-${i}-x` })),
      );
      res.json({ results });
    },
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as { port: number };
  try {
    const requests = 1000;
    http.reset();
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/documents/doc-1`,
      connections: 10,
      amount: requests,
      headers: HEADERS,
    });
    if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx responses`);
    // A fixed `amount` run: requests.average is a per-second sample mean (about
    // `amount` when the run takes under a second), so divide by the elapsed time.
    const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
    console.log(`\nOver HTTP to @permissio/server: route check + 5 checks in the handler`);
    console.log(`| requests | PDP HTTP calls | calls per request | elapsed s | req/s |`);
    console.log(`|---:|---:|---:|---:|---:|`);
    console.log(
      `| ${result.requests.total} | ${http.calls()} | ${(http.calls() / requests).toFixed(2)} | ${seconds.toFixed(2)} | ${(result.requests.total / seconds).toFixed(0)} |`,
    );
  } finally {
    server.closeAllConnections();
    server.close();
    await http.close();
    await pdpServer.close();
  }
}

const started = Date.now();
await overhead();
await httpCalls();
console.log(`\n(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);

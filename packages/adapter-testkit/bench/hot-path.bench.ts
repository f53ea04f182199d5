/**
 * Micro-benchmark of the adapters' per-request hot path on the embedded
 * engine, stage by stage (ns per operation): scope creation, `begin`,
 * the engine lookup alone, `begin` + `authorize` to an outcome.
 *
 * Run: `node --conditions=@permissio/source --import tsx bench/hot-path.bench.ts`
 * Env: HOT_PATH_ITERATIONS (200000), HOT_PATH_REPEATS (5; the median is reported),
 * OBSERVE=1 adds the stages with `onDecision` and `serverTiming` set (issue 15).
 */
import { Permissio, type CheckRequest, type Pdp } from '@permissio/core';
import { checkCacheKey } from '@permissio/core/internal';
import { Authorizer } from '@permissio/core/internal';
import { createEngine } from '@permissio/engine';
import { policySnapshot } from '../src/fixture.js';

interface Req {
  headers: Record<string, string>;
  params: { id: string };
}

const N = Number(process.env.HOT_PATH_ITERATIONS ?? 200_000);
const REPEATS = Number(process.env.HOT_PATH_REPEATS ?? 5);
const engine = createEngine(policySnapshot()) as Pdp;
const client = new Permissio({ pdp: engine });
const authorizer = new Authorizer<Req>(
  { client, user: (req) => req.headers['x-user'], tenant: (req) => req.headers['x-tenant'] },
  'bench',
);
const resource = (req: Req) => ({ type: 'document', key: req.params.id });
const req: Req = { headers: { 'x-user': 'alice', 'x-tenant': 'acme' }, params: { id: 'doc-1' } };
const request: CheckRequest = {
  user: 'alice',
  action: 'read',
  resource: { type: 'document', key: 'doc-1' },
  tenant: 'acme',
};

let sink: unknown;

async function measure(name: string, run: () => unknown | Promise<unknown>): Promise<void> {
  const results: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      const value = run();
      // Await only real promises, as an adapter would (a sync answer adds no tick).
      sink = value instanceof Promise ? await value : value;
    }
    results.push(Number(process.hrtime.bigint() - start) / N);
  }
  results.sort((a, b) => a - b);
  console.log(`| ${name} | ${(results[Math.floor(results.length / 2)] ?? Number.NaN).toFixed(0)} |`);
}

/** The outcome of begin + authorize, awaiting only when a stage answered with a promise. */
function beginAndAuthorize(): unknown {
  const context = authorizer.begin(req);
  if (context instanceof Promise) return context.then((c) => authorizer.authorize(c, req, 'read', resource));
  return authorizer.authorize(context, req, 'read', resource);
}

console.log('| stage | ns/op |');
console.log('|---|---:|');
await measure('engine.check (lookup alone)', () => engine.check(request));
await measure('checkCacheKey (fast path)', () =>
  checkCacheKey('alice', 'read', { type: 'document', key: 'doc-1' }, 'acme', undefined),
);
await measure('new Map + set', () => new Map().set('k', true));
await measure('client.createRequestScope', () => client.createRequestScope({ user: 'alice', tenant: 'acme' }));
await measure('authorizer.begin', () => authorizer.begin(req));
await measure('begin + authorize (miss, one lookup)', beginAndAuthorize);
// Issue 15: the cost of observing decisions (only when OBSERVE=1, so the stages above run on any core).
if (process.env.OBSERVE === '1') {
  const observed = new Authorizer<Req>(
    {
      client,
      user: (r) => r.headers['x-user'],
      tenant: (r) => r.headers['x-tenant'],
      onDecision: (event) => {
        sink = event;
      },
    } as never,
    'bench',
  );
  await measure('begin + authorize, onDecision set (no-op listener)', () => {
    const context = observed.begin(req);
    if (context instanceof Promise) return context.then((c) => observed.authorize(c, req, 'read', resource));
    return observed.authorize(context, req, 'read', resource);
  });
  const timed = new Authorizer<Req>(
    {
      client,
      user: (r) => r.headers['x-user'],
      tenant: (r) => r.headers['x-tenant'],
      serverTiming: true,
    } as never,
    'bench',
  );
  await measure('begin + authorize, serverTiming', () => {
    const context = timed.begin(req);
    if (context instanceof Promise) return context.then((c) => timed.authorize(c, req, 'read', resource));
    return timed.authorize(context, req, 'read', resource);
  });
}
const scope = client.createRequestScope({ user: 'alice', tenant: 'acme' });
await measure('scope.check (memoised hit)', () => scope.check('read', { type: 'document', key: 'doc-1' }));
void sink;

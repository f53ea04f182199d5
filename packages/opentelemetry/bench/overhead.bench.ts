/**
 * Observability overhead on the adapters' hot path, A/B in one process
 * (issue 15): a guarded request's `begin` + `authorize` (embedded engine,
 * a miss, one lookup) with nothing set, with a no-op `onDecision`, with a
 * no-op `instrumentation`, and with `permissioTelemetry()` on the
 * OpenTelemetry SDK (`BasicTracerProvider` + `SimpleSpanProcessor` with a
 * no-op exporter, `MeterProvider` without readers); then the same end to end
 * through Hono (`app.request`, a guarded route) unset vs. telemetry.
 *
 * Reported: ns per request (median of interleaved rounds, so load drift hits
 * every variant alike), the ratio to "unset", and bytes allocated per request
 * (heap growth over a GC-free run of synchronous iterations).
 *
 * Run (from packages/opentelemetry):
 *   node --expose-gc --max-semi-space-size=64 --conditions=@permissio/source --import tsx bench/overhead.bench.ts
 * Env: N (50000 per round), ROUNDS (7).
 */
import { getHeapStatistics } from 'node:v8';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  type CheckRequest,
  type Pdp,
  Permissio,
  type PermissioInstrumentation,
  type PolicySnapshot,
} from '@permissio/core';
import { Authorizer, type PermissioAdapterBaseOptions } from '@permissio/core/internal';
import { createEngine } from '@permissio/engine';
import { permissio, requirePermission } from '@permissio/hono';
import { Hono } from 'hono';
import { permissioTelemetry } from '../src/index.js';

const policy = {
  resources: [{ key: 'document', name: 'Document', actions: ['read'] }],
  roles: [{ key: 'viewer', name: 'Viewer', permissions: ['document:read'] }],
  tenants: [{ key: 'acme', name: 'Acme' }],
  users: [{ key: 'alice' }],
  roleAssignments: [{ user: 'alice', role: 'viewer', tenant: 'acme' }],
} as PolicySnapshot;

const N = Number(process.env.N ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const gc = (globalThis as { gc?: () => void }).gc;

interface Req {
  headers: Record<string, string>;
  params: { id: string };
}
const req: Req = { headers: { 'x-user': 'alice', 'x-tenant': 'acme' }, params: { id: 'doc-1' } };
const resource = (r: Req) => ({ type: 'document', key: r.params.id });
const engine = createEngine(policy) as Pdp;
const client = new Permissio({ pdp: engine });
const noopExporter: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const telemetry = () =>
  permissioTelemetry({
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(noopExporter)] }),
    meterProvider: new MeterProvider(),
  });
const noopInstrumentation: PermissioInstrumentation = { start: () => undefined };

function authorizer(extra: Partial<PermissioAdapterBaseOptions<Req>>): Authorizer<Req> {
  return new Authorizer<Req>(
    { client, user: (r) => r.headers['x-user'], tenant: (r) => r.headers['x-tenant'], ...extra },
    'bench',
  );
}

let sink: unknown;
const request: CheckRequest = {
  user: 'alice',
  action: 'read',
  resource: { type: 'document', key: 'doc-1' },
  tenant: 'acme',
};

/** One synchronous request through an Authorizer (the embedded engine answers synchronously). */
function once(a: Authorizer<Req>): unknown {
  const context = a.begin(req);
  if (context instanceof Promise) throw new Error('expected a synchronous begin');
  const outcome = a.authorize(context, req, 'read', resource);
  if (outcome instanceof Promise) throw new Error('expected a synchronous outcome');
  return outcome;
}

/** A request through a registration with `options`. */
function guarded(options: Partial<PermissioAdapterBaseOptions<Req>>): () => unknown {
  const a = authorizer(options);
  return () => once(a);
}

const variants: [string, () => unknown][] = [
  ['engine.check alone (floor)', () => engine.check(request)],
  ['unset', guarded({})],
  [
    'onDecision: no-op',
    guarded({
      onDecision: (event) => {
        sink = event;
      },
    }),
  ],
  ['instrumentation: no-op (start → undefined)', guarded({ instrumentation: noopInstrumentation })],
  ['instrumentation: permissioTelemetry() on the SDK', guarded({ instrumentation: telemetry() })],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeRound(run: () => unknown): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink = run();
  return Number(process.hrtime.bigint() - start) / N;
}

/** Bytes allocated per call: heap growth over `count` calls after a full GC (young generation large enough for none). */
function bytesPerCall(run: () => unknown, count = 2_000): number {
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    gc?.();
    const before = getHeapStatistics().used_heap_size;
    for (let i = 0; i < count; i++) sink = run();
    samples.push((getHeapStatistics().used_heap_size - before) / count);
  }
  return median(samples);
}

// Warm-up: every variant, so the JIT has seen all of them before timing.
for (const [, run] of variants) timeRound(run);
const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of variants) times.get(name)?.push(timeRound(run));
}
const unset = median(times.get('unset') ?? []);
console.log(`N=${N} per round, ${ROUNDS} interleaved rounds, median; bytes: median of 5 × 2,000 after gc()\n`);
console.log('| begin + authorize (embedded, miss) | ns/request | ÷ unset | bytes/request |');
console.log('|---|---:|---:|---:|');
for (const [name, run] of variants) {
  const ns = median(times.get(name) ?? []);
  const bytes = gc === undefined ? Number.NaN : bytesPerCall(run);
  console.log(`| ${name} | ${ns.toFixed(0)} | ${(ns / unset).toFixed(3)} | ${bytes.toFixed(0)} |`);
}

// End to end through Hono (app.request: routing, context, Response), unset vs. telemetry.
function honoApp(extra: { instrumentation?: PermissioInstrumentation }): Hono {
  const app = new Hono();
  app.use('*', permissio({ client, user: (c) => c.req.header('x-user'), tenant: () => 'acme', ...extra }));
  app.get(
    '/documents/:id',
    requirePermission('read', (c) => ({ type: 'document', key: c.req.param('id') ?? '' })),
    (c) => c.text('ok'),
  );
  return app;
}
const apps: [string, Hono][] = [
  ['unset', honoApp({})],
  ['permissioTelemetry() on the SDK', honoApp({ instrumentation: telemetry() })],
];
const M = Math.max(1, Math.floor(N / 10));
async function honoRound(app: Hono): Promise<number> {
  const init = { headers: { 'x-user': 'alice' } };
  const start = process.hrtime.bigint();
  for (let i = 0; i < M; i++) {
    const response = await app.request('/documents/doc-1', init);
    if (response.status !== 200) throw new Error(`status ${response.status}`);
  }
  return Number(process.hrtime.bigint() - start) / M;
}
for (const [, app] of apps) await honoRound(app);
const honoTimes = new Map<string, number[]>(apps.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, app] of apps) honoTimes.get(name)?.push(await honoRound(app));
}
const honoUnset = median(honoTimes.get('unset') ?? []);
console.log(`\n| Hono app.request, guarded route (${M} per round) | ns/request | ÷ unset | + ns/request |`);
console.log('|---|---:|---:|---:|');
for (const [name] of apps) {
  const ns = median(honoTimes.get(name) ?? []);
  console.log(`| ${name} | ${ns.toFixed(0)} | ${(ns / honoUnset).toFixed(3)} | ${(ns - honoUnset).toFixed(0)} |`);
}
void sink;

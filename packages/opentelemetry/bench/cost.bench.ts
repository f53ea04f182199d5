/**
 * Cost per decision of `permissioTelemetry()` with the SDK and a no-op
 * exporter, against no listener (embedded engine, `client.check`).
 * Run: `node --conditions=@permissio/source --import tsx bench/cost.bench.ts`
 */
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Permissio, type PolicySnapshot } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { permissioTelemetry } from '../src/index.js';

const policy = {
  resources: [{ key: 'document', name: 'Document', actions: ['read'] }],
  roles: [{ key: 'viewer', name: 'Viewer', permissions: ['document:read'] }],
  tenants: [{ key: 'acme', name: 'Acme' }],
  users: [{ key: 'alice' }],
  roleAssignments: [{ user: 'alice', role: 'viewer', tenant: 'acme' }],
} as PolicySnapshot;

const noop: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const N = Number(process.env.N ?? 100_000);

async function measure(name: string, client: Permissio): Promise<void> {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await client.check('alice', 'read', 'document', { tenant: 'acme' });
    runs.push(Number(process.hrtime.bigint() - start) / N);
  }
  runs.sort((a, b) => a - b);
  console.log(`| ${name} | ${(runs[2] ?? 0).toFixed(0)} |`);
}

console.log('| client.check | ns/op |');
console.log('|---|---:|');
await measure('no listener', new Permissio({ pdp: createEngine(policy) }));
await measure(
  'permissioTelemetry (SDK, no-op exporter)',
  new Permissio({
    pdp: createEngine(policy),
    instrumentation: permissioTelemetry({
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(noop)] }),
      meterProvider: new MeterProvider(),
    }),
  }),
);

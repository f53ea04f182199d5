/**
 * `permissioTelemetry()` with the OpenTelemetry SDK's in-memory exporters
 * (issue 15 item 5): span names, attributes, parent/child under the active
 * request span (AsyncLocalStorage context manager), metric values.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Permissio, type PolicySnapshot } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTES, METRICS, permissioTelemetry, SPAN_NAMES } from '../src/index.js';

function policy(): PolicySnapshot {
  return {
    resources: [{ key: 'document', name: 'Document', actions: ['read', 'write'] }],
    roles: [{ key: 'viewer', name: 'Viewer', permissions: ['document:read'] }],
    tenants: [{ key: 'acme', name: 'Acme' }],
    users: [{ key: 'alice' }],
    roleAssignments: [{ user: 'alice', role: 'viewer', tenant: 'acme' }],
  } as PolicySnapshot;
}

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 60_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const permissio = new Permissio({
    pdp: createEngine(policy()),
    onDecision: permissioTelemetry({ tracerProvider, meterProvider }),
  });
  const requestTracer = tracerProvider.getTracer('test-framework');
  return { exporter, reader, permissio, requestTracer };
}

describe('permissioTelemetry', () => {
  it('records one span per decision, a child of the active request span, with the documented attributes', async () => {
    const { exporter, permissio, requestTracer } = setup();
    const requestSpan = requestTracer.startSpan('GET /documents/:id');
    await context.with(trace.setSpan(context.active(), requestSpan), async () => {
      // A batching scope answers in a later microtask: the context must follow the promise.
      const scope = permissio.createRequestScope({ user: 'alice', tenant: 'acme', batching: true });
      await Promise.all([scope.check('read', 'document'), scope.check('write', 'document')]);
      await scope.check('read', 'document');
      await scope.checkDetailed('write', { type: 'document', key: 'd1' });
    });
    requestSpan.end();

    const spans = exporter.getFinishedSpans().filter((s) => s.name.startsWith('permissio.'));
    expect(spans.map((s) => [s.name, s.attributes[ATTRIBUTES.action], s.attributes[ATTRIBUTES.cacheHit]])).toEqual([
      [SPAN_NAMES.bulkCheck, 'read', false],
      [SPAN_NAMES.bulkCheck, 'write', false],
      [SPAN_NAMES.check, 'read', true],
      [SPAN_NAMES.check, 'write', false],
    ]);
    for (const span of spans) {
      expect(span.parentSpanContext?.spanId).toBe(requestSpan.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(requestSpan.spanContext().traceId);
      expect(span.attributes[ATTRIBUTES.resourceType]).toBe('document');
      expect(span.attributes[ATTRIBUTES.tenant]).toBe('acme');
      expect(span.attributes[ATTRIBUTES.user]).toBeUndefined();
    }
    expect(spans.map((s) => s.attributes[ATTRIBUTES.decision])).toEqual(['allow', 'deny', 'allow', 'deny']);
    expect(spans[3]?.attributes[ATTRIBUTES.reason]).toBe('no_matching_grant');
  });

  it('counts decisions and records durations', async () => {
    const { reader, permissio } = setup();
    await permissio.check('alice', 'read', 'document', { tenant: 'acme' });
    await permissio.check('alice', 'read', 'document', { tenant: 'acme' });
    await permissio.check('alice', 'write', 'document', { tenant: 'acme' });
    const scope = permissio.createRequestScope({ user: 'alice', tenant: 'acme' });
    await scope.check('read', 'document');
    await scope.check('read', 'document');

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const byName = (name: string) => all.find((m) => m.descriptor.name === name);
    const decisions = byName(METRICS.decisions);
    const points = (decisions?.dataPoints ?? []).map((p) => [
      p.attributes[ATTRIBUTES.decision],
      p.attributes[ATTRIBUTES.source],
      p.value,
    ]);
    expect(points).toEqual(
      expect.arrayContaining([
        ['allow', 'pdp', 3],
        ['deny', 'pdp', 1],
        ['allow', 'cache', 1],
      ]),
    );
    expect(points).toHaveLength(3);
    const duration = byName(METRICS.decisionDuration);
    const counts = (duration?.dataPoints ?? []).map((p) => (p.value as { count: number }).count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    const pdp = byName(METRICS.pdpDuration);
    expect((pdp?.dataPoints ?? []).map((p) => (p.value as { count: number }).count)).toEqual([4]);
    expect(pdp?.descriptor.unit).toBe('ms');
  });

  it('recordUser puts the user key on spans; spans: false records none', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const client = new Permissio({
      pdp: createEngine(policy()),
      onDecision: permissioTelemetry({ tracerProvider, recordUser: true, metrics: false }),
    });
    await client.check('alice', 'read', 'document', { tenant: 'acme' });
    expect(exporter.getFinishedSpans()[0]?.attributes[ATTRIBUTES.user]).toBe('alice');

    const none = new InMemorySpanExporter();
    const silent = new Permissio({
      pdp: createEngine(policy()),
      onDecision: permissioTelemetry({
        tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(none)] }),
        spans: false,
        metrics: false,
      }),
    });
    expect(await silent.check('alice', 'read', 'document', { tenant: 'acme' })).toBe(true);
    expect(none.getFinishedSpans()).toEqual([]);
  });
});

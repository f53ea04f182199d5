/**
 * The OpenTelemetry SDK with in-memory exporters for the framework tests:
 * an AsyncLocalStorage context manager (as the Node SDK installs), a tracer
 * provider exporting to memory, a meter provider read on demand, a policy,
 * and what the tests assert on (spans by trace, metric points).
 */
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { PolicySnapshot } from '@permissio/core';
import { afterAll, beforeAll } from 'vitest';
import { ATTRIBUTES, METRICS, permissioTelemetry } from '../../src/index.js';

/** alice: viewer in acme (reads documents); bob: nothing. */
export function policy(): PolicySnapshot {
  return {
    resources: [{ key: 'document', name: 'Document', actions: ['read', 'write'] }],
    roles: [{ key: 'viewer', name: 'Viewer', permissions: ['document:read'] }],
    tenants: [{ key: 'acme', name: 'Acme' }],
    users: [{ key: 'alice' }, { key: 'bob' }],
    roleAssignments: [{ user: 'alice', role: 'viewer', tenant: 'acme' }],
  } as PolicySnapshot;
}

/** Installs the AsyncLocalStorage context manager for the file's tests. */
export function useContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    context.disable();
  });
}

export interface Telemetry {
  readonly exporter: InMemorySpanExporter;
  readonly reader: PeriodicExportingMetricReader;
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly instrumentation: ReturnType<typeof permissioTelemetry>;
  /** Starts the framework's request span (what HTTP instrumentation would do). */
  requestSpan(name: string): Span;
}

export function telemetry(): Telemetry {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const tracer = tracerProvider.getTracer('test-http-server');
  return {
    exporter,
    reader,
    tracerProvider,
    meterProvider,
    instrumentation: permissioTelemetry({ tracerProvider, meterProvider }),
    requestSpan: (name) => tracer.startSpan(name, undefined, context.active()),
  };
}

/** Runs `fn` with `span` active. */
export function withSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** A span's summary: name, then the listed attributes (undefined when absent). */
export function summary(span: ReadableSpan, keys: readonly string[]): unknown[] {
  return [span.name, ...keys.map((key) => span.attributes[key])];
}

/**
 * The finished spans grouped by request: for each request span (by start
 * order), the Permissio spans whose parent it is, in start order.
 */
export function byRequest(exporter: InMemorySpanExporter, requestPrefix: string) {
  const spans = exporter.getFinishedSpans();
  const requests = spans
    .filter((s) => s.name.startsWith(requestPrefix))
    .sort((a, b) => hrtimeMs(a.startTime) - hrtimeMs(b.startTime));
  return requests.map((request) => ({
    request,
    children: spans
      .filter((s) => s.parentSpanContext?.spanId === request.spanContext().spanId)
      .sort((a, b) => hrtimeMs(a.startTime) - hrtimeMs(b.startTime)),
  }));
}

function hrtimeMs([seconds, nanos]: [number, number]): number {
  return seconds * 1e3 + nanos / 1e6;
}

/** The standard summary keys of a check span. */
export const CHECK_KEYS = [
  ATTRIBUTES.action,
  ATTRIBUTES.resourceType,
  ATTRIBUTES.decision,
  ATTRIBUTES.cacheHit,
  ATTRIBUTES.source,
  ATTRIBUTES.httpRoute,
] as const;

/** The metric points, as `{name: [[attribute values…, value]]}` (histograms give their count). */
export async function metricPoints(reader: PeriodicExportingMetricReader): Promise<Record<string, unknown[][]>> {
  const { resourceMetrics } = await reader.collect();
  const out: Record<string, unknown[][]> = {};
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const points = (metric.dataPoints as DataPoint<number | Histogram>[]).map((p) => {
        const labels = Object.keys(p.attributes)
          .sort()
          .map((k) => `${k}=${String(p.attributes[k])}`);
        return [...labels, typeof p.value === 'number' ? p.value : p.value.count];
      });
      out[metric.descriptor.name] = points.sort((a, b) => String(a).localeCompare(String(b)));
    }
  }
  return out;
}

/**
 * The metrics every framework test expects after its sequence: 1 allowed
 * read (guard), its cached re-check in the handler, 1 denied read (guard),
 * 1 allowed read (guard) of the list route and its plan.
 */
export const EXPECTED_METRICS = {
  [METRICS.decisions]: [
    ['permissio.decision=allow', 'permissio.source=cache', 1],
    ['permissio.decision=allow', 'permissio.source=pdp', 2],
    ['permissio.decision=deny', 'permissio.source=pdp', 1],
  ],
  [METRICS.decisionDuration]: [
    ['permissio.source=cache', 1],
    ['permissio.source=pdp', 3],
  ],
  [METRICS.pdpDuration]: [
    ['permissio.operation=check', 3],
    ['permissio.operation=plan', 1],
  ],
};

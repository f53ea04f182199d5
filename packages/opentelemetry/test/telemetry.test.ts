/**
 * `permissioTelemetry()` on the client and its request scopes, with the
 * OpenTelemetry SDK's in-memory exporters: span names and attributes of
 * checks, micro-batches, bulk checks, explained checks and plans, their
 * parent (the active span), failures, metric values, and the options.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type CheckRequest, Permissio, type Pdp } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTES, METRICS, permissioTelemetry, SPAN_NAMES } from '../src/index.js';
import { metricPoints, policy, telemetry, useContextManager, withSpan } from './support/otel.js';

useContextManager();

const permissioSpans = (exporter: InMemorySpanExporter) =>
  exporter.getFinishedSpans().filter((s) => s.name.startsWith('permissio.'));

describe('permissioTelemetry', () => {
  it('a batching scope: one check span per check, one bulk_check span for the PDP call, all under the request span', async () => {
    const t = telemetry();
    const permissio = new Permissio({ pdp: createEngine(policy()), instrumentation: t.instrumentation });
    const requestSpan = t.requestSpan('GET /documents/:id');
    await withSpan(requestSpan, async () => {
      const scope = permissio.createRequestScope({ user: 'alice', tenant: 'acme', batching: true });
      await Promise.all([scope.check('read', 'document'), scope.check('write', 'document')]);
      await scope.check('read', 'document');
      await scope.checkDetailed('write', { type: 'document', key: 'd1' });
    });
    requestSpan.end();

    const spans = permissioSpans(t.exporter);
    expect(
      spans.map((s) => [
        s.name,
        s.attributes[ATTRIBUTES.action],
        s.attributes[ATTRIBUTES.decision],
        s.attributes[ATTRIBUTES.cacheHit],
        s.attributes[ATTRIBUTES.source],
      ]),
    ).toEqual([
      // The bulk call ends before the checks it answers.
      [SPAN_NAMES.bulk_check, undefined, undefined, undefined, undefined],
      [SPAN_NAMES.check, 'read', 'allow', false, 'batch'],
      [SPAN_NAMES.check, 'write', 'deny', false, 'batch'],
      [SPAN_NAMES.check, 'read', 'allow', true, 'cache'],
      [SPAN_NAMES.check, 'write', 'deny', false, 'pdp'],
    ]);
    const bulk = spans[0];
    expect(bulk?.attributes[ATTRIBUTES.bulkSize]).toBe(2);
    expect(bulk?.attributes[ATTRIBUTES.bulkAllowed]).toBe(1);
    for (const span of spans) {
      expect(span.parentSpanContext?.spanId).toBe(requestSpan.spanContext().spanId);
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes[ATTRIBUTES.user]).toBeUndefined();
    }
    expect(spans[4]?.attributes[ATTRIBUTES.reason]).toBe('no_matching_grant');
    expect(spans[4]?.attributes[ATTRIBUTES.detailed]).toBe(true);
    expect(spans[1]?.attributes[ATTRIBUTES.tenant]).toBe('acme');
  });

  it('client checks, bulkCheck and plan: spans and exact metric values', async () => {
    const t = telemetry();
    const permissio = new Permissio({ pdp: createEngine(policy()), instrumentation: t.instrumentation });
    const checks: CheckRequest[] = [
      { user: 'alice', action: 'read', resource: 'document', tenant: 'acme' },
      { user: 'bob', action: 'read', resource: 'document', tenant: 'acme' },
      { user: 'alice', action: 'write', resource: 'document', tenant: 'acme' },
    ];
    await permissio.check('alice', 'read', 'document', { tenant: 'acme' });
    await permissio.check('alice', 'write', 'document', { tenant: 'acme' });
    expect(await permissio.bulkCheck(checks)).toEqual([true, false, false]);
    expect((await permissio.plan('bob', 'read', 'document', { tenant: 'acme' })).kind).toBe('never');
    const scope = permissio.createRequestScope({ user: 'alice', tenant: 'acme' });
    await scope.plan('read', 'document');
    await scope.plan('read', 'document');

    const spans = permissioSpans(t.exporter);
    expect(spans.map((s) => [s.name, s.attributes[ATTRIBUTES.planKind], s.attributes[ATTRIBUTES.cacheHit]])).toEqual([
      [SPAN_NAMES.check, undefined, false],
      [SPAN_NAMES.check, undefined, false],
      [SPAN_NAMES.bulk_check, undefined, undefined],
      [SPAN_NAMES.plan, 'never', false],
      [SPAN_NAMES.plan, 'always', false],
      [SPAN_NAMES.plan, 'always', true],
    ]);
    expect(spans[2]?.attributes[ATTRIBUTES.bulkSize]).toBe(3);
    expect(spans[2]?.attributes[ATTRIBUTES.bulkAllowed]).toBe(1);
    // No active span: each is a root.
    for (const span of spans) expect(span.parentSpanContext).toBeUndefined();

    expect(await metricPoints(t.reader)).toEqual({
      [METRICS.decisions]: [
        ['permissio.decision=allow', 'permissio.source=batch', 1],
        ['permissio.decision=allow', 'permissio.source=pdp', 1],
        ['permissio.decision=deny', 'permissio.source=batch', 2],
        ['permissio.decision=deny', 'permissio.source=pdp', 1],
      ],
      [METRICS.decisionDuration]: [
        ['permissio.source=batch', 3],
        ['permissio.source=pdp', 2],
      ],
      [METRICS.pdpDuration]: [
        ['permissio.operation=bulk_check', 1],
        ['permissio.operation=check', 2],
        ['permissio.operation=plan', 2],
      ],
    });
  });

  it('a failed PDP call: span status ERROR with error.type, counted in pdp.duration, no decision', async () => {
    const t = telemetry();
    const engine = createEngine(policy());
    const failing: Pdp = Object.assign(Object.create(engine) as Pdp, {
      check: () => Promise.reject(Object.assign(new Error('PDP down'), { code: 'NETWORK_ERROR' })),
    });
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (message: string) => errors.push(message) };
    const permissio = new Permissio({ pdp: failing, instrumentation: t.instrumentation, throwOnError: false, logger });
    expect(await permissio.check('alice', 'read', 'document', { tenant: 'acme' })).toBe(false);
    expect(errors).toEqual(['[permissio] check failed: PDP down']);
    const [span] = permissioSpans(t.exporter);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'PDP down' });
    expect(span?.attributes[ATTRIBUTES.errorType]).toBe('NETWORK_ERROR');
    expect(span?.attributes[ATTRIBUTES.decision]).toBeUndefined();
    const points = await metricPoints(t.reader);
    expect(points[METRICS.pdpDuration]).toEqual([['error.type=NETWORK_ERROR', 'permissio.operation=check', 1]]);
    expect(points[METRICS.decisions]).toBeUndefined();
  });

  it('recordUser puts the user key on check spans; spans: false records none; a throwing tracer changes nothing', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const client = new Permissio({
      pdp: createEngine(policy()),
      instrumentation: permissioTelemetry({ tracerProvider, recordUser: true, metrics: false }),
    });
    await client.check('alice', 'read', 'document', { tenant: 'acme' });
    expect(exporter.getFinishedSpans()[0]?.attributes[ATTRIBUTES.user]).toBe('alice');

    const none = new InMemorySpanExporter();
    const silent = permissioTelemetry({
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(none)] }),
      spans: false,
      metrics: false,
    });
    expect(silent.start({ kind: 'check', action: 'read', resourceType: 'document' })).toBeUndefined();
    expect(silent.onDecision).toBeUndefined();
    const quiet = new Permissio({ pdp: createEngine(policy()), instrumentation: silent });
    expect(await quiet.check('alice', 'read', 'document', { tenant: 'acme' })).toBe(true);
    expect(none.getFinishedSpans()).toEqual([]);

    const broken = new Permissio({
      pdp: createEngine(policy()),
      instrumentation: {
        start: () => ({
          run: () => {
            throw new Error('tracer bug');
          },
          end: () => {
            throw new Error('tracer bug');
          },
        }),
        onDecision: () => {
          throw new Error('tracer bug');
        },
      },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(await broken.check('alice', 'read', 'document', { tenant: 'acme' })).toBe(true);
    expect(await broken.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(false);
    const scope = broken.createRequestScope({ user: 'alice', tenant: 'acme' });
    expect(await scope.check('read', 'document')).toBe(true);
    expect(await scope.check('write', 'document')).toBe(false);
  });

  it('rejects an instrumentation without start()', () => {
    expect(() => new Permissio({ pdp: createEngine(policy()), instrumentation: {} as never })).toThrow(
      /"instrumentation" must be an object with a start\(operation\) method/,
    );
  });
});

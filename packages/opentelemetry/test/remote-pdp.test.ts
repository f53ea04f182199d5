/**
 * OpenTelemetry against the real local server over loopback (issue 15): a
 * client talking to `@permissio/server` reports one `permissio.http` span
 * (kind CLIENT) per HTTP call, a child of the check, bulk check or plan that
 * made it; a refused call (wrong key) is an ERROR span with its status.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { Permissio, type PolicySnapshot } from '@permissio/core';
import { type PermissioServer, startServer } from '@permissio/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTES, METRICS, SPAN_NAMES } from '../src/index.js';
import { metricPoints, policy, telemetry, useContextManager, withSpan } from './support/otel.js';

useContextManager();

const KEY = 'permis_key_otel_test_0123456789abcdef';
const SCOPE = { projectId: 'proj', environmentId: 'dev' };
let server: PermissioServer;
let port: number;

beforeAll(async () => {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [{ key: KEY, ...SCOPE }],
    rateLimits: false,
    seed: policy() as PolicySnapshot,
  });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.close();
});

const base = `/v1/projects/${SCOPE.projectId}/environments/${SCOPE.environmentId}`;

describe('permissioTelemetry with a remote PDP (HttpPdp → @permissio/server over loopback)', () => {
  it('one permissio.http CLIENT span per HTTP call, under the operation that made it', async () => {
    const t = telemetry();
    const client = new Permissio({ token: KEY, apiUrl: server.url, ...SCOPE, instrumentation: t.instrumentation });
    const requestSpan = t.requestSpan('HTTP GET /documents');
    await withSpan(requestSpan, async () => {
      const scope = client.createRequestScope({ user: 'alice', tenant: 'acme' });
      // Alone in its tick: one check call.
      expect(await scope.check('read', 'document')).toBe(true);
      // Two in one tick: one bulk call.
      expect(
        await Promise.all([scope.check('write', 'document'), scope.check('read', { type: 'document', key: 'd' })]),
      ).toEqual([false, true]);
      expect((await scope.plan('read', 'document')).kind).toBe('always');
    });
    requestSpan.end();
    await client.close();

    const spans = t.exporter.getFinishedSpans();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentName = (s: (typeof spans)[number]) => byId.get(s.parentSpanContext?.spanId ?? '')?.name;
    const http = spans.filter((s) => s.name === SPAN_NAMES.http);
    expect(http.map((s) => [parentName(s), s.attributes[ATTRIBUTES.urlPath]])).toEqual([
      [SPAN_NAMES.check, `${base}/check`],
      [SPAN_NAMES.bulk_check, `${base}/check/bulk`],
      [SPAN_NAMES.plan, `${base}/plan`],
    ]);
    for (const s of http) {
      expect(s.kind).toBe(SpanKind.CLIENT);
      expect(s.attributes[ATTRIBUTES.httpMethod]).toBe('POST');
      expect(s.attributes[ATTRIBUTES.httpStatus]).toBe(200);
      expect(s.attributes[ATTRIBUTES.serverAddress]).toBe('127.0.0.1');
      expect(s.attributes[ATTRIBUTES.serverPort]).toBe(port);
      expect(s.status.code).toBe(SpanStatusCode.UNSET);
      expect(s.spanContext().traceId).toBe(requestSpan.spanContext().traceId);
      // Never the key, in any attribute.
      expect(JSON.stringify(s.attributes)).not.toContain(KEY);
    }
    // The operations hang under the request span; the batched checks are siblings of their bulk call.
    const operations = spans.filter((s) => s.name !== SPAN_NAMES.http && s.name.startsWith('permissio.'));
    expect(operations.map((s) => [s.name, parentName(s), s.attributes[ATTRIBUTES.source]])).toEqual([
      [SPAN_NAMES.check, 'HTTP GET /documents', 'pdp'],
      [SPAN_NAMES.bulk_check, 'HTTP GET /documents', undefined],
      [SPAN_NAMES.check, 'HTTP GET /documents', 'batch'],
      [SPAN_NAMES.check, 'HTTP GET /documents', 'batch'],
      [SPAN_NAMES.plan, 'HTTP GET /documents', undefined],
    ]);
    const points = await metricPoints(t.reader);
    expect(points[METRICS.pdpDuration]).toEqual([
      ['permissio.operation=bulk_check', 1],
      ['permissio.operation=check', 1],
      ['permissio.operation=plan', 1],
    ]);
  });

  it('a refused call: the http span carries the status and ERROR, the check fails with error.type', async () => {
    const t = telemetry();
    const client = new Permissio({
      token: 'permis_key_wrong_0000000000000000',
      apiUrl: server.url,
      ...SCOPE,
      instrumentation: t.instrumentation,
    });
    await expect(client.check('alice', 'read', 'document', { tenant: 'acme' })).rejects.toThrow();
    await client.close();
    const [http, check] = t.exporter.getFinishedSpans();
    expect([http?.name, http?.attributes[ATTRIBUTES.httpStatus], http?.attributes[ATTRIBUTES.errorType]]).toEqual([
      SPAN_NAMES.http,
      401,
      '401',
    ]);
    expect(http?.status.code).toBe(SpanStatusCode.ERROR);
    expect(http?.parentSpanContext?.spanId).toBe(check?.spanContext().spanId);
    expect(check?.name).toBe(SPAN_NAMES.check);
    expect(check?.status.code).toBe(SpanStatusCode.ERROR);
    expect(check?.attributes[ATTRIBUTES.errorType]).toBe('UNAUTHORIZED');
  });
});

/**
 * OpenTelemetry through Hono (issue 15): after a known sequence (allowed,
 * denied, cached, a plan) the spans, their parent (the request span a
 * middleware of the test's own makes active, as HTTP instrumentation would)
 * and the metric values. The registration carries the instrumentation.
 */
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { permissio, requirePermission } from '@permissio/hono';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTES, SPAN_NAMES } from '../src/index.js';
import {
  byRequest,
  CHECK_KEYS,
  EXPECTED_METRICS,
  metricPoints,
  policy,
  summary,
  telemetry,
  useContextManager,
  withSpan,
} from './support/otel.js';

useContextManager();

describe('hono: permissioTelemetry', () => {
  it('makes check and plan spans children of the request span, and counts them', async () => {
    const t = telemetry();
    const client = new Permissio({ pdp: createEngine(policy()) });
    const app = new Hono();
    app.use('*', async (c, next) => {
      const span = t.requestSpan(`HTTP ${c.req.method} ${c.req.path}`);
      try {
        await withSpan(span, next);
      } finally {
        span.end();
      }
    });
    app.use(
      '*',
      permissio({
        client,
        user: (c) => c.req.header('x-user'),
        tenant: () => 'acme',
        instrumentation: t.instrumentation,
      }),
    );
    app.get(
      '/documents/:id',
      requirePermission('read', (c) => ({ type: 'document', key: c.req.param('id') ?? '' })),
      // The guard asked the same question: answered by the request scope's cache.
      async (c) =>
        c.json({ again: await c.get('permissio')?.check('read', { type: 'document', key: c.req.param('id') }) }),
    );
    app.get('/documents', requirePermission('read', 'document'), async (c) =>
      c.json({ plan: (await c.get('permissio')?.plan('read', 'document'))?.kind }),
    );

    const alice = { headers: { 'x-user': 'alice' } };
    expect(await (await app.request('/documents/1', alice)).json()).toEqual({ again: true });
    expect((await app.request('/documents/1', { headers: { 'x-user': 'bob' } })).status).toBe(403);
    expect(await (await app.request('/documents', alice)).json()).toEqual({ plan: 'always' });

    const traces = byRequest(t.exporter, 'HTTP ');
    expect(traces.map(({ request: r, children }) => [r.name, children.map((s) => summary(s, CHECK_KEYS))])).toEqual([
      [
        'HTTP GET /documents/1',
        [
          [SPAN_NAMES.check, 'read', 'document', 'allow', false, 'pdp', '/documents/:id'],
          [SPAN_NAMES.check, 'read', 'document', 'allow', true, 'cache', '/documents/:id'],
        ],
      ],
      ['HTTP GET /documents/1', [[SPAN_NAMES.check, 'read', 'document', 'deny', false, 'pdp', '/documents/:id']]],
      [
        'HTTP GET /documents',
        [
          [SPAN_NAMES.check, 'read', 'document', 'allow', false, 'pdp', '/documents'],
          [SPAN_NAMES.plan, 'read', 'document', undefined, false, undefined, '/documents'],
        ],
      ],
    ]);
    for (const { request: r, children } of traces) {
      for (const span of children) {
        expect(span.spanContext().traceId).toBe(r.spanContext().traceId);
        expect(span.attributes[ATTRIBUTES.httpMethod]).toBe('GET');
      }
    }
    expect(t.exporter.getFinishedSpans().filter((s) => s.name.startsWith('permissio.'))).toHaveLength(5);
    expect(await metricPoints(t.reader)).toEqual(EXPECTED_METRICS);
  });
});

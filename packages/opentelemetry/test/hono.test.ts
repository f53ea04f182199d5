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
import { expectKnownSequence } from './support/known-sequence.js';
import { policy, telemetry, useContextManager, withSpan } from './support/otel.js';

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

    await expectKnownSequence(t);
  });
});

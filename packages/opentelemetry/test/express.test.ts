/**
 * OpenTelemetry through Express (issue 15): after a known sequence (allowed,
 * denied, cached, a plan) the spans, their parent (the request span of a
 * middleware of the test's own, as HTTP instrumentation would make) and the
 * metric values. The registration carries the instrumentation.
 */
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { permissio, requirePermission } from '@permissio/express';
import express, { type Request } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTES } from '../src/index.js';
import { expectKnownSequence } from './support/known-sequence.js';
import { policy, telemetry, useContextManager, withSpan } from './support/otel.js';

useContextManager();

describe('express: permissioTelemetry', () => {
  it('makes check and plan spans children of the request span, and counts them', async () => {
    const t = telemetry();
    const client = new Permissio({ pdp: createEngine(policy()) });
    const app = express();
    app.use((req, res, next) => {
      const span = t.requestSpan(`HTTP ${req.method} ${req.path}`);
      res.on('finish', () => span.end());
      withSpan(span, next);
    });
    app.use(
      permissio({
        client,
        user: (req: Request) => req.get('x-user'),
        tenant: () => 'acme',
        instrumentation: t.instrumentation,
      }),
    );
    app.get(
      '/documents/:id',
      requirePermission('read', (req) => ({ type: 'document', key: String(req.params.id) })),
      async (req, res) => {
        // The guard asked the same question: answered by the request scope's cache.
        res.json({ again: await req.permissio?.check('read', { type: 'document', key: String(req.params.id) }) });
      },
    );
    app.get('/documents', requirePermission('read', 'document'), async (req, res) => {
      res.json({ plan: (await req.permissio?.plan('read', 'document'))?.kind });
    });

    expect((await request(app).get('/documents/1').set('x-user', 'alice')).body).toEqual({ again: true });
    expect((await request(app).get('/documents/1').set('x-user', 'bob')).status).toBe(403);
    expect((await request(app).get('/documents').set('x-user', 'alice')).body).toEqual({ plan: 'always' });

    const traces = await expectKnownSequence(t);
    for (const { children } of traces) {
      for (const span of children) expect(span.attributes[ATTRIBUTES.tenant]).toBe('acme');
    }
    expect(traces[2]?.children[1]?.attributes[ATTRIBUTES.planKind]).toBe('always');
  });
});

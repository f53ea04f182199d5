/**
 * OpenTelemetry through Fastify (issue 15): after a known sequence (allowed,
 * denied, cached, a plan) the spans, their parent (the request span an
 * `onRequest` hook of the test's own makes active, as HTTP instrumentation
 * would) and the metric values. The client carries the instrumentation.
 */
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import permissioPlugin from '@permissio/fastify';
import type { Span } from '@opentelemetry/api';
import Fastify, { type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { expectKnownSequence } from './support/known-sequence.js';
import { policy, telemetry, useContextManager, withSpan } from './support/otel.js';

useContextManager();

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('fastify: permissioTelemetry', () => {
  it('makes check and plan spans children of the request span, and counts them', async () => {
    const t = telemetry();
    const client = new Permissio({ pdp: createEngine(policy()), instrumentation: t.instrumentation });
    const app = Fastify();
    apps.push(app);
    const spans = new WeakMap<FastifyRequest, Span>();
    app.addHook('onRequest', (request, _reply, done) => {
      const span = t.requestSpan(`HTTP ${request.method} ${request.url}`);
      spans.set(request, span);
      withSpan(span, done);
    });
    app.addHook('onResponse', (request, _reply, done) => {
      spans.get(request)?.end();
      done();
    });
    await app.register(permissioPlugin, {
      client,
      user: (request: FastifyRequest) => request.headers['x-user'] as string | undefined,
      tenant: () => 'acme',
    });
    app.get<{ Params: { id: string } }>(
      '/documents/:id',
      {
        config: {
          permission: {
            action: 'read',
            resource: (request: FastifyRequest) => ({
              type: 'document',
              key: (request.params as { id: string }).id,
            }),
          },
        },
      },
      // The guard asked the same question: answered by the request scope's cache.
      async (request) => ({
        again: await request.permissio?.check('read', { type: 'document', key: request.params.id }),
      }),
    );
    app.get('/documents', { config: { permission: { action: 'read', resource: 'document' } } }, async (request) => ({
      plan: (await request.permissio?.plan('read', 'document'))?.kind,
    }));

    const alice = { 'x-user': 'alice' };
    expect((await app.inject({ url: '/documents/1', headers: alice })).json()).toEqual({ again: true });
    expect((await app.inject({ url: '/documents/1', headers: { 'x-user': 'bob' } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/documents', headers: alice })).json()).toEqual({ plan: 'always' });

    await expectKnownSequence(t);
  });
});

/** `onDecision` through Express (issue 15 item 1): the guard's and the handler's decisions, with the route template. */
import express, { type Request } from 'express';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { policySnapshot } from '@permissio/adapter-testkit';
import { Permissio, type DecisionEvent } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { permissio, requirePermission } from '../src/index.js';

const user = (req: Request) => req.get('x-user');
const tenant = (req: Request) => req.get('x-tenant');

function build(onDecision: (e: DecisionEvent) => void, clientEvents?: DecisionEvent[]) {
  const client = new Permissio({
    pdp: createEngine(policySnapshot()),
    ...(clientEvents === undefined ? {} : { onDecision: (e: DecisionEvent) => clientEvents.push(e) }),
  });
  const app = express();
  const router = express.Router();
  app.use(permissio({ client, user, tenant, onDecision }));
  router.get(
    '/documents/:id',
    requirePermission('read', (req) => ({ type: 'document', key: String(req.params.id) })),
    async (req, res) => {
      const canWrite = await req.permissio?.check('write', { type: 'document', key: String(req.params.id) });
      res.json({ canWrite });
    },
  );
  app.use('/api', router);
  return app;
}

describe('express: onDecision', () => {
  it('reports the guard and handler decisions with the route template', async () => {
    const events: DecisionEvent[] = [];
    const clientEvents: DecisionEvent[] = [];
    const app = build((e) => events.push(e), clientEvents);
    const ok = await request(app).get('/api/documents/doc-1').set('x-user', 'bob').set('x-tenant', 'acme');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ canWrite: false });
    expect(events.map((e) => [e.action, e.allowed, e.source])).toEqual([
      ['read', true, 'pdp'],
      ['write', false, 'pdp'],
    ]);
    for (const e of events) {
      expect(e.route).toEqual({ method: 'GET', path: '/api/documents/:id' });
      expect(e).toMatchObject({ user: 'bob', tenant: 'acme', resource: { type: 'document', key: 'doc-1' } });
    }
    // The client's own listener sees the same events.
    expect(clientEvents.map((e) => e.id)).toEqual(events.map((e) => e.id));

    const denied = await request(app).get('/api/documents/doc-1').set('x-user', 'nobody').set('x-tenant', 'acme');
    expect(denied.status).toBe(403);
    expect(events.at(-1)).toMatchObject({ user: 'nobody', allowed: false, route: { path: '/api/documents/:id' } });
  });

  it('a throwing listener changes no response and is logged once', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    const app = express();
    app.use(
      permissio({
        client,
        user,
        tenant,
        logger,
        onDecision: () => {
          throw new Error('boom');
        },
      }),
    );
    app.get('/d/:id', requirePermission('write', 'document'), (_req, res) => {
      res.send('ran');
    });
    const allowed = await request(app).get('/d/1').set('x-user', 'alice').set('x-tenant', 'acme');
    const denied = await request(app).get('/d/1').set('x-user', 'bob').set('x-tenant', 'acme');
    expect([allowed.status, allowed.text, denied.status]).toEqual([200, 'ran', 403]);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('rejects a non-function onDecision at registration', () => {
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    expect(() => permissio({ client, user, onDecision: 'x' as never })).toThrow(/onDecision/);
  });
});

describe('express: serverTiming', () => {
  it('adds Server-Timing with the checks and PDP calls of the request (handler checks included)', async () => {
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    const app = express();
    app.use(permissio({ client, user, tenant, serverTiming: true }));
    app.get('/d/:id', requirePermission('read', 'document'), async (req, res) => {
      await req.permissio?.check('write', 'document');
      await req.permissio?.check('write', 'document');
      res.send('ok');
    });
    app.get('/open', (_req, res) => {
      res.send('open');
    });
    const ok = await request(app).get('/d/1').set('x-user', 'bob').set('x-tenant', 'acme');
    expect(ok.headers['server-timing']).toMatch(/^permissio;dur=\d+(\.\d+)?;desc="3 checks, 2 PDP calls"$/);
    const denied = await request(app).get('/d/1').set('x-user', 'nobody').set('x-tenant', 'acme');
    expect(denied.status).toBe(403);
    expect(denied.headers['server-timing']).toMatch(/desc="1 check, 1 PDP call"$/);
    expect((await request(app).get('/open')).headers['server-timing']).toBeUndefined();
  });

  it('sends no Server-Timing by default', async () => {
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    const app = express();
    app.use(permissio({ client, user, tenant }));
    app.get('/d', requirePermission('read', 'document'), (_req, res) => {
      res.send('ok');
    });
    const ok = await request(app).get('/d').set('x-user', 'bob').set('x-tenant', 'acme');
    expect(ok.status).toBe(200);
    expect(ok.headers['server-timing']).toBeUndefined();
  });
});

describe('express: explainDenials', () => {
  it('a 403 says why: reason, the user roles in the tenant, the closest rule that would allow', async () => {
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    const app = express();
    app.use(permissio({ client, user, tenant, explainDenials: true }));
    app.get(
      '/d/:id',
      requirePermission('write', (req) => ({ type: 'document', key: String(req.params.id) })),
      (_req, res) => {
        res.send('ran');
      },
    );
    const denied = await request(app).get('/d/doc-9').set('x-user', 'bob').set('x-tenant', 'acme');
    expect(denied.status).toBe(403);
    expect(denied.body.why).toEqual({
      reason: 'no_matching_grant',
      permission: 'document:write',
      tenant: 'acme',
      roles: ['viewer'],
      closestRule: { role: 'editor', permission: 'document:write', tenant: 'acme' },
    });
    const allowed = await request(app).get('/d/doc-9').set('x-user', 'alice').set('x-tenant', 'acme');
    expect([allowed.status, allowed.text]).toEqual([200, 'ran']);
  });

  it('is off by default: no why, no reason', async () => {
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    const app = express();
    app.use(permissio({ client, user, tenant }));
    app.get('/d', requirePermission('write', 'document'), (_req, res) => {
      res.send('ran');
    });
    const denied = await request(app).get('/d').set('x-user', 'bob').set('x-tenant', 'acme');
    expect(denied.status).toBe(403);
    expect(denied.body.why).toBeUndefined();
    expect(denied.body.reason).toBeUndefined();
  });
});

/** `onDecision` through Hono (issue 15 item 1): guard and handler decisions, with the route template. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { policySnapshot } from '@permissio/adapter-testkit';
import { Permissio, type DecisionEvent } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { type PermissioHonoOptions, permissio, requirePermission } from '../src/index.js';

/** A Hono app on the embedded engine whose user and tenant come from headers, with the observability option given. */
function guardedApp(options: Pick<PermissioHonoOptions, 'onDecision' | 'serverTiming' | 'explainDenials'>): Hono {
  const app = new Hono();
  app.use(
    '*',
    permissio({
      client: new Permissio({ pdp: createEngine(policySnapshot()) }),
      user: (c) => c.req.header('x-user'),
      tenant: (c) => c.req.header('x-tenant'),
      ...options,
    }),
  );
  return app;
}

describe('hono: onDecision', () => {
  it('reports the guard and handler decisions with the route template', async () => {
    const events: DecisionEvent[] = [];
    const app = guardedApp({ onDecision: (e) => events.push(e) });
    app.get('/documents/:id', requirePermission('read', 'document'), async (c) =>
      c.json({ canWrite: await c.get('permissio')?.check('write', 'document') }),
    );
    const ok = await app.request('/documents/7', { headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect(await ok.json()).toEqual({ canWrite: false });
    const denied = await app.request('/documents/7', { headers: { 'x-user': 'nobody', 'x-tenant': 'acme' } });
    expect(denied.status).toBe(403);
    expect(events.map((e) => [e.user, e.action, e.allowed, e.source])).toEqual([
      ['bob', 'read', true, 'pdp'],
      ['bob', 'write', false, 'pdp'],
      ['nobody', 'read', false, 'pdp'],
    ]);
    for (const e of events) expect(e.route).toEqual({ method: 'GET', path: '/documents/:id' });
  });
});

describe('hono: serverTiming', () => {
  it('adds Server-Timing with the checks and PDP calls of the request', async () => {
    const app = guardedApp({ serverTiming: true });
    app.get('/d', requirePermission('read', 'document'), async (c) => {
      await c.get('permissio')?.check('write', 'document');
      return c.text('ok');
    });
    app.get('/open', (c) => c.text('open'));
    const ok = await app.request('/d', { headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect(ok.headers.get('server-timing')).toMatch(/^permissio;dur=\d+(\.\d+)?;desc="2 checks, 2 PDP calls"$/);
    const denied = await app.request('/d', { headers: { 'x-user': 'nobody', 'x-tenant': 'acme' } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('server-timing')).toMatch(/desc="1 check, 1 PDP call"$/);
    expect((await app.request('/open')).headers.get('server-timing')).toBeNull();
  });
});

describe('hono: explainDenials', () => {
  it('a 403 says why', async () => {
    const app = guardedApp({ explainDenials: true });
    app.get('/d', requirePermission('delete', 'document'), (c) => c.text('ran'));
    const denied = await app.request('/d', { headers: { 'x-user': 'alice', 'x-tenant': 'acme' } });
    expect(denied.status).toBe(403);
    expect((await denied.json()).why).toEqual({
      reason: 'no_matching_grant',
      permission: 'document:delete',
      tenant: 'acme',
      roles: ['editor'],
      closestRule: { role: 'admin', permission: 'document:delete', tenant: 'acme' },
    });
  });
});

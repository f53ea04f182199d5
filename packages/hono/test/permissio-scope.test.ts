/** `permissioScope(c)`: the request scope on a route without a guard, started through the registration. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type DecisionEvent, Permissio, type PermissioError } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { permissio, permissioScope, publicRoute } from '../src/index.js';

const client = new Permissio({
  pdp: createEngine({
    resources: [{ key: 'document', actions: ['read', 'write'] }],
    roles: [{ key: 'reader', permissions: ['document:read'] }],
    tenants: [{ key: 'default' }, { key: 'acme' }],
    users: [{ key: 'alice' }],
    roleAssignments: [{ user: 'alice', role: 'reader', tenant: 'acme' }],
  }),
});

function app(tenant: () => unknown, events: DecisionEvent[] = []) {
  const app = new Hono();
  app.use(
    '*',
    permissio({
      client,
      user: (c) => c.req.header('x-user'),
      tenant: tenant as () => string,
      serverTiming: true,
      onDecision: (event) => {
        events.push(event);
      },
    }),
  );
  app.get('/list', publicRoute(), async (c) => {
    const scope = await permissioScope(c);
    const same = c.get('permissio') === scope;
    const ask = <T>(question: Promise<T> | undefined) =>
      question?.then(
        (answer) => ({ answer }),
        (error: PermissioError) => ({ code: error.code }),
      );
    return c.json({
      same,
      read: await ask(scope?.check('read', 'document')),
      write: await ask(scope?.check('write', 'document')),
      plan: await ask(scope?.plan('read', 'document')),
    });
  });
  return app;
}

describe('permissioScope(c)', () => {
  it('starts the scope with the registration: answers, sets c.get("permissio"), reports decisions', async () => {
    const events: DecisionEvent[] = [];
    const res = await app(() => 'acme', events).request('/list', { headers: { 'x-user': 'alice' } });
    expect(await res.json()).toEqual({
      same: true,
      read: { answer: true },
      write: { answer: false },
      plan: { answer: { kind: 'always' } },
    });
    expect(events.map((e) => [e.action, e.allowed, e.route?.path])).toEqual([
      ['read', true, '/list'],
      ['write', false, '/list'],
    ]);
  });

  it('an async tenant resolver: the scope once it resolved', async () => {
    const res = await app(async () => 'acme').request('/list', { headers: { 'x-user': 'alice' } });
    expect((await res.json()).read).toEqual({ answer: true });
  });

  it('an unresolvable tenant: every question refused, never the default tenant', async () => {
    const res = await app(() => {
      throw new Error('down');
    }).request('/list', { headers: { 'x-user': 'alice' } });
    expect(await res.json()).toMatchObject({
      read: { code: 'TENANT_UNRESOLVED' },
      plan: { code: 'TENANT_UNRESOLVED' },
    });
  });

  it('no user: the scope has none, so check(action, resource) rejects', async () => {
    const res = await app(() => 'acme').request('/list');
    expect((await res.json()).read).toEqual({ code: 'VALIDATION_ERROR' });
  });

  it('undefined without permissio()', async () => {
    const bare = new Hono();
    bare.get('/x', async (c) => c.json({ scope: (await permissioScope(c)) === undefined ? 'none' : 'scope' }));
    expect(await (await bare.request('/x')).json()).toEqual({ scope: 'none' });
  });
});

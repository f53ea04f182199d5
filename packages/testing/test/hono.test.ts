// The README's Hono example, run as written, and the fault switches producing @permissio/hono's 503.
import { Hono } from 'hono';
import { describe, expect, it, onTestFinished } from 'vitest';
import { permissio, requirePermission, type PermissioEnv } from '@permissio/hono';
import { createTestPermissio, FAULTS, type TestPermissio } from '@permissio/testing';
import '@permissio/testing/vitest';

function createApp(client: TestPermissio['client']) {
  const app = new Hono<PermissioEnv>();
  app.use('*', permissio({ client, user: (c) => c.req.header('x-user') }));
  app.get(
    '/documents/:id',
    requirePermission('read', (c) => ({ type: 'document', key: c.req.param('id') })),
    (c) => c.json({ id: c.req.param('id') }),
  );
  return app;
}

describe('Hono: a protected route tested with @permissio/testing', () => {
  it('README: allows alice, denies bob', async () => {
    const testing = createTestPermissio({ allow: [{ user: 'alice', action: 'read', resource: 'document:doc-1' }] });
    onTestFinished(() => testing.close());
    const app = createApp(testing.client);

    expect((await app.request('/documents/doc-1', { headers: { 'x-user': 'alice' } })).status).toBe(200);
    expect((await app.request('/documents/doc-1', { headers: { 'x-user': 'bob' } })).status).toBe(403);
    expect(testing.recorder).toHaveDenied({ user: 'bob', action: 'read', resource: 'document:doc-1' });
  });

  it.each(FAULTS)('README: fault %s → 503, the handler never runs; heal() → 200', async (fault) => {
    const testing = createTestPermissio({ allow: [['alice', 'read', 'document']] });
    onTestFinished(() => testing.close());
    const app = createApp(testing.client);

    testing.fault(fault);
    const down = await app.request('/documents/doc-1', { headers: { 'x-user': 'alice' } });
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(testing.recorder).not.toHaveChecked();

    testing.heal();
    const up = await app.request('/documents/doc-1', { headers: { 'x-user': 'alice' } });
    expect(await up.json()).toEqual({ id: 'doc-1' });
  });
});

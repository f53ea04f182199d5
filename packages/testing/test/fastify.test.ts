// The README's Fastify example, run as written, and the fault switches producing @permissio/fastify's 503.
import Fastify from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import permissioPlugin, { requirePermission } from '@permissio/fastify';
import { createTestPermissio, FAULTS, type TestPermissio } from '@permissio/testing';
import '@permissio/testing/vitest';

async function createApp(client: TestPermissio['client']) {
  const app = Fastify();
  await app.register(permissioPlugin, { client, user: (request) => request.headers['x-user'] as string | undefined });
  app.get(
    '/documents/:id',
    {
      preHandler: requirePermission('read', (request) => ({
        type: 'document',
        key: (request.params as { id: string }).id,
      })),
    },
    async (request) => ({ id: (request.params as { id: string }).id }),
  );
  return app;
}

describe('Fastify: a protected route tested with @permissio/testing', () => {
  it('README: allows alice, denies bob', async () => {
    const testing = createTestPermissio({ allow: [{ user: 'alice', action: 'read', resource: 'document:doc-1' }] });
    const app = await createApp(testing.client);
    onTestFinished(() => Promise.all([app.close(), testing.close()]).then(() => {}));

    const alice = await app.inject({ url: '/documents/doc-1', headers: { 'x-user': 'alice' } });
    const bob = await app.inject({ url: '/documents/doc-1', headers: { 'x-user': 'bob' } });

    expect([alice.statusCode, bob.statusCode]).toEqual([200, 403]);
    expect(testing.recorder).toHaveDenied({ user: 'bob', action: 'read', route: 'GET /documents/:id' });
  });

  it.each(FAULTS)('README: fault %s → 503, the handler never runs; heal() → 200', async (fault) => {
    const testing = createTestPermissio({ allow: [['alice', 'read', 'document']] });
    const app = await createApp(testing.client);
    onTestFinished(() => Promise.all([app.close(), testing.close()]).then(() => {}));

    testing.fault(fault);
    const down = await app.inject({ url: '/documents/doc-1', headers: { 'x-user': 'alice' } });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(testing.recorder).not.toHaveChecked();

    testing.heal();
    const up = await app.inject({ url: '/documents/doc-1', headers: { 'x-user': 'alice' } });
    expect(up.json()).toEqual({ id: 'doc-1' });
  });
});

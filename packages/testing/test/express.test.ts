// The README's Express example, run as written, and the fault switches producing @permissio/express's 503.
import express from 'express';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { permissio, requirePermission } from '@permissio/express';
import { createTestPermissio, FAULTS, type TestPermissio } from '@permissio/testing';
import '@permissio/testing/vitest';

// The app under test, as a user would write it: the client is injected.
function createApp(client: TestPermissio['client']) {
  const app = express();
  app.use(permissio({ client, user: (req) => req.get('x-user') }));
  app.get(
    '/documents/:id',
    requirePermission('read', (req) => ({ type: 'document', key: String(req.params.id) })),
    (req, res) => {
      res.json({ id: req.params.id });
    },
  );
  return app;
}

describe('Express: a protected route tested with @permissio/testing', () => {
  it('README: allows alice, denies bob', async () => {
    const testing = createTestPermissio({ allow: [{ user: 'alice', action: 'read', resource: 'document:doc-1' }] });
    onTestFinished(() => testing.close());
    const app = createApp(testing.client);

    await request(app).get('/documents/doc-1').set('x-user', 'alice').expect(200);
    await request(app).get('/documents/doc-1').set('x-user', 'bob').expect(403);

    expect(testing.recorder).toHaveAllowed({ user: 'alice', action: 'read', resource: 'document:doc-1' });
    expect(testing.recorder).toHaveDenied({ user: 'bob', action: 'read', route: 'GET /documents/:id' });
  });

  it.each(FAULTS)('README: fault %s → 503, the handler never runs; heal() → 200', async (fault) => {
    const testing = createTestPermissio({ allow: [['alice', 'read', 'document']] });
    onTestFinished(() => testing.close());
    const app = createApp(testing.client);

    testing.fault(fault);
    const res = await request(app).get('/documents/doc-1').set('x-user', 'alice').expect(503);
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(res.body.id).toBeUndefined();
    expect(testing.recorder).not.toHaveChecked();

    testing.heal();
    await request(app).get('/documents/doc-1').set('x-user', 'alice').expect(200);
  });
});

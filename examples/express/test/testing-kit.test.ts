// The app's own tests with @permissio/testing: a real client on the embedded engine, the decision recorder and
// the fault switches, through the Express app as it runs (on 127.0.0.1, no PDP server, no token).
import type { AddressInfo } from 'node:net';
import { FAULTS, createTestPermissio } from '@permissio/testing';
import '@permissio/testing/vitest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mintDemoToken } from '@permissio/example-shared/auth';
import { USERS, policy } from '../../shared/policy.js';
import { createApp } from '../src/app.js';

/** Serves the app on a loopback port for this test; `fetch(path, who, init)` asks it with `who`'s token. */
async function serve(testing: ReturnType<typeof createTestPermissio>) {
  const server = createApp({ client: testing.client }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await testing.close();
  });
  const { port } = server.address() as AddressInfo;
  return async (path: string, who: 'alice' | 'bob', init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${await mintDemoToken(who)}`, 'content-type': 'application/json' },
    });
}

describe('express example, tested with @permissio/testing', () => {
  it('records the route decision and the handler’s own checks', async () => {
    const testing = createTestPermissio({ policy });
    const request = await serve(testing);

    const res = await request('/documents/doc-1', 'alice');

    expect(res.status).toBe(200);
    expect(((await res.json()) as { can: unknown }).can).toEqual({ write: true, delete: false, share: false });
    expect(testing.recorder).toHaveAllowed({
      user: USERS.alice.key,
      action: 'read',
      resource: 'document:doc-1',
      route: 'GET /documents/:id',
    });
    expect(testing.recorder).toHaveDenied({ user: USERS.alice.key, action: 'delete', resource: 'document:doc-1' });
  });

  it('from allowed tuples: bob may list the documents of acme, not create one', async () => {
    const testing = createTestPermissio({
      allow: [{ user: USERS.bob.key, action: 'read', resource: 'document', tenant: 'acme' }],
    });
    const request = await serve(testing);

    const list = await request('/documents', 'bob');
    const create = await request('/documents', 'bob', {
      method: 'POST',
      body: JSON.stringify({ title: 'Memo', projectId: 'p1' }),
    });
    expect([list.status, create.status]).toEqual([200, 403]);
    expect(testing.recorder).toHaveDenied({ user: USERS.bob.key, action: 'write', tenant: 'acme' });
  });

  it.each(FAULTS)('the PDP fails (%s) → 503, nothing is served; healed → 200', async (fault) => {
    const testing = createTestPermissio({ policy });
    const request = await serve(testing);

    testing.fault(fault);
    const down = await request('/documents', 'alice');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { documents?: unknown }).documents).toBeUndefined();
    expect(testing.recorder).not.toHaveChecked();

    testing.heal();
    expect((await request('/documents', 'alice')).status).toBe(200);
  });
});

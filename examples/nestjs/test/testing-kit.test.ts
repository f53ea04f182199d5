// The app's own tests with @permissio/testing: a real client on the embedded engine, the decision recorder and
// the fault switches, through the Nest app as it runs (on 127.0.0.1, no PDP server, no token). The app module
// takes its client (AppModule.forRoot({ client })); an app that builds its own would use overridePermissio
// from @permissio/testing/nestjs with @nestjs/testing instead.
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAULTS, createTestPermissio } from '@permissio/testing';
import '@permissio/testing/vitest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mintDemoToken } from '@permissio/example-shared/auth';
import { USERS, policy } from '../../shared/policy.js';
import { createApp } from '../src/app.js';

/** Serves the app on a loopback port for this test; `request(path, who, init)` asks it with `who`'s token. */
async function serve(testing: ReturnType<typeof createTestPermissio>) {
  const app = await createApp({ client: testing.client });
  onTestFinished(async () => {
    await app.close();
    await testing.close();
  });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return async (path: string, who: 'alice' | 'bob', init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${await mintDemoToken(who)}` },
    });
}

describe('nestjs example, tested with @permissio/testing', () => {
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

  it('with allowed tuples on top of the policy: bob may delete doc-4 only', async () => {
    // The app validates its routes against the policy at bootstrap (routeValidation: 'error'): keep the policy.
    const testing = createTestPermissio({
      policy,
      allow: [{ user: USERS.bob.key, action: 'delete', resource: 'document:doc-4', tenant: 'acme' }],
    });
    const request = await serve(testing);

    expect((await request('/documents/doc-4', 'bob', { method: 'DELETE' })).status).toBe(204);
    expect((await request('/documents/doc-1', 'bob', { method: 'DELETE' })).status).toBe(403);
    expect(testing.recorder).toHaveAllowed({ user: USERS.bob.key, action: 'delete', resource: 'document:doc-4' });
    expect(testing.recorder).toHaveDenied({ user: USERS.bob.key, action: 'delete', resource: 'document:doc-1' });
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

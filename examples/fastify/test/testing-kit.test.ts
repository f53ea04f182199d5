// The app's own tests with @permissio/testing: a real client on the embedded engine, the decision recorder and
// the fault switches, through the Fastify app as it runs (inject, no server, no network).
import { FAULTS, createTestPermissio } from '@permissio/testing';
import '@permissio/testing/vitest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mintDemoToken } from '@permissio/example-shared/auth';
import { USERS, policy } from '../../shared/policy.js';
import { createApp } from '../src/app.js';

const headers = async (who: 'alice' | 'bob') => ({ authorization: `Bearer ${await mintDemoToken(who)}` });

async function appOn(testing: ReturnType<typeof createTestPermissio>) {
  const app = await createApp({ client: testing.client });
  onTestFinished(async () => {
    await app.close();
    await testing.close();
  });
  return app;
}

describe('fastify example, tested with @permissio/testing', () => {
  it('records the route decision and the handler’s own checks', async () => {
    const testing = createTestPermissio({ policy });
    const app = await appOn(testing);

    const res = await app.inject({ url: '/documents/doc-1', headers: await headers('alice') });

    expect(res.statusCode).toBe(200);
    expect(res.json().can).toEqual({ write: true, delete: false, share: false });
    expect(testing.recorder).toHaveAllowed({
      user: USERS.alice.key,
      action: 'read',
      resource: 'document:doc-1',
      route: 'GET /documents/:id',
    });
    expect(testing.recorder).toHaveDenied({ user: USERS.alice.key, action: 'delete', resource: 'document:doc-1' });
  });

  it('from allowed tuples: bob may list the documents of acme, not create one', async () => {
    // The plugin checks every route's action against the policy when the app is ready: declare the resource types.
    const testing = createTestPermissio({
      policy: { resources: policy.resources },
      allow: [{ user: USERS.bob.key, action: 'read', resource: 'document', tenant: 'acme' }],
    });
    const app = await appOn(testing);

    const list = await app.inject({ url: '/documents', headers: await headers('bob') });
    const create = await app.inject({
      method: 'POST',
      url: '/documents',
      headers: await headers('bob'),
      payload: { title: 'Memo', projectId: 'p1' },
    });
    expect([list.statusCode, create.statusCode]).toEqual([200, 403]);
    expect(testing.recorder).toHaveDenied({ user: USERS.bob.key, action: 'write', tenant: 'acme' });
  });

  it.each(FAULTS)('the PDP fails (%s) → 503, nothing is served; healed → 200', async (fault) => {
    const testing = createTestPermissio({ policy });
    const app = await appOn(testing);

    testing.fault(fault);
    const down = await app.inject({ url: '/documents', headers: await headers('alice') });
    expect(down.statusCode).toBe(503);
    expect(down.json().documents).toBeUndefined();
    expect(testing.recorder).not.toHaveChecked();

    testing.heal();
    expect((await app.inject({ url: '/documents', headers: await headers('alice') })).statusCode).toBe(200);
  });
});

// The app's own tests with @permissio/testing: a real client on the embedded engine, the decision recorder and
// the fault switches, through the Hono app as it runs (app.request, no server, no network).
import { FAULTS, createTestPermissio } from '@permissio/testing';
import '@permissio/testing/vitest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mintDemoToken } from '@permissio/example-shared/auth';
import { USERS, policy } from '../../shared/policy.js';
import { createApp } from '../src/app.js';

const headers = async (who: 'alice' | 'bob') => ({ authorization: `Bearer ${await mintDemoToken(who)}` });

describe('hono example, tested with @permissio/testing', () => {
  it('records the route decision and the handler’s own checks', async () => {
    const testing = createTestPermissio({ policy });
    onTestFinished(() => testing.close());
    const app = createApp({ client: testing.client });

    const res = await app.request('/documents/doc-1', { headers: await headers('alice') });

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
    onTestFinished(() => testing.close());
    const app = createApp({ client: testing.client });

    const list = await app.request('/documents', { headers: await headers('bob') });
    const create = await app.request('/documents', {
      method: 'POST',
      headers: { ...(await headers('bob')), 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Memo', projectId: 'p1' }),
    });
    expect([list.status, create.status]).toEqual([200, 403]);
    expect(testing.recorder).toHaveDenied({ user: USERS.bob.key, action: 'write', tenant: 'acme' });
  });

  it.each(FAULTS)('the PDP fails (%s) → 503, nothing is served; healed → 200', async (fault) => {
    const testing = createTestPermissio({ policy });
    onTestFinished(() => testing.close());
    const app = createApp({ client: testing.client });

    testing.fault(fault);
    const down = await app.request('/documents', { headers: await headers('alice') });
    expect(down.status).toBe(503);
    expect(((await down.json()) as { documents?: unknown }).documents).toBeUndefined();
    expect(testing.recorder).not.toHaveChecked();

    testing.heal();
    expect((await app.request('/documents', { headers: await headers('alice') })).status).toBe(200);
  });
});

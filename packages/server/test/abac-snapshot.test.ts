/**
 * ABAC over the server: condition sets and rules loaded with PUT snapshot
 * decide `/check` and `/check/explain`, and survive a restart on the same
 * database (the REST routes for managing them one by one do not exist yet).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { client, KEY_A, startTestServer, tempDir } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const snapshot = {
  resources: [{ key: 'document', actions: ['edit'], attributes: [{ key: 'ownerId', type: 'string' }] }],
  users: [{ key: 'alice', attributes: { department: 'engineering' } }],
  userAttributes: [{ key: 'department', type: 'string' }],
  conditionSets: [
    { key: 'engineers', type: 'userset', conditions: { 'user.department': { equals: 'engineering' } } },
    {
      key: 'own',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { 'resource.ownerId': { equals: { ref: 'user.key' } } },
    },
  ],
  conditionSetRules: [{ userSet: 'engineers', permission: 'document:edit', resourceSet: 'own' }],
};
const request = {
  user: 'alice',
  action: 'edit',
  resource: { type: 'document', key: 'd1', attributes: { ownerId: 'alice' } },
};

describe('condition rules through the server', () => {
  it('decide checks after PUT snapshot and after a restart; a bad condition is a 422 naming the path', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const database = join(dir, 'abac.db');
    const first = await startTestServer({ database });
    const api = client(first.url, KEY_A);
    expect((await api('PUT', 'P/snapshot', snapshot)).status).toBe(204);
    expect((await api('POST', 'P/check', request)).body).toEqual({ allowed: true });
    expect((await api('POST', 'P/check/explain', request)).body).toEqual({
      allowed: true,
      reason: 'condition_rule',
      via: { userSet: 'engineers', resourceSet: 'own', permission: 'document:edit' },
    });
    const bad = await api('PUT', 'P/snapshot', {
      ...snapshot,
      conditionSets: [{ key: 'x', type: 'userset', conditions: { 'user.team': { equals: 'a' } } }],
      conditionSetRules: [],
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('conditionSets[x].conditions');
    await first.close();

    const second = await startTestServer({ database });
    cleanups.push(() => second.close());
    const again = client(second.url, KEY_A);
    expect((await again('POST', 'P/check', request)).body).toEqual({ allowed: true });
    expect(
      (
        await again('POST', 'P/check', {
          ...request,
          resource: { ...request.resource, attributes: { ownerId: 'bob' } },
        })
      ).body,
    ).toEqual({ allowed: false });
    expect((await again('GET', 'P/snapshot')).body.conditionSetRules).toEqual(snapshot.conditionSetRules);
  });
});

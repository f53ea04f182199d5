/**
 * The SDK's HTTP client against two replicas on one PostgreSQL behind a
 * round-robin balancer: it remembers its last write's revision and sends it
 * with its checks (read-your-writes across replicas, no configuration);
 * `consistency` on a call or a request scope overrides that.
 */
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PermissioServer, startServer } from '../src/index.js';
import { KEY_A, POLICY, SCOPE_A } from './helpers.js';
import { type RoundRobin, startRoundRobin } from './support/round-robin.js';
import { freshDatabase } from './support/test-database.js';

let replicas: PermissioServer[] = [];
let balancer: RoundRobin;

beforeAll(async () => {
  const database = await freshDatabase();
  const start = () =>
    startServer({ port: 0, database, apiKeys: [{ key: KEY_A, ...SCOPE_A }], seed: POLICY, rateLimits: false });
  replicas = await Promise.all([start(), start()]);
  balancer = await startRoundRobin(replicas.map((r) => r.url));
});
afterAll(async () => {
  await balancer?.close();
  await Promise.all(replicas.map((r) => r.close()));
});

const checksIn = (from: number) => balancer.passed.slice(from).filter((p) => p.url.includes('/check'));

describe('HttpPdp across replicas', () => {
  it('sends its last write revision with each check; the other replica answers with the write applied', async () => {
    const permissio = new Permissio({ token: KEY_A, apiUrl: balancer.url, ...SCOPE_A });
    expect(await permissio.check('alice@example.com', 'read', 'document', { tenant: 'acme' })).toBe(true);
    // Before any write: no consistency sent (any replica's memory will do).
    expect(checksIn(0)[0]?.body).not.toHaveProperty('consistency');

    for (let i = 0; i < 5; i++) {
      const user = `client-${i}`;
      const from = balancer.passed.length;
      await permissio.api.users.create({ key: user });
      await permissio.api.roleAssignments.assign({ user, role: 'editor', tenant: 'acme' });
      const written = balancer.passed.slice(from).at(-1);
      expect(written?.revision).toMatch(/^\d+$/);
      expect(await permissio.check(user, 'write', 'document', { tenant: 'acme' })).toBe(true);
      expect(await permissio.bulkCheck([{ user, action: 'write', resource: 'document', tenant: 'acme' }])).toEqual([
        true,
      ]);
      const checks = checksIn(from);
      expect(checks.map((c) => (c.body as { consistency?: unknown }).consistency)).toEqual([
        { atLeast: written?.revision },
        { atLeast: written?.revision },
      ]);
      // Round robin: the write and the checks did not all go to one replica.
      expect(new Set([written?.target, ...checks.map((c) => c.target)]).size).toBe(2);
    }
    expect((permissio.pdp as unknown as { revision: string }).revision).toBe(
      balancer.passed.findLast((p) => p.method !== 'GET' && !p.url.includes('/check'))?.revision,
    );
    await permissio.close?.();
  });

  it('a call option or a request scope chooses the consistency instead', async () => {
    const permissio = new Permissio({ token: KEY_A, apiUrl: balancer.url, ...SCOPE_A });
    await permissio.api.users.create({ key: 'scoped-user' });
    let from = balancer.passed.length;
    await permissio.check('alice@example.com', 'read', 'document', { tenant: 'acme', consistency: 'fast' });
    await permissio.checkPermissions(
      { user: 'alice@example.com', resourceUris: ['document:d1'], permissions: ['document:read'], tenant: 'acme' },
      { consistency: 'full' },
    );
    expect(checksIn(from).map((c) => (c.body as { consistency?: unknown }).consistency)).toEqual(['fast', 'full']);

    from = balancer.passed.length;
    const scope = permissio.createRequestScope({ user: 'alice@example.com', tenant: 'acme', consistency: 'full' });
    expect(await scope.check('read', 'document')).toBe(true);
    expect(checksIn(from).map((c) => (c.body as { consistency?: unknown }).consistency)).toEqual(['full']);
    await permissio.close?.();
  });

  it('the embedded engine takes the option and answers at once', async () => {
    const embedded = new Permissio({ pdp: createEngine(POLICY) });
    expect(
      await embedded.check('alice@example.com', 'write', 'document', {
        tenant: 'acme',
        consistency: { atLeast: '99' },
      }),
    ).toBe(true);
  });
});

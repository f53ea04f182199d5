/**
 * A replica whose database connection is cut (a real proxy that drops every
 * connection and refuses new ones): it keeps answering `fast` checks from
 * memory, reports `degraded` with its lag, refuses what it cannot do (503),
 * and catches up once the database is reachable again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PermissioServer, startServer } from '../src/index.js';
import { PostgresStorage, StorageUnavailableError } from '../src/postgres-storage.js';
import { client, KEY_A, POLICY, SCOPE_A } from './helpers.js';
import { type CuttableProxy, startCuttableProxy } from './support/cuttable-proxy.js';
import { freshDatabase } from './support/test-database.js';

let proxiedUrl: string;
let writer: PermissioServer;
let replica: PermissioServer;
let proxy: CuttableProxy;

beforeAll(async () => {
  const database = await freshDatabase();
  writer = await startServer({
    port: 0,
    database,
    apiKeys: [{ key: KEY_A, ...SCOPE_A }],
    seed: POLICY,
    rateLimits: false,
  });
  const url = new URL(database);
  proxy = await startCuttableProxy(Number(url.port));
  url.port = String(proxy.port);
  proxiedUrl = url.toString();
  replica = await startServer({
    port: 0,
    database: url.toString(),
    rateLimits: false,
    pollInterval: 100,
    consistencyTimeout: 300,
  });
});
afterAll(async () => {
  await writer?.close();
  await replica?.close();
  await proxy?.close();
});

const check = (user: string) => ({ user, action: 'write', resource: { type: 'document', tenant: 'acme' } });

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a replica cut off from its database', () => {
  it('answers fast checks, reports degraded, then catches up', async () => {
    const onWriter = client(writer.url, KEY_A);
    const onReplica = client(replica.url, KEY_A);
    await until(async () => (await onReplica('GET', '/healthz')).body.status === 'ok', 'ok at start');
    expect((await onReplica('POST', 'P/check', check('alice@example.com'))).body).toEqual({ allowed: true });

    proxy.cut();
    await until(async () => (await onReplica('GET', '/healthz')).body.status === 'degraded', 'degraded');
    const health = (await onReplica('GET', '/healthz')).body;
    expect(health.lagMs).toBeGreaterThanOrEqual(0);
    expect(health.reason).toMatch(/database|notification/);

    // The writer goes on; the replica answers from memory.
    expect((await onWriter('POST', 'P/users', { key: 'late@example.com' })).status).toBe(201);
    const assigned = await onWriter('POST', 'P/role_assignments', {
      user: 'late@example.com',
      role: 'editor',
      tenant: 'acme',
    });
    const token = assigned.headers.get('permissio-revision') as string;
    const fast = await onReplica('POST', 'P/check', check('alice@example.com'));
    expect(fast.status).toBe(200);
    expect(fast.body).toEqual({ allowed: true });
    expect((await onReplica('POST', 'P/check', check('late@example.com'))).body).toEqual({ allowed: false });

    // What it cannot do, it refuses: never a stale answer to a fresh question, never a lost write.
    const stale = await onReplica('POST', 'P/check', { ...check('late@example.com'), consistency: { atLeast: token } });
    expect(stale.status).toBe(503);
    expect(stale.body.error.code).toBe('STALE_REPLICA');
    const full = await onReplica('POST', 'P/check', { ...check('late@example.com'), consistency: 'full' });
    expect(full.status).toBe(503);
    const write = await onReplica('POST', 'P/users', { key: 'refused@example.com' });
    expect(write.status).toBe(503);
    expect(write.body.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(write.headers.get('retry-after')).toBe('1');

    proxy.restore();
    await until(async () => (await onReplica('GET', '/healthz')).body.status === 'ok', 'ok again');
    await until(
      async () => (await onReplica('POST', 'P/check', check('late@example.com'))).body.allowed === true,
      'caught up',
    );
    const fresh = await onReplica('POST', 'P/check', { ...check('late@example.com'), consistency: { atLeast: token } });
    expect(fresh.body).toEqual({ allowed: true });
    // The refused write was not applied anywhere.
    expect((await onWriter('GET', 'P/users/refused@example.com')).status).toBe(404);
    expect((await onReplica('GET', 'P/users/refused@example.com')).status).toBe(404);
  });

  it('a connection cut in the middle of a write transaction fails that write, not the process', async () => {
    const storage = await PostgresStorage.connect(proxiedUrl);
    try {
      const write = storage.transaction({ projectId: 'cut', environmentId: 'mid-write' }, async (tx) => {
        // The connection is checked out and idle between two queries when it breaks.
        proxy.cut();
        await new Promise((r) => setTimeout(r, 100));
        return await tx.append('users.create', [{ key: 'never' }]);
      });
      await expect(write).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      proxy.restore();
      await storage.close();
    }
  });
});

/**
 * Durability: writes survive SIGKILL of the server process; 200 concurrent
 * writers lose nothing; the journal compacts into snapshots and restarts
 * rebuild the same state; seeds never clobber existing data.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEngine } from '@permissio/engine';
import type { Pdp } from '@permissio/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, SqliteStorage, startServer } from '../src/index.js';
import {
  client,
  KEY_A,
  POLICY,
  SCOPE_A,
  scopeACliArgs,
  spawnCli,
  startTestServer,
  tempDir,
  type CliProcess,
} from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function cli(db: string, extra: string[] = []): CliProcess {
  const proc = spawnCli([...scopeACliArgs(db, 'warn'), ...extra]);
  cleanups.push(() => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    return proc.exit;
  });
  return proc;
}

describe('persistence across SIGKILL', () => {
  it('every acknowledged write is there after kill -9 and restart; 200 parallel writers lose nothing', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'permissio.db');
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(POLICY));

    const first = cli(db, ['--seed', seedFile]);
    const api = client(await first.url, KEY_A);

    // assorted writes
    expect(
      (
        await api('POST', 'P/users', {
          key: 'team/dave',
          email: 'dave@example.com',
          attributes: { level: 3, tags: ['a'] },
        })
      ).status,
    ).toBe(201);
    expect(
      (await api('PATCH', 'P/users/alice%40example.com', { firstName: 'Alice', lastName: 'Liddell' })).status,
    ).toBe(200);
    expect((await api('POST', 'P/resources/document/attributes', { key: 'size', type: 'number' })).status).toBe(201);
    expect((await api('POST', 'P/resources/document/actions', { key: 'share', name: 'Share' })).status).toBe(201);
    expect(
      (await api('POST', 'P/roles', { key: 'sharer', permissions: ['document:share'], extends: ['viewer'] })).status,
    ).toBe(201);
    expect((await api('PUT', 'P/tenants/globex', { name: 'Globex', attributes: { tier: 'gold' } })).status).toBe(200);
    expect(
      (
        await api('POST', 'P/grants', {
          user: 'team/dave',
          resourceUri: '/org/1/docs',
          permissions: ['document:read'],
          roles: ['sharer'],
          tenant: 'globex',
        })
      ).status,
    ).toBe(204);
    expect((await api('DELETE', 'P/roles/admin')).status).toBe(204);

    // 200 concurrent user upserts, then 200 concurrent assignments
    const users = Array.from({ length: 200 }, (_, i) => `user-${i}@example.com`);
    const synced = await Promise.all(users.map((u) => api('PUT', `P/users/${encodeURIComponent(u)}`, { email: u })));
    expect(synced.every((r) => r.status === 200)).toBe(true);
    const assigned = await Promise.all(
      users.map((u, i) =>
        api('POST', 'P/role_assignments', {
          user: u,
          role: i % 2 === 0 ? 'viewer' : 'editor',
          tenant: 'acme',
          ...(i % 3 === 0 ? { resourceInstance: `/project/${i}` } : {}),
        }),
      ),
    );
    expect(assigned.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);

    const before = (await api('GET', 'P/snapshot')).body;
    const totalBefore = (await api('GET', 'P/role_assignments?perPage=1')).body.total;
    expect(totalBefore).toBe(203); // 2 seeded + 1 from the grant of "sharer" + 200

    first.child.kill('SIGKILL');
    expect(await first.exit).toBe(null);
    expect(first.child.signalCode).toBe('SIGKILL');

    // restart on the same file, with a different seed: it must be ignored
    writeFileSync(seedFile, JSON.stringify({ users: [{ key: 'seed-clobber' }] }));
    const second = cli(db, ['--seed', seedFile]);
    const api2 = client(await second.url, KEY_A);
    const after = (await api2('GET', 'P/snapshot')).body;
    expect(after).toEqual(before);
    expect((await api2('GET', 'P/users/seed-clobber')).status).toBe(404);
    expect((await api2('GET', 'P/role_assignments?perPage=1')).body.total).toBe(203);
    for (const [i, u] of users.entries()) {
      if (i % 37 !== 0) continue;
      const check = await api2('POST', 'P/check', {
        user: u,
        action: 'read',
        resource:
          i % 3 === 0
            ? { type: 'document', uri: `/project/${i}/deep`, tenant: 'acme' }
            : { type: 'document', tenant: 'acme' },
      });
      expect(check.body).toEqual({ allowed: true });
    }
    expect(
      (
        await api2('POST', 'P/check', {
          user: 'team/dave',
          action: 'share',
          resource: { type: 'document', uri: '/org/1/docs/x' },
          tenant: 'globex',
        })
      ).body,
    ).toEqual({ allowed: true });
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });
});

describe('journal, compaction and migrations', () => {
  it('compacts into a snapshot and restarts to the same state', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const database = join(dir, 'p.db');
    const options = { database, compactEvery: 10 };
    const server = await startTestServer({ ...options, seed: POLICY, seedScopes: [SCOPE_A] });
    const api = client(server.url, KEY_A);
    for (let i = 0; i < 35; i++) {
      expect((await api('POST', 'P/users', { key: `u${i}`, attributes: { i } })).status).toBe(201);
    }
    expect(
      (
        await api('POST', 'P/role_assignments/bulk', {
          assignments: [
            { user: 'u1', role: 'viewer' },
            { user: 'u2', role: 'admin', tenant: 'acme' },
          ],
        })
      ).body,
    ).toEqual({ assigned: 2 });
    const before = (await api('GET', 'P/snapshot')).body;
    await server.close();

    const storage = new SqliteStorage(database);
    expect(storage.schemaVersion).toBe(SCHEMA_VERSION);
    expect(storage.journalLength(SCOPE_A)).toBeLessThan(10);
    const [stored] = storage.loadScopes();
    expect(stored?.snapshot).not.toBeNull();
    storage.close();

    const again = await startTestServer(options);
    cleanups.push(() => again.close());
    expect((await client(again.url, KEY_A)('GET', 'P/snapshot')).body).toEqual(before);
  });

  it('PUT snapshot replaces the policy durably', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const database = join(dir, 'p.db');
    const server = await startTestServer({ database });
    const api = client(server.url, KEY_A);
    expect((await api('POST', 'P/users', { key: 'gone-after-load' })).status).toBe(201);
    expect((await api('PUT', 'P/snapshot', POLICY)).status).toBe(204);
    const before = (await api('GET', 'P/snapshot')).body;
    await server.close();
    const again = await startTestServer({ database });
    cleanups.push(() => again.close());
    const api2 = client(again.url, KEY_A);
    expect((await api2('GET', 'P/snapshot')).body).toEqual(before);
    expect((await api2('GET', 'P/users/gone-after-load')).status).toBe(404);
  });

  it('records the schema version and uses WAL', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'm.db');
    new SqliteStorage(file).close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT max(version) AS v FROM schema_version').get()).toEqual({ v: SCHEMA_VERSION });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    // reopening applies nothing twice
    const again = new SqliteStorage(file);
    expect(again.schemaVersion).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('API keys are stored hashed, never in clear', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'k.db');
    const server = await startTestServer({ database: file });
    await server.close();
    const raw = new Database(file, { readonly: true });
    const rows = raw.prepare('SELECT * FROM api_keys').all() as { hash: string }[];
    raw.close();
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain('permis_key_');
  });

  it('an invalid seed is rejected whole and leaves the database empty', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const database = join(dir, 's.db');
    await expect(
      startTestServer({ database, seed: { roles: [{ key: 'r', permissions: ['ghost:read'] }] } }),
    ).rejects.toMatchObject({ name: 'PermissioValidationError' });
    const storage = new SqliteStorage(database);
    expect(storage.isEmpty()).toBe(true);
    storage.close();
  });
});

describe('graceful close', () => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const createPdp = (): Pdp => {
      const engine = createEngine(POLICY);
      return new Proxy(engine, {
        get(target, prop, receiver) {
          if (prop === 'check') {
            return async (req: Parameters<Pdp['check']>[0]) => {
              await gate;
              return target.check(req);
            };
          }
          return Reflect.get(target, prop, receiver);
        },
      }) as Pdp;
    };
    const server = await startServer({ port: 0, apiKeys: [{ key: KEY_A, ...SCOPE_A }], createPdp, rateLimits: false });
    const api = client(server.url, KEY_A);
    const inflight = api('POST', 'P/check', {
      user: 'alice@example.com',
      action: 'read',
      resource: { type: 'document', tenant: 'acme' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const closed = server.close();
    setTimeout(release, 100);
    const answer = await inflight;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ allowed: true });
    await closed;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

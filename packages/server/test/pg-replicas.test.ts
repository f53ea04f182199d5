/**
 * Two replicas in this process on one real PostgreSQL database: start-up
 * (migrate and seed once), revisions and consistency, eventual visibility,
 * and concurrent conflicting writes (exactly one succeeds). The separate
 * process proofs (SIGKILL, read-your-writes) are in pg-processes.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type PermissioServer } from '../src/index.js';
import { PG_SCHEMA_VERSION } from '../src/postgres-storage.js';
import { client, KEY_A, POLICY, SCOPE_A } from './helpers.js';
import { freshDatabase } from './support/test-database.js';

const POLL = 200;
let database: string;
let a: PermissioServer;
let b: PermissioServer;

const start = () =>
  startServer({
    port: 0,
    database,
    apiKeys: [{ key: KEY_A, ...SCOPE_A }],
    seed: POLICY,
    rateLimits: false,
    pollInterval: POLL,
  });

beforeAll(async () => {
  database = await freshDatabase();
  [a, b] = await Promise.all([start(), start()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const check = { user: 'alice@example.com', action: 'write', resource: { type: 'document', tenant: 'acme' } };

describe('replicas on one PostgreSQL', () => {
  it('migrate and seed once when started together; both answer from the seed', async () => {
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    try {
      const versions = await db.query('SELECT count(*)::int AS n FROM permissio_schema_version');
      expect(versions.rows[0].n).toBe(PG_SCHEMA_VERSION);
      const snapshots = await db.query('SELECT count(*)::int AS n FROM permissio_snapshots');
      expect(snapshots.rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
    for (const server of [a, b]) {
      const answer = await client(server.url, KEY_A)('POST', 'P/check', check);
      expect(answer.body).toEqual({ allowed: true });
      expect(answer.headers.get('permissio-revision')).toMatch(/^\d+$/);
    }
    expect((await client(a.url, undefined)('GET', '/healthz')).body).toMatchObject({ status: 'ok' });
  });

  it('a write through A is seen through B with its revision, at once', async () => {
    const apiA = client(a.url, KEY_A);
    const apiB = client(b.url, KEY_A);
    for (let i = 0; i < 10; i++) {
      const user = `ryw-${i}@example.com`;
      expect((await apiA('POST', 'P/users', { key: user })).status).toBe(201);
      const assigned = await apiA('POST', 'P/role_assignments', { user, role: 'editor', tenant: 'acme' });
      expect(assigned.status).toBe(201);
      const token = assigned.headers.get('permissio-revision') as string;
      expect(token).toMatch(/^\d+$/);
      const seen = await apiB('POST', 'P/check', {
        ...check,
        user,
        consistency: { atLeast: token },
      });
      expect(seen.body).toEqual({ allowed: true });
      expect(Number(seen.headers.get('permissio-revision'))).toBeGreaterThanOrEqual(Number(token));
    }
  });

  it('without a revision, a write is visible on the other replica within 2 × the poll interval', async () => {
    const apiA = client(a.url, KEY_A);
    const apiB = client(b.url, KEY_A);
    const user = 'eventual@example.com';
    expect((await apiA('POST', 'P/users', { key: user })).status).toBe(201);
    const written = await apiA('POST', 'P/role_assignments', { user, role: 'editor', tenant: 'acme' });
    const at = Date.now();
    expect(written.status).toBe(201);
    let seenAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - at < 4 * POLL) {
      if ((await apiB('POST', 'P/check', { ...check, user })).body.allowed) {
        seenAfter = Date.now() - at;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seenAfter).toBeLessThanOrEqual(2 * POLL);
  });

  it('a write whose notification is lost is picked up by the poll within 2 × the poll interval', async () => {
    const apiB = client(b.url, KEY_A);
    // A committed journal entry without NOTIFY: what a lost notification looks like to a replica.
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    let committed: number;
    try {
      await db.query('BEGIN');
      const { rows } = await db.query(
        `WITH j AS (INSERT INTO permissio_journal (project_id, environment_id, op, args) VALUES ($1, $2, $3, $4) RETURNING seq)
         UPDATE permissio_scopes s SET head = j.seq FROM j WHERE s.project_id = $1 AND s.environment_id = $2 RETURNING j.seq`,
        [SCOPE_A.projectId, SCOPE_A.environmentId, 'users.create', JSON.stringify([{ key: 'polled@example.com' }])],
      );
      expect(rows).toHaveLength(1);
      await db.query('COMMIT');
      committed = Date.now();
    } finally {
      await db.end();
    }
    let seenAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - committed < 4 * POLL) {
      if ((await apiB('GET', 'P/users/polled@example.com')).status === 200) {
        seenAfter = Date.now() - committed;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seenAfter).toBeLessThanOrEqual(2 * POLL);
    // A's next write catches up on it under the lock first (no duplicate, no gap).
    expect((await client(a.url, KEY_A)('POST', 'P/users', { key: 'polled@example.com' })).status).toBe(409);
  });

  it('consistency "full" catches up first; a revision this replica cannot reach is 503 STALE_REPLICA', async () => {
    const apiB = client(b.url, KEY_A);
    const full = await apiB('POST', 'P/check/bulk', { checks: [check], consistency: 'full' });
    expect(full.status).toBe(200);
    const fast = await apiB('POST', 'P/check/permissions', {
      user: 'alice@example.com',
      resourceUris: ['document:d1'],
      permissions: ['document:read'],
      tenant: 'acme',
      consistency: 'fast',
    });
    expect(fast.status).toBe(200);
    const server = await startServer({
      port: 0,
      database,
      rateLimits: false,
      pollInterval: POLL,
      consistencyTimeout: 100,
    });
    try {
      const future = await client(server.url, KEY_A)('POST', 'P/check', {
        ...check,
        consistency: { atLeast: '999999999' },
      });
      expect(future.status).toBe(503);
      expect(future.body.error.code).toBe('STALE_REPLICA');
      expect(future.headers.get('retry-after')).toBe('1');
      const bad = await client(server.url, KEY_A)('POST', 'P/check', { ...check, consistency: { atLeast: 'x' } });
      expect(bad.status).toBe(422);
    } finally {
      await server.close();
    }
  });

  it('concurrent writes through A and B that together make a cycle: exactly one succeeds, 50 times', async () => {
    const apiA = client(a.url, KEY_A);
    const apiB = client(b.url, KEY_A);
    // The roles, created through both replicas at once.
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => [
        apiA('POST', 'P/roles', { key: `cyc-x-${i}` }),
        apiB('POST', 'P/roles', { key: `cyc-y-${i}` }),
      ]).flat(),
    );
    expect(created.every((r) => r.status === 201)).toBe(true);
    for (let i = 0; i < 50; i++) {
      const [x, y] = [`cyc-x-${i}`, `cyc-y-${i}`];
      const answers = await Promise.all([
        apiA('PUT', `P/roles/${x}/extends/${y}`),
        apiB('PUT', `P/roles/${y}/extends/${x}`),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    }
    // A duplicate key: both create the same role at once.
    for (let i = 0; i < 10; i++) {
      const answers = await Promise.all([
        apiA('POST', 'P/roles', { key: `dup-${i}` }),
        apiB('POST', 'P/roles', { key: `dup-${i}` }),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    }
    // Both replicas converge on the same policy.
    const [sa, sb] = await Promise.all([
      apiA('GET', 'P/snapshot'),
      client(b.url, KEY_A)('POST', 'P/check', { ...check, consistency: 'full' }).then(() => apiB('GET', 'P/snapshot')),
    ]);
    expect(sb.body).toEqual(sa.body);
  });

  it('a replica that compacts the journal: the others rebuild from its snapshot and stay equal', async () => {
    const compacting = await startServer({ port: 0, database, rateLimits: false, pollInterval: POLL, compactEvery: 3 });
    try {
      const apiC = client(compacting.url, KEY_A);
      let token = '';
      for (let i = 0; i < 10; i++) {
        const created = await apiC('POST', 'P/users', { key: `compact-${i}` });
        expect(created.status).toBe(201);
        token = created.headers.get('permissio-revision') as string;
      }
      await apiC('POST', 'P/check', { ...check, consistency: 'full' });
      const db = new pg.Client({ connectionString: database });
      await db.connect();
      try {
        const snap = await db.query('SELECT seq FROM permissio_snapshots');
        expect(Number(snap.rows[0].seq)).toBeGreaterThan(0);
      } finally {
        await db.end();
      }
      const apiB = client(b.url, KEY_A);
      await apiB('POST', 'P/check', { ...check, consistency: { atLeast: token } });
      const [sb, sc] = await Promise.all([apiB('GET', 'P/snapshot'), apiC('GET', 'P/snapshot')]);
      expect(sb.body).toEqual(sc.body);
      expect((sb.body.users as { key: string }[]).some((u) => u.key === 'compact-9')).toBe(true);
    } finally {
      await compacting.close();
    }
  });
});

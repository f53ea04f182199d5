/**
 * `/metrics` of a PostgreSQL replica (issue 15): the journal lag gauges,
 * scraped over HTTP from a follower after writes through another replica.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type PermissioServer } from '../src/index.js';
import { client, KEY_A, POLICY, SCOPE_A } from './helpers.js';
import { freshDatabase } from './support/test-database.js';

const POLL = 200;
let database: string;
let a: PermissioServer;
let b: PermissioServer;

beforeAll(async () => {
  database = await freshDatabase();
  const start = () =>
    startServer({
      host: '127.0.0.1',
      port: 0,
      database,
      apiKeys: [{ key: KEY_A, ...SCOPE_A }],
      seed: POLICY,
      rateLimits: false,
      pollInterval: POLL,
    });
  [a, b] = await Promise.all([start(), start()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

async function gauges(server: PermissioServer): Promise<{ seconds: number; behind: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const read = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    expect(line, `${name} is exported`).toBeDefined();
    return Number(line?.slice(name.length + 1));
  };
  return { seconds: read('permissio_journal_lag_seconds'), behind: read('permissio_journal_revisions_behind') };
}

describe('journal lag on /metrics (PostgreSQL replicas)', () => {
  it('a follower reports 0 revisions behind once it applied a write made through another replica', async () => {
    const api = client(a.url, KEY_A);
    for (const key of ['lag-1', 'lag-2', 'lag-3']) expect((await api('POST', 'P/users', { key })).status).toBe(201);
    // B learns of the writes by notification (or, at worst, its next poll).
    const deadline = Date.now() + 10 * POLL;
    while ((await client(b.url, KEY_A)('GET', 'P/users/lag-3')).status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const lag = await gauges(b);
    expect(lag.behind).toBe(0);
    // Confirmed at the head by a poll at most one interval ago (plus scheduling slack on a busy machine).
    expect(lag.seconds).toBeGreaterThanOrEqual(0);
    expect(lag.seconds).toBeLessThan((3 * POLL + 5000) / 1000);
  });

  it('a committed entry the follower cannot apply: 1 revision behind, and the seconds grow', async () => {
    // The fault: an entry that fails on replay (the user exists already), committed and announced.
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    try {
      await db.query('BEGIN');
      const { rows } = await db.query(
        `WITH j AS (INSERT INTO permissio_journal (project_id, environment_id, op, args) VALUES ($1, $2, $3, $4) RETURNING seq)
         UPDATE permissio_scopes s SET head = j.seq FROM j WHERE s.project_id = $1 AND s.environment_id = $2 RETURNING j.seq`,
        [SCOPE_A.projectId, SCOPE_A.environmentId, 'users.create', JSON.stringify([{ key: 'lag-1' }])],
      );
      await db.query('SELECT pg_notify($1, $2)', [
        'permissio_journal',
        JSON.stringify({ p: SCOPE_A.projectId, e: SCOPE_A.environmentId, s: rows[0].seq }),
      ]);
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
    const deadline = Date.now() + 10 * POLL;
    let lag = await gauges(b);
    while (lag.behind === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      lag = await gauges(b);
    }
    expect(lag.behind).toBe(1);
    // No poll confirms the head any more: after two intervals the lag exceeds one.
    await new Promise((r) => setTimeout(r, 2 * POLL));
    const later = await gauges(b);
    expect(later.behind).toBe(1);
    expect(later.seconds).toBeGreaterThan(POLL / 1000);
  });
});

/**
 * PostgresStorage on a real database: migrations once under concurrent
 * connects, a schema newer than the server is refused, journal, compaction
 * (skipped when another replica wrote since), API keys, reset; and the
 * registry's answer to a write the database refuses after the engine applied
 * it (a real trigger in the database): the scope is rebuilt from the
 * database, nothing of the refused write remains.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION, PostgresStorage } from '../src/postgres-storage.js';
import { type PermissioServer, startServer } from '../src/index.js';
import { client, KEY_A, POLICY, SCOPE_A } from './helpers.js';
import { freshDatabase } from './support/test-database.js';

let database: string;
beforeAll(async () => {
  database = await freshDatabase();
});

async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResultRow[]> {
  const db = new pg.Client({ connectionString: database });
  await db.connect();
  try {
    return (await db.query(text, params)).rows;
  } finally {
    await db.end();
  }
}

describe('PostgresStorage', () => {
  it('migrates once when connected concurrently; journal, compaction, keys, reset', async () => {
    const [one, two] = await Promise.all([PostgresStorage.connect(database), PostgresStorage.connect(database)]);
    try {
      expect(await one.schemaVersion()).toBe(PG_SCHEMA_VERSION);
      expect(await one.isEmpty()).toBe(true);
      const s1 = await one.append(SCOPE_A, 'users.create', [{ key: 'a' }]);
      const s2 = await two.append(SCOPE_A, 'users.create', [{ key: 'b' }]);
      expect(s2).toBeGreaterThan(s1);
      expect(await two.head(SCOPE_A)).toBe(s2);
      expect(await one.journalLength(SCOPE_A)).toBe(2);
      expect(await one.isEmpty()).toBe(false);
      expect(await one.scopeCount()).toBe(1);

      // A compaction at a stale head is skipped; at the head it replaces the covered entries.
      expect(await one.compact(SCOPE_A, { users: [{ key: 'a' }] }, s1)).toBeUndefined();
      expect(await one.journalLength(SCOPE_A)).toBe(2);
      expect(await one.compact(SCOPE_A, { users: [{ key: 'a' }, { key: 'b' }] }, s2)).toBe(s2);
      expect(await one.journalLength(SCOPE_A)).toBe(0);
      const tail = await two.readSince(SCOPE_A, s1);
      expect(tail.snapshot?.seq).toBe(s2);
      expect(tail.entries).toEqual([]);
      const [stored] = await two.loadScopes();
      expect(stored?.snapshotSeq).toBe(s2);

      await one.putApiKey({ hash: 'h1', ...SCOPE_A });
      await two.putApiKey({ hash: 'h1', projectId: 'other', environmentId: 'env', scopes: ['read'] });
      expect(await one.listApiKeys()).toEqual([
        { hash: 'h1', projectId: 'other', environmentId: 'env', scopes: ['read'], createdAt: expect.any(String) },
      ]);
      expect(await one.deleteApiKey('h1')).toBe(true);
      expect(await two.deleteApiKey('h1')).toBe(false);
      expect(await two.listApiKeys()).toEqual([]);
      await two.putApiKey({ hash: 'h2', ...SCOPE_A });

      await one.reset();
      expect(await one.isEmpty()).toBe(true);
      expect(await one.listApiKeys()).toHaveLength(1);
    } finally {
      await one.close();
      await two.close();
      await one.close();
    }
    await expect(one.isEmpty()).rejects.toThrow(/closed/);
  });

  it('refuses a schema newer than it understands', async () => {
    const newer = await freshDatabase();
    const db = new pg.Client({ connectionString: newer });
    await db.connect();
    await db.query('CREATE TABLE permissio_schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)');
    await db.query('INSERT INTO permissio_schema_version (version) VALUES (99)');
    await db.end();
    await expect(PostgresStorage.connect(newer)).rejects.toThrow(/schema is version 99, newer than this server/);
  });
});

describe('a write the database refuses after the engine applied it', () => {
  let server: PermissioServer;
  beforeAll(async () => {
    server = await startServer({
      port: 0,
      database,
      apiKeys: [{ key: KEY_A, ...SCOPE_A }],
      seed: POLICY,
      rateLimits: false,
    });
    // Real faults in the database: one on append, one only at commit (a deferred constraint trigger).
    await sql(`CREATE FUNCTION permissio_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await sql(`CREATE TRIGGER refuse_append BEFORE INSERT ON permissio_journal FOR EACH ROW
      WHEN (NEW.args LIKE '%refuse-on-append%') EXECUTE FUNCTION permissio_test_refuse()`);
    await sql(`CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON permissio_journal
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.args LIKE '%refuse-at-commit%') EXECUTE FUNCTION permissio_test_refuse()`);
  });
  afterAll(() => server?.close());

  it('answers 5xx, rebuilds the scope from the database and keeps nothing of it', async () => {
    const api = client(server.url, KEY_A);
    for (const key of ['refuse-on-append', 'refuse-at-commit']) {
      const refused = await api('POST', 'P/users', { key });
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(refused.text).not.toContain('postgres://');
      expect((await api('GET', `P/users/${key}`)).status).toBe(404);
    }
    // The scope still works, at the database's state.
    const created = await api('POST', 'P/users', { key: 'after-the-fault' });
    expect(created.status).toBe(201);
    const rows = await sql('SELECT count(*)::int AS n FROM permissio_journal WHERE args LIKE $1', ['%refuse-%']);
    expect(rows[0]?.n).toBe(0);
    expect(
      (
        await api('POST', 'P/check', {
          user: 'alice@example.com',
          action: 'write',
          resource: { type: 'document', tenant: 'acme' },
        })
      ).body,
    ).toEqual({ allowed: true });
  });
});

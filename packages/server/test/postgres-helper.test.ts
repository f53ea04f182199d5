import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from './support/postgres.js';
import { freshDatabase } from './support/test-database.js';

describe('the throwaway PostgreSQL of the test run', () => {
  it('listens on 127.0.0.1 and hands out separate, empty databases', async () => {
    const server = new URL(inject('postgresUrl'));
    expect(server.hostname).toBe('127.0.0.1');
    const first = await freshDatabase();
    const second = await createTestDatabase(inject('postgresUrl'));
    expect(first).not.toBe(second);
    const a = new pg.Client({ connectionString: first });
    const b = new pg.Client({ connectionString: second });
    await a.connect();
    await b.connect();
    try {
      await a.query('CREATE TABLE only_in_a (x int)');
      const { rows } = await b.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_a'");
      expect(rows[0].n).toBe(0);
      const version = await a.query('SHOW server_version_num');
      expect(Number(version.rows[0].server_version_num)).toBeGreaterThanOrEqual(120000);
    } finally {
      await a.end();
      await b.end();
    }
  });
});

/**
 * The PostgreSQL hook of the differential and injection tests. The database
 * comes from `postgres-global-setup.ts`: `PERMISSIO_TEST_POSTGRES_URL` when
 * set (e.g. `postgres://user@127.0.0.1:5432/db`), else a throwaway server
 * started for the run; without PostgreSQL binaries the legs skip with
 * {@link POSTGRES_SKIP} as the reason. `pg` is not a dependency of this
 * package: it is loaded from the server package, which has it.
 */
import { createRequire } from 'node:module';
import { inject } from 'vitest';
import type { Row } from './generate.js';
import type { SqlRunner } from './differential.js';

const provided = inject('filterPostgres');

/** The PostgreSQL database of the run, or undefined when the legs are skipped. */
export const POSTGRES_URL: string | undefined = 'url' in provided ? provided.url : undefined;

/** Why the PostgreSQL legs are skipped (undefined when they run). */
export const POSTGRES_SKIP: string | undefined = 'skip' in provided ? provided.skip : undefined;

interface PgClient {
  connect(): Promise<void>;
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

export interface PostgresTable {
  runner: SqlRunner;
  close(): Promise<void>;
}

/** A fresh `docs` table (in a schema of its own) holding `rows`; undefined without PERMISSIO_TEST_POSTGRES_URL. */
export async function postgresTable(rows: readonly Row[]): Promise<PostgresTable | undefined> {
  if (POSTGRES_URL === undefined || POSTGRES_URL === '') return undefined;
  const require = createRequire(new URL('../../../server/package.json', import.meta.url));
  const pg = require('pg') as { Client: new (options: { connectionString: string }) => PgClient };
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  const schema = `permissio_filter_${process.pid}_${Date.now()}`;
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}`);
  await client.query(
    'CREATE TABLE docs (key text PRIMARY KEY, uri text, tenant text, owner text, level numeric, public boolean, tags jsonb, due text, dept text)',
  );
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values: unknown[] = [];
    const tuples = chunk.map((r, j) => {
      values.push(r.key, r.uri ?? null, 'default', r.owner ?? null, r.level ?? null, r.public ?? null);
      values.push(
        r.tags === undefined || r.tags === null ? null : JSON.stringify(r.tags),
        r.due ?? null,
        r.dept ?? null,
      );
      const base = j * 9;
      return `(${Array.from({ length: 9 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
    });
    await client.query(`INSERT INTO docs VALUES ${tuples.join(', ')}`, values);
  }
  return {
    runner: async (where, params) =>
      (await client.query(`SELECT key FROM docs WHERE ${where}`, params)).rows.map((r) => String(r.key)),
    close: async () => {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** An in-memory SQLite table of generated rows (better-sqlite3), and the column map of the plans. */
import Database from 'better-sqlite3';
import type { Row } from './generate.js';

export const COLUMNS = {
  key: 'docs.key',
  uri: 'uri',
  owner: 'owner',
  level: 'level',
  public: 'public',
  tags: 'tags',
  due: 'due',
  dept: 'dept',
} as const;

export type Db = InstanceType<typeof Database>;

export function createTable(rows: readonly Row[]): Db {
  const db = new Database(':memory:');
  db.exec(
    'CREATE TABLE docs (key TEXT PRIMARY KEY, uri TEXT, tenant TEXT, owner TEXT, level NUMERIC, public INTEGER, tags TEXT, due TEXT, dept TEXT)',
  );
  const insert = db.prepare(
    'INSERT INTO docs (key, uri, tenant, owner, level, public, tags, due, dept) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const r of rows) {
      insert.run(
        r.key,
        r.uri ?? null,
        'default',
        r.owner ?? null,
        r.level ?? null,
        r.public === undefined || r.public === null ? null : r.public ? 1 : 0,
        r.tags === undefined || r.tags === null ? null : JSON.stringify(r.tags),
        r.due ?? null,
        r.dept ?? null,
      );
    }
  })();
  return db;
}

/** The check's resource for a row: key, URI and the attributes that are present (null included). */
export function resourceOf(row: Row): { type: string; key: string; uri?: string; attributes: Record<string, unknown> } {
  const { key, uri, ...attributes } = row;
  const resource: { type: string; key: string; uri?: string; attributes: Record<string, unknown> } = {
    type: 'doc',
    key,
    attributes,
  };
  if (uri !== undefined) resource.uri = uri;
  return resource;
}

/** The predicate's row: `{key, uri, tenant, ...attributes}`. */
export function predicateRow(row: Row): Record<string, unknown> {
  return { ...row, tenant: 'default' };
}

/**
 * `toDrizzle`: the same rows as the check, through Drizzle on a real SQLite
 * database (drizzle-orm/better-sqlite3) — generated policy and table.
 */
import type { Filter } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { pgTable, text as pgText } from 'drizzle-orm/pg-core';
import { PgDialect } from 'drizzle-orm/pg-core';
import { integer, numeric, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { toDrizzle } from '../src/drizzle.js';
import { PermissioFilterError } from '../src/index.js';
import { ACTIONS, generateWorld, mulberry32 } from './support/generate.js';
import { createTable, resourceOf } from './support/sqlite.js';

const docs = sqliteTable('docs', {
  key: text('key').primaryKey(),
  uri: text('uri'),
  owner: text('owner'),
  level: numeric('level', { mode: 'number' }),
  public: integer('public'),
  tags: text('tags'),
  due: text('due'),
  dept: text('dept'),
});
const COLUMNS = {
  key: docs.key,
  uri: docs.uri,
  owner: docs.owner,
  level: docs.level,
  public: docs.public,
  tags: docs.tags,
  due: docs.due,
  dept: docs.dept,
};

describe('toDrizzle', () => {
  it('selects exactly the rows the check allows (SQLite, 30 users × 3 actions × 1,000 rows)', () => {
    const world = generateWorld(mulberry32(11), 30, 1000);
    const engine = createEngine(world.snapshot);
    const sqlite = createTable(world.rows);
    const db = drizzle(sqlite);
    let allowed = 0;
    try {
      for (const u of world.users) {
        for (const action of ACTIONS) {
          const plan = engine.plan(u.key, action, 'doc', { tenant: u.tenant, context: u.context });
          const got = db
            .select({ key: docs.key })
            .from(docs)
            .where(toDrizzle(plan, COLUMNS))
            .all()
            .map((r) => r.key)
            .sort();
          const want = world.rows
            .filter((row) =>
              engine.check({ user: u.key, action, resource: resourceOf(row), tenant: u.tenant, context: u.context }),
            )
            .map((r) => r.key)
            .sort();
          allowed += want.length;
          expect(got, JSON.stringify({ user: u.key, action, plan })).toEqual(want);
        }
      }
      expect(allowed).toBeGreaterThan(0);
    } finally {
      sqlite.close();
    }
  });

  it('binds values as parameters and reads the dialect from the columns', () => {
    const filter: Filter = { field: 'owner', op: 'eq', value: "x'; --", type: 'string' };
    const sqlite = drizzle(createTable([]))
      .select()
      .from(docs)
      .where(toDrizzle({ kind: 'conditional', filter }, COLUMNS))
      .toSQL();
    expect(sqlite.sql).toContain('"docs"."owner" = ?');
    expect(sqlite.params).toEqual(["x'; --"]);

    const pgDocs = pgTable('docs', { owner: pgText('owner') });
    const pg = new PgDialect().sqlToQuery(toDrizzle({ kind: 'conditional', filter }, { owner: pgDocs.owner }));
    expect(pg.sql).toBe('("docs"."owner" = $1)');
    expect(pg.params).toEqual(["x'; --"]);
  });

  it('throws a PermissioFilterError naming an unmapped field', () => {
    const plan = { kind: 'conditional' as const, filter: { field: 'secret', op: 'eq' as const, value: 1 } };
    expect(() => toDrizzle(plan, COLUMNS)).toThrow(PermissioFilterError);
    expect(() => toDrizzle(plan, COLUMNS)).toThrow(/"secret"/);
  });
});

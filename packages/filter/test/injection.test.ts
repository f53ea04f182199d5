/**
 * Values never reach the SQL text: keys, URIs and attribute values holding
 * quotes, LIKE wildcards, backslashes, comment and statement separators, NUL
 * and non-ASCII characters are returned exactly (and nothing else is), and
 * two plans that differ only in values compile to the same SQL text.
 */
import type { Filter, ResourcePlan } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { toPredicate, toSql } from '../src/index.js';
import { POSTGRES_SKIP, postgresTable } from './support/postgres.js';

const NASTY = [
  "o'brien",
  '"quoted"',
  '100%',
  'a_b',
  'back\\slash',
  'x--y',
  "'; DROP TABLE docs; --",
  'nul\u0000byte',
  'ünïcödé ✓ 𝄞',
  '%',
  '_',
  '\\',
  "\\'",
];
// Near misses that a spliced or unescaped value would let through.
const DECOYS = ['obrien', 'quoted', '100', '1000', 'aXb', 'backslash', 'xy', 'anything', 'nul', 'unicode', 'Z', 'b'];

const db = new Database(':memory:');
db.exec('CREATE TABLE docs (key TEXT PRIMARY KEY, uri TEXT, owner TEXT, tags TEXT)');
const insert = db.prepare('INSERT INTO docs (key, uri, owner, tags) VALUES (?, ?, ?, ?)');
const rows = [...NASTY, ...DECOYS].map((v, i) => ({
  key: v,
  uri: `/r/${encodeURIComponent(v.split('\u0000').join(''))}${i % 2 === 0 ? '/child' : ''}`,
  owner: v,
  tags: [v],
}));
for (const r of rows) insert.run(r.key, r.uri, r.owner, JSON.stringify(r.tags));
afterAll(() => db.close());

const COLUMNS = { key: 'docs.key', uri: 'uri', owner: 'owner', tags: 'tags' };

function selected(plan: ResourcePlan): string[] {
  const { sql, params } = toSql(plan, { columns: COLUMNS, dialect: 'sqlite' });
  return (
    db
      .prepare(`SELECT key FROM docs WHERE ${sql}`)
      .pluck()
      .all(...params) as string[]
  ).sort();
}

function conditional(filter: Filter): ResourcePlan {
  return { kind: 'conditional', filter };
}

const shapes: Record<string, (v: string) => Filter> = {
  'key in': (v) => ({ field: 'key', op: 'in', value: [v], type: 'string' }),
  'owner eq': (v) => ({ field: 'owner', op: 'eq', value: v, type: 'string' }),
  'owner startsWith': (v) => ({ field: 'owner', op: 'startsWith', value: v, type: 'string' }),
  'owner contains': (v) => ({ field: 'owner', op: 'contains', value: v, type: 'string' }),
  'tags contains': (v) => ({ field: 'tags', op: 'contains', value: v, type: 'array' }),
  'tags containsAll': (v) => ({ field: 'tags', op: 'containsAll', value: [v], type: 'array' }),
  'tags eq': (v) => ({ field: 'tags', op: 'eq', value: [v], type: 'array' }),
};

describe('injection', () => {
  for (const [name, shape] of Object.entries(shapes)) {
    it(`${name}: every hostile value selects exactly its rows, by SQL and by predicate`, () => {
      for (const value of NASTY) {
        const plan = conditional(shape(value));
        const predicate = toPredicate(plan);
        const expected = rows
          .filter((r) => predicate(r))
          .map((r) => r.key)
          .sort();
        expect(selected(plan), JSON.stringify(value)).toEqual(expected);
        expect(expected).toContain(value);
      }
    });
  }

  it('exact equality selects only the value itself (no wildcard, no quote escape, no comment)', () => {
    for (const value of NASTY) {
      expect(selected(conditional(shapes['owner eq']?.(value) as Filter))).toEqual([value]);
      expect(selected(conditional(shapes['key in']?.(value) as Filter))).toEqual([value]);
    }
  });

  it('under escapes %, _ and \\ in the LIKE pattern and respects segment boundaries', () => {
    for (const r of rows) {
      const parent = r.uri.endsWith('/child') ? r.uri.slice(0, -'/child'.length) : r.uri;
      const plan = conditional({ field: 'uri', op: 'under', value: [parent], type: 'string' });
      expect(selected(plan)).toEqual([r.key]);
    }
    // `_` and `%` are literal: /r/a_b does not cover /r/aXb/child.
    expect(selected(conditional({ field: 'uri', op: 'under', value: ['/r/a_'], type: 'string' }))).toEqual([]);
    expect(selected(conditional({ field: 'uri', op: 'under', value: ['/r/100%25'], type: 'string' }))).toEqual([
      '100%',
    ]);
    // Case-sensitive although SQLite's LIKE is not.
    expect(selected(conditional({ field: 'uri', op: 'under', value: ['/R'], type: 'string' }))).toEqual([]);
  });

  it('the SQL text is identical for plans that differ only in values', () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      for (const [name, shape] of Object.entries(shapes)) {
        const texts = new Set(
          [...NASTY, ...DECOYS].map((v) => toSql(conditional(shape(v)), { columns: COLUMNS, dialect }).sql),
        );
        expect(texts.size, `${dialect} ${name}`).toBe(1);
        const [text] = texts;
        for (const v of NASTY.filter((x) => x.length > 2)) expect(text).not.toContain(v);
      }
      const under = (uris: string[]) =>
        toSql(conditional({ field: 'uri', op: 'under', value: uris, type: 'string' }), { columns: COLUMNS, dialect });
      expect(under(['/a', "/b'; --"]).sql).toBe(under(['/%', '/_\\']).sql);
      const many = (keys: string[]) =>
        toSql(conditional({ field: 'key', op: 'in', value: keys, type: 'string' }), { columns: COLUMNS, dialect });
      // One parameter for a whole list, whatever its length.
      expect(many(['a']).sql).toBe(many(NASTY).sql);
      expect(many(NASTY).params).toEqual([JSON.stringify(NASTY)]);
    }
  });

  it('keys granted through the engine come back exactly', () => {
    const valid = NASTY.filter((k) => !k.includes('\u0000'));
    const engine = createEngine({
      resources: [{ key: 'doc', actions: ['read'] }],
      roles: [{ key: 'viewer', permissions: ['doc:read'] }],
      roleAssignments: valid.map((k) => ({ user: 'u', role: 'viewer', resourceInstance: `doc:${k}` })),
    });
    const plan = engine.plan('u', 'read', 'doc');
    expect(selected(plan)).toEqual([...valid].sort());
  });
});

// The same hostile values on PostgreSQL (the run's throwaway server or PERMISSIO_TEST_POSTGRES_URL; skipped, with the
// reason, where neither exists).
describe('injection on PostgreSQL', () => {
  it('every hostile value selects exactly its rows', async (ctx) => {
    if (POSTGRES_SKIP !== undefined) ctx.skip(`PostgreSQL leg skipped: ${POSTGRES_SKIP}`);
    const pgRows = rows.filter((r) => !r.key.includes('\u0000')); // PostgreSQL text cannot hold NUL
    const table = await postgresTable(pgRows.map((r) => ({ key: r.key, uri: r.uri, owner: r.owner, tags: r.tags })));
    if (table === undefined) throw new Error('no PostgreSQL table');
    try {
      for (const [name, shape] of Object.entries(shapes)) {
        for (const value of NASTY.filter((v) => !v.includes('\u0000'))) {
          const plan = conditional(shape(value));
          const { sql, params } = toSql(plan, { columns: { ...COLUMNS, key: 'docs.key' }, dialect: 'postgres' });
          const got = (await table.runner(sql, params)).sort();
          const predicate = toPredicate(plan);
          expect(got, `${name} ${JSON.stringify(value)}`).toEqual(
            pgRows
              .filter((r) => predicate(r))
              .map((r) => r.key)
              .sort(),
          );
        }
      }
    } finally {
      await table.close();
    }
  });
});

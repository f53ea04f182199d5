/** toSql / toPredicate: constants, placeholders and typed errors naming the field. */
import type { ResourcePlan } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { PermissioFilterError, toPredicate, toSql } from '../src/index.js';

const columns = { key: 'id', uri: 'path', owner: 'owner_id', tags: 'docs.tags', meta: 'meta', value: 'value' };

function errorOf(run: () => unknown): PermissioFilterError {
  try {
    run();
  } catch (error) {
    if (error instanceof PermissioFilterError) return error;
    throw error;
  }
  throw new Error('expected a PermissioFilterError');
}

describe('toSql', () => {
  it('always and never are 1=1 and 1=0 with no parameters', () => {
    expect(toSql({ kind: 'always' }, { columns, dialect: 'sqlite' })).toEqual({ sql: '1=1', params: [] });
    expect(toSql({ kind: 'never' }, { columns: {}, dialect: 'postgres' })).toEqual({ sql: '1=0', params: [] });
  });

  it('numbers PostgreSQL placeholders from firstParam and quotes qualified columns', () => {
    const plan: ResourcePlan = {
      kind: 'conditional',
      filter: {
        anyOf: [
          { field: 'owner', op: 'eq', value: 'u1', type: 'string' },
          { field: 'key', op: 'in', value: ['a', 'b'], type: 'string' },
        ],
      },
    };
    const pg = toSql(plan, { columns: { ...columns, owner: 'd.owner_id' }, dialect: 'postgres', firstParam: 3 });
    expect(pg.sql).toContain('"d"."owner_id" = $3');
    expect(pg.sql).toContain('$4');
    expect(pg.params).toEqual(['u1', '["a","b"]']);
    expect(toSql(plan, { columns, dialect: 'sqlite' }).sql).toBe(
      '(("owner_id" = ?) OR ("id" IN (SELECT value FROM json_each(?))))',
    );
  });

  it('throws a PermissioFilterError naming an unmapped field, whatever the operator', () => {
    for (const op of ['eq', 'exists', 'in'] as const) {
      const value = op === 'exists' ? true : op === 'in' ? ['x'] : 'x';
      const error = errorOf(() =>
        toSql(
          { kind: 'conditional', filter: { field: 'dept', op, value, type: 'string' } },
          { columns, dialect: 'sqlite' },
        ),
      );
      expect(error.field).toBe('dept');
      expect(error.message).toContain('"dept"');
      expect(error.code).toBe('FILTER_ERROR');
    }
    // An inherited name is not a mapping.
    expect(
      errorOf(() =>
        toSql(
          { kind: 'conditional', filter: { field: 'toString', op: 'exists', value: true } },
          { columns, dialect: 'sqlite' },
        ),
      ).field,
    ).toBe('toString');
  });

  it('refuses an operator the field type cannot support in SQL, naming the field', () => {
    const json = errorOf(() =>
      toSql(
        { kind: 'conditional', filter: { field: 'meta', op: 'eq', value: { a: 1 }, type: 'json' } },
        { columns, dialect: 'sqlite' },
      ),
    );
    expect(json.field).toBe('meta');
    const op = errorOf(() =>
      toSql(
        { kind: 'conditional', filter: { field: 'owner', op: 'gt', value: 'x', type: 'string' } },
        { columns, dialect: 'postgres' },
      ),
    );
    expect(op.message).toMatch(/gt.*"owner"/);
    // An array column json_each would shadow.
    const shadow = errorOf(() =>
      toSql(
        { kind: 'conditional', filter: { field: 'value', op: 'contains', value: 'x', type: 'array' } },
        { columns, dialect: 'sqlite' },
      ),
    );
    expect(shadow.message).toContain('qualify');
  });

  it('refuses malformed plans (fail closed)', () => {
    for (const plan of [
      null,
      { kind: 'sometimes' },
      { kind: 'conditional' },
      { kind: 'conditional', filter: { field: 'owner', op: 'like', value: 'x' } },
      { kind: 'conditional', filter: { field: 'owner', op: 'in', value: 'x', type: 'string' } },
      { kind: 'conditional', filter: { field: 'due', op: 'gt', value: 'yesterday', type: 'time' } },
    ]) {
      expect(() => toSql(plan as ResourcePlan, { columns: { ...columns, due: 'due' }, dialect: 'sqlite' })).toThrow(
        PermissioFilterError,
      );
      expect(() => toPredicate(plan as ResourcePlan)).toThrow(PermissioFilterError);
    }
  });
});

describe('toPredicate', () => {
  it('is three-valued: not over a missing value selects nothing; exists is never unknown', () => {
    const notOwner = toPredicate({
      kind: 'conditional',
      filter: { not: { field: 'owner', op: 'eq', value: 'u1', type: 'string' } },
    });
    expect(notOwner({ owner: 'u2' })).toBe(true);
    expect(notOwner({ owner: 'u1' })).toBe(false);
    expect(notOwner({})).toBe(false);
    expect(notOwner({ owner: null })).toBe(false);
    expect(notOwner({ owner: 7 })).toBe(false);
    const absent = toPredicate({ kind: 'conditional', filter: { not: { field: 'owner', op: 'exists', value: true } } });
    expect(absent({})).toBe(true);
    expect(absent({ owner: null })).toBe(true);
    expect(absent({ owner: '' })).toBe(false);
  });

  it('compares times as instants and URIs on segment boundaries', () => {
    const after = toPredicate({
      kind: 'conditional',
      filter: { field: 'due', op: 'eq', value: '2024-01-01T00:00:00Z', type: 'time' },
    });
    expect(after({ due: '2024-01-01T02:00:00+02:00' })).toBe(true);
    expect(after({ due: '2024-01-01T00:00:00' })).toBe(false);
    const under = toPredicate({ kind: 'conditional', filter: { field: 'uri', op: 'under', value: ['/p/1'] } });
    expect(['/p/1', '/p/1/x', '/p/10', '/p', '/P/1/x'].map((uri) => under({ uri }))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    const root = toPredicate({ kind: 'conditional', filter: { field: 'uri', op: 'under', value: ['/'] } });
    expect([root({ uri: '/' }), root({ uri: '/a/b' }), root({})]).toEqual([true, true, false]);
  });
});

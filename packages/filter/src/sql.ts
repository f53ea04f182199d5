/**
 * `toSql(plan, {columns, dialect})`: a WHERE fragment with positional
 * parameters (`?` for SQLite, `$1…` for PostgreSQL) and the values to bind.
 * Every value is a parameter; column names are quoted identifiers.
 */
import type { ResourcePlan } from '@permissio/core';
import { PermissioFilterError } from './errors.js';
import { compileFragments } from './fragments.js';
import type { Dialect } from './fragments.js';

export type { Dialect } from './fragments.js';

/**
 * Plan field → column. `key`, `uri`, `tenant` and attribute names map to a
 * column name, optionally qualified (`'documents.owner_id'`); each dotted part
 * is quoted as an identifier. Array fields are JSON text (SQLite) or
 * json/jsonb/text (PostgreSQL) columns; time fields ISO 8601 text (SQLite) or
 * anything castable to `timestamptz` (PostgreSQL); bool fields 0/1 (SQLite).
 */
export type ColumnMap = Readonly<Record<string, string>>;

export interface ToSqlOptions {
  columns: ColumnMap;
  dialect: Dialect;
  /**
   * Number of the first PostgreSQL placeholder (`$n`), for a fragment placed
   * after other parameters of the query.
   * @defaultValue 1
   */
  firstParam?: number;
}

/** A WHERE fragment and the values to bind, in order. */
export interface SqlFilter {
  sql: string;
  params: unknown[];
}

/** Quotes a (possibly qualified) column name: `documents.owner_id` → `"documents"."owner_id"`. */
export function quoteColumn(name: string, field: string): string {
  const parts = name.split('.');
  if (name === '' || parts.some((p) => p === '') || name.includes('\u0000')) {
    throw new PermissioFilterError(
      `toSql: the column of field ${JSON.stringify(field)} must be a column name, optionally qualified ('table.column'); got ${JSON.stringify(name)}.`,
      field,
    );
  }
  return parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
}

/** The column of `field` in `columns` (own keys only), or a PermissioFilterError naming the field. */
export function columnOf(columns: Readonly<Record<string, unknown>>, field: string, where: string): unknown {
  if (typeof columns !== 'object' || columns === null) {
    throw new PermissioFilterError(`${where}: "columns" must map every plan field to a column.`);
  }
  const column = Object.hasOwn(columns, field) ? columns[field] : undefined;
  if (column === undefined || column === null) {
    throw new PermissioFilterError(
      `${where}: the plan filters on field ${JSON.stringify(field)}, which has no column; add it to columns ({ ${JSON.stringify(field)}: '<column>' }).`,
      field,
    );
  }
  return column;
}

/** Compiles `plan` into a parameterised WHERE fragment. Throws `PermissioFilterError` (unmapped field, unsupported operator, malformed plan). */
export function toSql(plan: ResourcePlan, options: ToSqlOptions): SqlFilter {
  if (typeof options !== 'object' || options === null) {
    throw new PermissioFilterError("toSql: options {columns, dialect: 'sqlite' | 'postgres'} are required.");
  }
  const { columns, dialect } = options;
  const names = new Map<string, string>();
  const nameOf = (field: string): string => {
    const column = columnOf(columns, field, 'toSql');
    if (typeof column !== 'string') {
      throw new PermissioFilterError(`toSql: the column of field ${JSON.stringify(field)} must be a string.`, field);
    }
    if (!names.has(field)) names.set(field, quoteColumn(column, field));
    return column;
  };
  const fragments = compileFragments(plan, dialect, 'toSql', nameOf);
  let next = options.firstParam ?? 1;
  if (!Number.isInteger(next) || next < 1)
    throw new PermissioFilterError('toSql: firstParam must be a positive integer.');
  let sql = '';
  const params: unknown[] = [];
  for (const f of fragments) {
    if ('text' in f) sql += f.text;
    else if ('column' in f) sql += names.get(f.column) as string;
    else {
      params.push(f.param);
      sql += dialect === 'sqlite' ? '?' : `$${next++}`;
    }
  }
  return { sql, params };
}

/**
 * `@permissio/filter/drizzle`: a plan as a Drizzle `SQL` condition, for
 * `db.select().from(documents).where(toDrizzle(plan, {key: documents.id, …}))`.
 * Same compilation as `toSql` (values are parameters, LIKE escaped, three-valued
 * logic kept); the dialect is read from the columns (SQLite or PostgreSQL
 * tables) or given as an option. `drizzle-orm` is an optional peer dependency.
 */
import type { ResourcePlan } from '@permissio/core';
import { type Column, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { PermissioFilterError } from './errors.js';
import type { Dialect } from './fragments.js';
import { compileFragments } from './fragments.js';
import { columnOf } from './sql.js';

/** Plan field → Drizzle column (or any SQL expression: `sql\`lower(${t.owner})\``). */
export type DrizzleColumnMap = Readonly<Record<string, Column | SQLWrapper>>;

export interface ToDrizzleOptions {
  /** Needed only when no mapped column tells (columns of a SQLite or PostgreSQL table do). */
  dialect?: Dialect;
}

function dialectOf(columns: DrizzleColumnMap): Dialect | undefined {
  for (const column of Object.values(columns)) {
    const type = (column as { columnType?: unknown }).columnType;
    if (typeof type === 'string') {
      if (type.startsWith('SQLite')) return 'sqlite';
      if (type.startsWith('Pg')) return 'postgres';
    }
  }
  return undefined;
}

/**
 * Compiles `plan` into a Drizzle condition. Throws `PermissioFilterError`
 * (unmapped field, unsupported operator, malformed plan, unknown dialect).
 */
export function toDrizzle(plan: ResourcePlan, columns: DrizzleColumnMap, options: ToDrizzleOptions = {}): SQL {
  if (typeof columns !== 'object' || columns === null) {
    throw new PermissioFilterError('toDrizzle: "columns" must map every plan field to a Drizzle column.');
  }
  const dialect = options.dialect ?? dialectOf(columns);
  if (dialect === undefined) {
    throw new PermissioFilterError(
      "toDrizzle: cannot tell the SQL dialect from the columns; pass { dialect: 'sqlite' | 'postgres' }.",
    );
  }
  const fragments = compileFragments(plan, dialect, 'toDrizzle', (field) => {
    const column = columnOf(columns, field, 'toDrizzle');
    // Drizzle writes columns qualified by their table, so json_each's columns cannot shadow them.
    const name = (column as { name?: unknown }).name;
    return typeof name === 'string' ? `table.${name}` : 'expression.';
  });
  const out = sql.empty();
  for (const f of fragments) {
    if ('text' in f) out.append(sql.raw(f.text));
    else if ('column' in f) out.append(sql`${columns[f.column] as SQLWrapper}`);
    else out.append(sql`${sql.param(f.param)}`);
  }
  return out;
}

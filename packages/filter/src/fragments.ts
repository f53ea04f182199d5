/**
 * The dialect-independent compilation of a plan: a list of SQL text pieces,
 * column references (by plan field) and parameters. `toSql` renders it as
 * text with placeholders; `toDrizzle` as a Drizzle `SQL` object. Values are
 * only ever parameters: the SQL text depends on the plan's shape (operators,
 * fields, list emptiness, value types), never on its values.
 *
 * Three-valued logic maps onto SQL's: a comparison on NULL is NULL, `NOT NULL`
 * is NULL, AND/OR are Kleene, and WHERE keeps only TRUE rows. Where SQL would
 * answer FALSE instead of NULL (an empty `IN`, a non-array JSON value), the
 * expression is written so that it answers NULL, as the check says UNKNOWN.
 */
import type { ResourcePlan } from '@permissio/core';
import { PermissioFilterError } from './errors.js';
import type { Leaf, Node } from './plan-tree.js';
import { readPlan } from './plan-tree.js';

export type Dialect = 'sqlite' | 'postgres';

export type Fragment = { text: string } | { column: string } | { param: unknown };

/** Names of json_each's columns: an unqualified column with one of these names is shadowed inside its subqueries. */
const JSON_EACH_COLUMNS: ReadonlySet<string> = new Set([
  'key',
  'value',
  'type',
  'atom',
  'id',
  'parent',
  'fullkey',
  'path',
  'json',
  'root',
]);

class Builder {
  readonly out: Fragment[] = [];
  constructor(
    readonly dialect: Dialect,
    readonly where: string,
    /** The column a field is mapped to, as the caller wrote it (rendering is the caller's); throws when unmapped. */
    readonly columnName: (field: string) => string,
  ) {}

  text(text: string): this {
    this.out.push({ text });
    return this;
  }
  column(field: string): this {
    this.out.push({ column: field });
    return this;
  }
  param(value: unknown): this {
    this.out.push({ param: value });
    return this;
  }
}

/** Compiles a plan. `columnName(field)` throws for an unmapped field. */
export function compileFragments(
  plan: ResourcePlan,
  dialect: Dialect,
  where: string,
  columnName: (field: string) => string,
): Fragment[] {
  if (dialect !== 'sqlite' && dialect !== 'postgres') {
    throw new PermissioFilterError(`${where}: dialect must be 'sqlite' or 'postgres', got ${JSON.stringify(dialect)}.`);
  }
  const tree = readPlan(plan, where);
  const b = new Builder(dialect, where, columnName);
  if (tree.kind === 'always') return b.text('1=1').out;
  if (tree.kind === 'never') return b.text('1=0').out;
  node(b, tree.node);
  return b.out;
}

function node(b: Builder, n: Node): void {
  switch (n.kind) {
    case 'allOf':
    case 'anyOf': {
      if (n.children.length === 0) {
        b.text(n.kind === 'allOf' ? '1=1' : '1=0');
        return;
      }
      b.text('(');
      n.children.forEach((child, i) => {
        if (i > 0) b.text(n.kind === 'allOf' ? ' AND ' : ' OR ');
        node(b, child);
      });
      b.text(')');
      return;
    }
    case 'not':
      b.text('(NOT ');
      node(b, n.child);
      b.text(')');
      return;
    default:
      leaf(b, n);
  }
}

function unsupported(b: Builder, l: Leaf, why: string): never {
  throw new PermissioFilterError(
    `${b.where}: field ${JSON.stringify(l.field)} (${l.type}) cannot be filtered with ${l.op} in SQL: ${why}.`,
    l.field,
  );
}

const COMPARE: Readonly<Record<string, string>> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function leaf(b: Builder, l: Leaf): void {
  const name = b.columnName(l.field); // throws for an unmapped field, whatever the operator
  if (l.op === 'exists') {
    b.text('(')
      .column(l.field)
      .text(l.value === true ? ' IS NOT NULL)' : ' IS NULL)');
    return;
  }
  switch (l.type) {
    case 'json':
    case 'object':
      unsupported(b, l, 'only exists is supported on json and object fields (use toPredicate)');
      break;
    case 'array':
      arrayLeaf(b, l, name);
      break;
    case 'string-or-array':
      unsupported(b, l, 'give the comparison a type (string or array) so the column can be read');
      break;
    default:
      scalarLeaf(b, l);
  }
}

/** The column as a comparable value: times become epoch milliseconds (SQLite) or timestamptz (PostgreSQL). */
function value(b: Builder, l: Leaf): Builder {
  if (l.type !== 'time') return b.column(l.field);
  if (b.dialect === 'sqlite') {
    return b
      .text('(CASE WHEN typeof(')
      .column(l.field)
      .text(") = 'text' THEN ROUND((julianday(")
      .column(l.field)
      .text(') - 2440587.5) * 86400000) END)');
  }
  return b.text('CAST(').column(l.field).text(' AS timestamptz)');
}

/** A scalar parameter in the dialect's form. */
function scalarParam(b: Builder, l: Leaf, v: unknown): Builder {
  if (l.type === 'time') {
    if (b.dialect === 'sqlite') return b.param(v);
    return b
      .text('CAST(')
      .param(new Date(v as number).toISOString())
      .text(' AS timestamptz)');
  }
  if (typeof v === 'boolean' && b.dialect === 'sqlite') return b.param(v ? 1 : 0);
  return b.param(v);
}

/** A list parameter: one JSON array (so the SQL text does not depend on the list's length). */
function listParam(b: Builder, l: Leaf, list: readonly unknown[]): Builder {
  if (b.dialect === 'sqlite') {
    return b.text('(SELECT value FROM json_each(').param(JSON.stringify(list)).text('))');
  }
  if (l.type === 'time') {
    const isoList = list.map((ms) => new Date(ms as number).toISOString());
    return b
      .text('(SELECT CAST(pf_e AS timestamptz) FROM jsonb_array_elements_text(CAST(')
      .param(JSON.stringify(isoList))
      .text(' AS jsonb)) AS pf_l(pf_e))');
  }
  const cast = l.type === 'number' ? 'numeric' : l.type === 'bool' ? 'boolean' : 'text';
  return b
    .text(`(SELECT CAST(pf_e AS ${cast}) FROM jsonb_array_elements_text(CAST(`)
    .param(JSON.stringify(list))
    .text(' AS jsonb)) AS pf_l(pf_e))');
}

/** Escapes `\`, `%` and `_` for `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function scalarLeaf(b: Builder, l: Leaf): void {
  const op = l.op;
  const compare = COMPARE[op];
  if (compare !== undefined) {
    b.text('(');
    value(b, l).text(` ${compare} `);
    scalarParam(b, l, l.value).text(')');
    return;
  }
  switch (op) {
    case 'in':
    case 'nin': {
      const list = l.value as unknown[];
      if (list.length === 0) {
        // NULL on a NULL value (UNKNOWN), else FALSE (in) / TRUE (nin): SQL's `NULL IN ()` would be FALSE.
        b.text('(');
        value(b, l).text(op === 'in' ? ' IS NULL AND NULL)' : ' IS NOT NULL OR NULL)');
        return;
      }
      b.text(op === 'in' ? '(' : '(NOT (');
      value(b, l).text(' IN ');
      listParam(
        b,
        l,
        list.map((v) => (typeof v === 'boolean' && b.dialect === 'sqlite' ? (v ? 1 : 0) : v)),
      );
      b.text(op === 'in' ? ')' : '))');
      return;
    }
    case 'contains':
      // Substring, case-sensitive (SQLite's LIKE is not).
      b.text(b.dialect === 'sqlite' ? '(instr(' : '(strpos(')
        .column(l.field)
        .text(', ')
        .param(l.value)
        .text(') > 0)');
      return;
    case 'startsWith':
      if (b.dialect === 'sqlite') b.text('(instr(').column(l.field).text(', ').param(l.value).text(') = 1)');
      else b.text('starts_with(').column(l.field).text(', ').param(l.value).text(')');
      return;
    case 'under': {
      const uris = l.value as string[];
      if (uris.length === 0) {
        b.text('(').column(l.field).text(' IS NULL AND NULL)');
        return;
      }
      b.text('(');
      uris.forEach((uri, i) => {
        if (i > 0) b.text(' OR ');
        const below = uri === '/' ? '/' : `${uri}/`;
        b.text('(').column(l.field).text(' = ').param(uri).text(' OR (');
        if (b.dialect === 'sqlite') {
          // Every URI below starts with `<uri>/`, so it sorts in [`<uri>/`, `<uri>0`) ('0' follows '/'):
          // a range an index on the column can serve. The LIKE and the exact prefix test decide.
          b.column(l.field).text(' >= ').param(below).text(' AND ').column(l.field).text(' < ');
          b.param(`${below.slice(0, -1)}0`).text(' AND ');
        }
        b.column(l.field)
          .text(' LIKE ')
          .param(`${escapeLike(below)}%`)
          .text(" ESCAPE '\\'");
        // SQLite's LIKE ignores ASCII case: the prefix test keeps the match exact.
        if (b.dialect === 'sqlite') b.text(' AND instr(').column(l.field).text(', ').param(below).text(') = 1');
        b.text('))');
      });
      b.text(')');
      return;
    }
    default:
      unsupported(b, l, 'not a scalar operator');
  }
}

/**
 * Array fields are JSON text columns (SQLite: `json_each`; PostgreSQL: cast to
 * `jsonb`). The comparison is NULL (UNKNOWN) unless the column holds a JSON array.
 */
function arrayLeaf(b: Builder, l: Leaf, name: string): void {
  if (b.dialect === 'sqlite') {
    const bare = name.includes('.') ? undefined : name;
    if (bare !== undefined && JSON_EACH_COLUMNS.has(bare)) {
      throw new PermissioFilterError(
        `${b.where}: array field ${JSON.stringify(l.field)} is mapped to the unqualified column ${JSON.stringify(name)}, which json_each's ` +
          `own "${bare}" column would shadow; qualify it with its table (e.g. 'documents.${bare}').`,
        l.field,
      );
    }
    sqliteArray(b, l);
  } else {
    postgresArray(b, l);
  }
}

/** json_each element match: same value and the same JSON type (numbers: integer or real alike). */
const SQLITE_MATCH =
  "pf_a.value = pf_b.value AND (CASE pf_a.type WHEN 'real' THEN 'integer' ELSE pf_a.type END) = " +
  "(CASE pf_b.type WHEN 'real' THEN 'integer' ELSE pf_b.type END)";

function sqliteArray(b: Builder, l: Leaf): void {
  const c = l.field;
  const list = l.op === 'contains' ? [l.value] : (l.value as unknown[]);
  const json = JSON.stringify(list);
  b.text('(CASE WHEN json_valid(').column(c).text(') THEN CASE WHEN json_type(').column(c).text(") = 'array' THEN ");
  const every = (): Builder =>
    b
      .text('NOT EXISTS (SELECT 1 FROM json_each(')
      .param(json)
      .text(') AS pf_b WHERE NOT EXISTS (SELECT 1 FROM json_each(')
      .column(c)
      .text(`) AS pf_a WHERE ${l.op === 'eq' || l.op === 'ne' ? 'pf_a.key = pf_b.key AND ' : ''}${SQLITE_MATCH}))`);
  switch (l.op) {
    case 'contains':
    case 'containsAny':
      b.text('EXISTS (SELECT 1 FROM json_each(')
        .column(c)
        .text(') AS pf_a, json_each(')
        .param(json)
        .text(`) AS pf_b WHERE ${SQLITE_MATCH})`);
      break;
    case 'containsAll':
      every();
      break;
    case 'eq':
    case 'ne':
      b.text(l.op === 'ne' ? 'NOT (' : '(')
        .text('json_array_length(')
        .column(c)
        .text(') = json_array_length(')
        .param(json)
        .text(') AND ');
      every();
      b.text(')');
      break;
    default:
      unsupported(b, l, 'not an array operator');
  }
  b.text(' END END)');
}

function postgresArray(b: Builder, l: Leaf): void {
  const c = l.field;
  const list = l.op === 'contains' ? [l.value] : (l.value as unknown[]);
  const json = JSON.stringify(list);
  const jsonb = (): Builder => b.text('CAST(').column(c).text(' AS jsonb)');
  b.text('(CASE WHEN jsonb_typeof(');
  jsonb().text(") = 'array' THEN ");
  switch (l.op) {
    case 'contains':
    case 'containsAll':
      jsonb().text(' @> CAST(').param(json).text(' AS jsonb)');
      break;
    case 'containsAny':
      b.text('EXISTS (SELECT 1 FROM jsonb_array_elements(');
      jsonb().text(') AS pf_a(pf_v) WHERE CAST(').param(json).text(' AS jsonb) @> jsonb_build_array(pf_a.pf_v))');
      break;
    case 'eq':
    case 'ne':
      jsonb()
        .text(l.op === 'eq' ? ' = ' : ' <> ')
        .text('CAST(')
        .param(json)
        .text(' AS jsonb)');
      break;
    default:
      unsupported(b, l, 'not an array operator');
  }
  b.text(' END)');
}

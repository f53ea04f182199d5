/**
 * Reads a plan (which may come from the network, or be written by hand)
 * into a checked tree: every comparison has a known operator, a kind and a
 * value of the right shape. Anything else throws {@link PermissioFilterError}
 * before a single row is filtered, so a malformed plan never selects rows.
 */
import type { AttributeType, FilterOp, ResourcePlan } from '@permissio/core';
import { PermissioFilterError } from './errors.js';
import { parseTime } from '@permissio/core/internal';

/**
 * What a compared value must be: a declared type, or (no `type` in the
 * comparison) what the operator and value imply — `scalar` (string, number or
 * boolean) for `in`/`nin`, `string-or-array` for `contains` with a string.
 */
export type Kind = AttributeType | 'scalar' | 'string-or-array';

/** A checked comparison. `value` is in comparable form: times as epoch ms (lists too). */
export interface Leaf {
  readonly kind: 'leaf';
  readonly field: string;
  readonly op: FilterOp;
  readonly type: Kind;
  readonly value: unknown;
}

export type Node =
  | { readonly kind: 'allOf' | 'anyOf'; readonly children: readonly Node[] }
  | { readonly kind: 'not'; readonly child: Node }
  | Leaf;

export type Tree = { readonly kind: 'always' } | { readonly kind: 'never' } | { readonly kind: 'filter'; node: Node };

const TYPES: ReadonlySet<string> = new Set(['string', 'number', 'bool', 'time', 'array', 'json', 'object']);

/** Operators each kind supports (the engine's table, plus `under` on strings). */
const OPS_BY_KIND: Readonly<Record<Kind, ReadonlySet<FilterOp>>> = {
  string: new Set<FilterOp>(['eq', 'ne', 'in', 'nin', 'contains', 'startsWith', 'exists', 'under']),
  number: new Set<FilterOp>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'exists']),
  bool: new Set<FilterOp>(['eq', 'ne', 'in', 'nin', 'exists']),
  time: new Set<FilterOp>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'exists']),
  array: new Set<FilterOp>(['eq', 'ne', 'contains', 'containsAny', 'containsAll', 'exists']),
  json: new Set<FilterOp>(['eq', 'exists']),
  object: new Set<FilterOp>(['eq', 'exists']),
  scalar: new Set<FilterOp>(['in', 'nin', 'exists']),
  'string-or-array': new Set<FilterOp>(['contains', 'exists']),
};

const MAX_DEPTH = 64;

export function isScalar(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string, field?: string): never {
  throw new PermissioFilterError(message, field);
}

/** Checks and reads a plan. Throws {@link PermissioFilterError}. */
export function readPlan(plan: ResourcePlan, where: string): Tree {
  if (!isRecord(plan)) fail(`${where}: expected a plan {kind: 'always' | 'never' | 'conditional', filter?}.`);
  if (plan.kind === 'always' || plan.kind === 'never') return { kind: plan.kind };
  if (plan.kind !== 'conditional') {
    fail(
      `${where}: unknown plan kind ${JSON.stringify((plan as { kind?: unknown }).kind)}; expected 'always', 'never' or 'conditional'.`,
    );
  }
  return { kind: 'filter', node: readNode((plan as { filter?: unknown }).filter, where, 'filter', 0) };
}

function readNode(filter: unknown, where: string, at: string, depth: number): Node {
  if (depth > MAX_DEPTH) fail(`${where}: the filter at ${at} is nested deeper than ${MAX_DEPTH} levels.`);
  if (!isRecord(filter)) fail(`${where}: ${at} is not a filter object.`);
  if ('allOf' in filter || 'anyOf' in filter) {
    const kind = 'allOf' in filter ? 'allOf' : 'anyOf';
    const list = filter[kind];
    if (!Array.isArray(list)) fail(`${where}: ${at}.${kind} must be an array of filters.`);
    return { kind, children: list.map((child, i) => readNode(child, where, `${at}.${kind}[${i}]`, depth + 1)) };
  }
  if ('not' in filter) return { kind: 'not', child: readNode(filter.not, where, `${at}.not`, depth + 1) };
  return readLeaf(filter, where, at);
}

function readLeaf(filter: Record<string, unknown>, where: string, at: string): Leaf {
  const { field, op, value, type } = filter;
  if (typeof field !== 'string' || field === '') fail(`${where}: ${at}.field must be a non-empty string.`);
  if (typeof op !== 'string') fail(`${where}: ${at}.op must be an operator string (field ${field}).`, field);
  if (type !== undefined && (typeof type !== 'string' || !TYPES.has(type))) {
    fail(`${where}: ${at}.type ${JSON.stringify(type)} is not an attribute type (field ${field}).`, field);
  }
  const kind = (type as AttributeType | undefined) ?? inferKind(op as FilterOp, value, field, where);
  if (OPS_BY_KIND[kind]?.has(op as FilterOp) !== true) {
    fail(
      `${where}: operator ${JSON.stringify(op)} is not defined for field ${JSON.stringify(field)} of type ${kind}; ` +
        `use one of ${[...(OPS_BY_KIND[kind] ?? [])].join(', ')}.`,
      field,
    );
  }
  const bad = (wanted: string): never =>
    fail(`${where}: ${op} on field ${JSON.stringify(field)} (${kind}) needs ${wanted}.`, field);
  const one = (v: unknown): unknown => {
    switch (kind) {
      case 'time': {
        const ms = parseTime(v);
        return Number.isNaN(ms) ? bad('an ISO 8601 time') : ms;
      }
      case 'string':
        return typeof v === 'string' ? v : bad('a string');
      case 'number':
        return typeof v === 'number' && Number.isFinite(v) ? v : bad('a finite number');
      case 'bool':
        return typeof v === 'boolean' ? v : bad('true or false');
      default:
        return isScalar(v) ? v : bad('a string, number or boolean');
    }
  };
  const list = (): unknown[] => (Array.isArray(value) ? value : bad('an array'));
  let read: unknown;
  switch (op as FilterOp) {
    case 'exists':
      read = typeof value === 'boolean' ? value : bad('true or false');
      break;
    case 'in':
    case 'nin':
      read = list().map(one);
      break;
    case 'under':
      read = list().map((p) => (typeof p === 'string' && p.startsWith('/') ? p : bad('an array of URIs')));
      break;
    case 'containsAny':
    case 'containsAll':
      read = list().map((e) => (isScalar(e) ? e : bad('an array of strings, numbers or booleans')));
      break;
    case 'contains':
      read = kind === 'array' ? (isScalar(value) ? value : bad('a string, number or boolean')) : one(value);
      if (kind === 'string-or-array' && typeof value !== 'string') bad('a string');
      break;
    case 'startsWith':
      read = typeof value === 'string' ? value : bad('a string');
      break;
    default:
      if (kind === 'array') {
        read = list().map((e) => (isScalar(e) ? e : bad('an array of strings, numbers or booleans')));
      } else if (kind === 'json' || kind === 'object') {
        read = value === undefined || value === null ? bad('a JSON value') : value;
      } else {
        read = one(value);
      }
  }
  return { kind: 'leaf', field, op: op as FilterOp, type: kind, value: read };
}

/** The kind of a comparison without `type` (as the engine infers it for an untyped path). */
function inferKind(op: FilterOp, value: unknown, field: string, where: string): Kind {
  switch (op) {
    case 'in':
    case 'nin':
      return 'scalar';
    case 'contains':
      return typeof value === 'string' ? 'string-or-array' : 'array';
    case 'containsAny':
    case 'containsAll':
      return 'array';
    case 'startsWith':
    case 'under':
      return 'string';
    case 'exists':
      return 'json';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' ? 'number' : 'time';
    case 'eq':
    case 'ne':
      if (typeof value === 'string') return 'string';
      if (typeof value === 'number') return 'number';
      if (typeof value === 'boolean') return 'bool';
      if (Array.isArray(value)) return 'array';
      return 'object';
    default:
      return fail(
        `${where}: unknown operator ${JSON.stringify(op)} on field ${JSON.stringify(field)}; use one of ` +
          `${[...OPS_BY_KIND.string, ...OPS_BY_KIND.number, ...OPS_BY_KIND.array].filter((o, i, a) => a.indexOf(o) === i).join(', ')}.`,
        field,
      );
  }
}

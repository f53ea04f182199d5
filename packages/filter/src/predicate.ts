/**
 * `toPredicate(plan)`: the plan as an in-memory test over resource rows
 * `{key, uri, tenant, ...attributes}`. Three-valued exactly like the check: a
 * comparison on a missing, `null` or wrong-type value is UNKNOWN (`exists`
 * never is), `not UNKNOWN` is UNKNOWN, and a row is selected only when the
 * filter is TRUE.
 */
import type { ResourcePlan } from '@permissio/core';
import type { Kind, Leaf, Node } from './plan-tree.js';
import { readPlan } from './plan-tree.js';
import { parseTime } from '@permissio/core/internal';

/** A resource row: `key`, `uri`, `tenant` and the attributes, by field name. */
export type ResourceRow = Readonly<Record<string, unknown>>;

type Tri = 1 | 0 | -1;
type Evaluator = (row: ResourceRow) => Tri;

const BAD: unique symbol = Symbol('bad');

/**
 * Compiles `plan` into `(row) => boolean`: `true` exactly when the check
 * would allow the resource the row describes. Throws `PermissioFilterError`
 * on a malformed plan.
 */
export function toPredicate(plan: ResourcePlan): (row: ResourceRow) => boolean {
  const tree = readPlan(plan, 'toPredicate');
  if (tree.kind === 'always') return () => true;
  if (tree.kind === 'never') return () => false;
  const evaluate = compile(tree.node);
  return (row) => evaluate(row) === 1;
}

function compile(node: Node): Evaluator {
  switch (node.kind) {
    case 'allOf': {
      const children = node.children.map(compile);
      return (row) => {
        let result: Tri = 1;
        for (const child of children) {
          const r = child(row);
          if (r === -1) return -1;
          if (r === 0) result = 0;
        }
        return result;
      };
    }
    case 'anyOf': {
      const children = node.children.map(compile);
      return (row) => {
        let result: Tri = -1;
        for (const child of children) {
          const r = child(row);
          if (r === 1) return 1;
          if (r === 0) result = 0;
        }
        return result;
      };
    }
    case 'not': {
      const child = compile(node.child);
      return (row) => (0 - child(row)) as Tri;
    }
    default:
      return leaf(node);
  }
}

/** An own property of the row (never an inherited one such as `constructor`). */
function read(row: ResourceRow, field: string): unknown {
  if (typeof row !== 'object' || row === null) return undefined;
  return Object.hasOwn(row, field) ? row[field] : undefined;
}

function normalize(kind: Kind, value: unknown): unknown {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : BAD;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : BAD;
    case 'bool':
      return typeof value === 'boolean' ? value : BAD;
    case 'time': {
      const ms = parseTime(value);
      return Number.isNaN(ms) ? BAD : ms;
    }
    case 'array':
      return Array.isArray(value) ? value : BAD;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : BAD;
    case 'scalar':
      return typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value))
        ? value
        : BAD;
    case 'string-or-array':
      return typeof value === 'string' || Array.isArray(value) ? value : BAD;
    default:
      return value === undefined || value === null ? BAD : value;
  }
}

function leaf(node: Leaf): Evaluator {
  const { field, type } = node;
  if (node.op === 'exists') {
    const present: Tri = node.value === true ? 1 : -1;
    return (row) => {
      const value = read(row, field);
      return value === undefined || value === null ? (-present as Tri) : present;
    };
  }
  const test = tester(node);
  return (row) => {
    const value = normalize(type, read(row, field));
    if (value === BAD) return 0;
    return test(value) ? 1 : -1;
  };
}

function tester(node: Leaf): (value: unknown) => boolean {
  const operand = node.value;
  const structural = node.type === 'array' || node.type === 'json' || node.type === 'object';
  switch (node.op) {
    case 'eq':
      return structural ? (v) => jsonEquals(v, operand) : (v) => v === operand;
    case 'ne':
      return structural ? (v) => !jsonEquals(v, operand) : (v) => v !== operand;
    case 'gt':
      return (v) => (v as number) > (operand as number);
    case 'gte':
      return (v) => (v as number) >= (operand as number);
    case 'lt':
      return (v) => (v as number) < (operand as number);
    case 'lte':
      return (v) => (v as number) <= (operand as number);
    case 'in': {
      const set = new Set(operand as unknown[]);
      return (v) => set.has(v);
    }
    case 'nin': {
      const set = new Set(operand as unknown[]);
      return (v) => !set.has(v);
    }
    case 'contains':
      return (v) => (v as string | unknown[]).includes(operand as string);
    case 'containsAny': {
      const set = new Set(operand as unknown[]);
      return (v) => (v as unknown[]).some((e) => set.has(e));
    }
    case 'containsAll': {
      const wanted = operand as unknown[];
      return (v) => {
        const have = new Set(v as unknown[]);
        return wanted.every((e) => have.has(e));
      };
    }
    case 'startsWith':
      return (v) => (v as string).startsWith(operand as string);
    default: {
      // under: equal to, or below on a segment boundary (`/` covers every URI).
      const prefixes = (operand as string[]).map((p) => (p === '/' ? '/' : `${p}/`));
      const exact = new Set(operand as string[]);
      return (v) => exact.has(v as string) || prefixes.some((p) => (v as string).startsWith(p));
    }
  }
}

/** Structural equality of JSON values (the engine's `equals` on arrays and objects). */
function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEquals(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!jsonEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * Property: for random condition trees and random attribute records, the
 * compiled evaluator agrees with a slow, direct reference interpreter of the
 * same three-valued semantics (written here, sharing no code with src/).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition } from '../src/conditions/index.js';
import type { AttributeCatalog, EvalInput } from '../src/conditions/index.js';

type T3 = 1 | 0 | -1;
type Kind = 'string' | 'number' | 'bool' | 'time' | 'array' | 'json' | 'object';

const DECLARED: Record<string, Kind> = {
  s: 'string',
  s2: 'string',
  n: 'number',
  n2: 'number',
  b: 'bool',
  t: 'time',
  t2: 'time',
  a: 'array',
  a2: 'array',
  j: 'json',
  o: 'object',
};
const CATALOG: AttributeCatalog = {
  user: Object.entries(DECLARED).map(([key, type]) => ({ key, type })),
  resourceTypes: new Map(),
};

// ---------------------------------------------------------------- reference interpreter

const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
function refTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || !TIME.test(v)) return undefined;
  const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  return Number.isNaN(ms) ? undefined : ms;
}

function read(path: string, input: EvalInput): unknown {
  const [root, ...rest] = path.split('.');
  if (root === 'user') {
    if (rest[0] === 'key') return input.user.key;
    if (rest[0] === 'roles') return input.user.roles;
    return Object.hasOwn(input.user.attributes ?? {}, rest[0]!) ? input.user.attributes![rest[0]!] : undefined;
  }
  let v: unknown = input.context;
  for (const seg of rest) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function typeOf(path: string): Kind | undefined {
  if (path === 'user.key') return 'string';
  if (path === 'user.roles') return 'array';
  return path.startsWith('user.') ? DECLARED[path.slice(5)] : undefined;
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function fits(v: unknown, kind: string): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'time':
      return refTime(v) !== undefined;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'scalar':
      return isScalar(v);
    case 'string-or-array':
      return typeof v === 'string' || Array.isArray(v);
    default:
      return v !== undefined && v !== null;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/** The kind an untyped path is compared as. */
function inferred(op: string, operandKind: string): string {
  if (op === 'equals' || op === 'not-equals') return operandKind;
  if (op.startsWith('greater') || op.startsWith('less')) return operandKind === 'number' ? 'number' : 'time';
  if (op === 'in' || op === 'not-in') return 'scalar';
  if (op === 'contains') return operandKind === 'string' ? 'string-or-array' : 'array';
  if (op === 'starts-with') return 'string';
  return 'array';
}
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function reference(cond: any, input: EvalInput): T3 {
  if ('allOf' in cond) {
    const rs = cond.allOf.map((c: unknown) => reference(c, input));
    return rs.includes(-1) ? -1 : rs.includes(0) ? 0 : 1;
  }
  if ('anyOf' in cond) {
    const rs = cond.anyOf.map((c: unknown) => reference(c, input));
    return rs.includes(1) ? 1 : rs.includes(0) ? 0 : -1;
  }
  if ('not' in cond) {
    const r = reference(cond.not, input);
    return r === 1 ? -1 : r === -1 ? 1 : 0;
  }
  const path = Object.keys(cond)[0]!;
  const op = Object.keys(cond[path])[0]!;
  const raw = cond[path][op];
  const value = read(path, input);
  if (op === 'exists') return (value !== undefined && value !== null) === raw ? 1 : -1;
  const isRef = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && typeof raw.ref === 'string';
  const operand = isRef ? read(raw.ref, input) : raw;
  const kind = typeOf(path) ?? inferred(op, isRef ? typeOf(raw.ref)! : jsonKind(raw));
  if (value === undefined || value === null || !fits(value, kind)) return 0;
  if (operand === undefined || operand === null) return 0;
  const b = (x: boolean): T3 => (x ? 1 : -1);
  const same = (x: unknown, y: unknown) =>
    kind === 'time' ? refTime(x) === refTime(y) : typeof x === 'object' ? deepEqual(x, y) : x === y;
  switch (op) {
    case 'equals':
    case 'not-equals':
      if (!fits(operand, kind)) return 0;
      return b(same(value, operand) === (op === 'equals'));
    case 'greater-than':
    case 'greater-than-equals':
    case 'less-than':
    case 'less-than-equals': {
      if (!fits(operand, kind)) return 0;
      const x = kind === 'time' ? refTime(value)! : (value as number);
      const y = kind === 'time' ? refTime(operand)! : (operand as number);
      if (op === 'greater-than') return b(x > y);
      if (op === 'greater-than-equals') return b(x >= y);
      if (op === 'less-than') return b(x < y);
      return b(x <= y);
    }
    case 'in':
    case 'not-in': {
      if (!Array.isArray(operand)) return 0;
      const found = operand.some((e) => (kind === 'time' ? refTime(e) !== undefined && same(value, e) : e === value));
      return b(found === (op === 'in'));
    }
    case 'contains':
      if (kind === 'array' ? !isScalar(operand) : typeof operand !== 'string') return 0;
      if (typeof value === 'string') return b(value.indexOf(operand as string) >= 0);
      return b((value as unknown[]).some((e) => e === operand));
    case 'contains-any':
      if (!Array.isArray(operand)) return 0;
      return b(operand.some((e) => (value as unknown[]).some((v) => v === e)));
    case 'contains-all':
      if (!Array.isArray(operand)) return 0;
      return b(operand.every((e) => (value as unknown[]).some((v) => v === e)));
    default:
      if (typeof operand !== 'string') return 0;
      return b((value as string).slice(0, operand.length) === operand);
  }
}

// ---------------------------------------------------------------- generators

const STRINGS = ['', 'a', 'ab', 'b', 'A', '5', 'true', '__proto__'];
const NUMBERS = [-1, 0, 1, 2.5, 5, 1e3];
const TIMES = [
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '2024-01-01T02:00:00+02:00',
  '2024-06-01T12:30:00.5Z',
  '2023-12-31T23:59:59Z',
];
const BAD_TIMES = ['2024-01-01T00:00:00', 'today', '2024-13-01'];
const SCALARS = [...STRINGS, ...NUMBERS, true, false];

const scalar = fc.constantFrom<unknown>(...SCALARS);
const arrayOf = fc.array(scalar, { maxLength: 4 });
const jsonValue = fc.oneof(
  scalar,
  arrayOf,
  fc.dictionary(fc.constantFrom('x', 'y', '__proto__'), scalar, { maxKeys: 2 }),
);

/** A value for a typed slot: usually the right kind, sometimes absent / null / another kind. */
function valueFor(kind: Kind): fc.Arbitrary<unknown> {
  const right: Record<Kind, fc.Arbitrary<unknown>> = {
    string: fc.constantFrom(...STRINGS),
    number: fc.constantFrom(...NUMBERS),
    bool: fc.boolean(),
    time: fc.constantFrom(...TIMES, ...BAD_TIMES),
    array: arrayOf,
    json: jsonValue,
    object: fc.dictionary(fc.constantFrom('x', 'y'), scalar, { maxKeys: 2 }),
  };
  return fc.oneof(
    { weight: 6, arbitrary: right[kind] },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: jsonValue },
  );
}

const OPS: Record<Kind, string[]> = {
  string: ['equals', 'not-equals', 'in', 'not-in', 'contains', 'starts-with', 'exists'],
  number: [
    'equals',
    'not-equals',
    'greater-than',
    'greater-than-equals',
    'less-than',
    'less-than-equals',
    'in',
    'not-in',
    'exists',
  ],
  bool: ['equals', 'not-equals', 'in', 'not-in', 'exists'],
  time: ['equals', 'not-equals', 'greater-than', 'less-than-equals', 'in', 'not-in', 'exists'],
  array: ['equals', 'not-equals', 'contains', 'contains-any', 'contains-all', 'exists'],
  json: ['equals', 'exists'],
  object: ['equals', 'exists'],
};

/** A literal operand valid for `op` on `kind`. */
function literal(op: string, kind: Kind): fc.Arbitrary<unknown> {
  if (op === 'exists') return fc.boolean();
  if (op === 'in' || op === 'not-in') return fc.array(literal('equals', kind), { maxLength: 3 });
  if (op === 'contains') return kind === 'array' ? scalar : fc.constantFrom(...STRINGS);
  if (op === 'contains-any' || op === 'contains-all') return arrayOf;
  if (op === 'starts-with') return fc.constantFrom(...STRINGS);
  const lit: Record<Kind, fc.Arbitrary<unknown>> = {
    string: fc.constantFrom(...STRINGS),
    number: fc.constantFrom(...NUMBERS),
    bool: fc.boolean(),
    time: fc.constantFrom(...TIMES),
    array: arrayOf,
    json: jsonValue,
    object: fc.dictionary(fc.constantFrom('x', 'y'), scalar, { maxKeys: 2 }),
  };
  return lit[kind];
}

/** Paths a `ref` operand of `op` on `kind` may name (declared paths of a fitting type, and context). */
function refTargets(op: string, kind: Kind): string[] {
  const of = (...kinds: Kind[]) =>
    Object.keys(DECLARED)
      .filter((k) => kinds.includes(DECLARED[k]!))
      .map((k) => `user.${k}`);
  if (op === 'exists') return [];
  if (op === 'in' || op === 'not-in' || op === 'contains-any' || op === 'contains-all')
    return [...of('array'), 'context.r'];
  if (op === 'contains')
    return kind === 'array' ? [...of('string', 'number', 'bool'), 'context.r'] : [...of('string'), 'context.r'];
  if (op === 'starts-with') return [...of('string'), 'context.r'];
  return [...of(kind), 'context.r'];
}

const typedComparison: fc.Arbitrary<unknown> = fc
  .constantFrom(...Object.keys(DECLARED), 'key', 'roles')
  .chain((attr) => {
    const kind: Kind = attr === 'key' ? 'string' : attr === 'roles' ? 'array' : DECLARED[attr]!;
    return fc.constantFrom(...OPS[kind]).chain((op) => {
      const targets = refTargets(op, kind);
      const operand =
        targets.length === 0
          ? literal(op, kind)
          : fc.oneof(
              { weight: 3, arbitrary: literal(op, kind) },
              { weight: 1, arbitrary: fc.constantFrom(...targets).map((ref) => ({ ref })) },
            );
      return operand.map((o) => ({ [`user.${attr}`]: { [op]: o } }));
    });
  });

/** Untyped `context.c` compared with literals of every JSON kind. */
const contextComparison: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .constantFrom('equals', 'not-equals')
    .chain((op) => fc.oneof(scalar, arrayOf).map((o) => ({ 'context.c': { [op]: o } }))),
  fc
    .constantFrom('greater-than', 'less-than-equals')
    .chain((op) =>
      fc.oneof(fc.constantFrom(...NUMBERS), fc.constantFrom(...TIMES)).map((o) => ({ 'context.c': { [op]: o } })),
    ),
  fc.constantFrom('in', 'not-in').chain((op) => arrayOf.map((o) => ({ 'context.c': { [op]: o } }))),
  fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS)).map((o) => ({ 'context.c': { contains: o } })),
  arrayOf.map((o) => ({ 'context.c': { 'contains-all': o } })),
  fc.constantFrom(...STRINGS).map((o) => ({ 'context.c': { 'starts-with': o } })),
  fc.boolean().map((o) => ({ 'context.c': { exists: o } })),
  fc.constantFrom('user.s', 'user.n', 'user.t').map((ref) => ({ 'context.c': { equals: { ref } } })),
);

const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    typedComparison,
    contextComparison,
    fc.array(tie('tree'), { maxLength: 3 }).map((allOf) => ({ allOf })),
    fc.array(tie('tree'), { maxLength: 3 }).map((anyOf) => ({ anyOf })),
    tie('tree').map((not) => ({ not })),
  ),
}));

const record = fc.record(
  Object.fromEntries(Object.entries(DECLARED).map(([k, kind]) => [k, valueFor(kind)])) as Record<
    string,
    fc.Arbitrary<unknown>
  >,
);
const contextValue = fc.oneof(
  scalar,
  arrayOf,
  fc.constantFrom(...TIMES, ...BAD_TIMES),
  fc.constant(null),
  fc.constant(undefined),
);

const evalInput: fc.Arbitrary<EvalInput> = fc
  .record({
    attrs: record,
    key: fc.constantFrom(...STRINGS),
    roles: arrayOf,
    c: contextValue,
    r: fc.oneof(contextValue, fc.array(fc.constantFrom(...TIMES, ...STRINGS), { maxLength: 3 })),
  })
  .map(({ attrs, key, roles, c, r }) => {
    const attributes = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined));
    const context: Record<string, unknown> = {};
    if (c !== undefined) context.c = c;
    if (r !== undefined) context.r = r;
    return {
      user: { key, roles: roles as string[], attributes },
      resource: { type: 'document', tenant: 'default', attributes: {} },
      tenant: { key: 'default', attributes: {} },
      context,
    };
  });

function depth(cond: any): number {
  if ('allOf' in cond) return 1 + Math.max(0, ...cond.allOf.map(depth));
  if ('anyOf' in cond) return 1 + Math.max(0, ...cond.anyOf.map(depth));
  if ('not' in cond) return 1 + depth(cond.not);
  return 1;
}

describe('compiled evaluator = reference interpreter', () => {
  it('on random trees and records', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        tree.filter((t) => depth(t) <= 8),
        fc.array(evalInput, { minLength: 1, maxLength: 5 }),
        (condition, inputs) => {
          const evaluate = compileCondition(condition, { setKey: 'p', setType: 'userset', catalog: CATALOG });
          for (const i of inputs) expect(evaluate(i)).toBe(reference(condition, i));
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('never TRUE through not when every read attribute is missing', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        // wrapped in one more `not` below: the whole condition must stay within the 8 levels allowed
        tree.filter((t) => depth(t) <= 7),
        (condition) => {
          const evaluate = compileCondition({ not: condition }, { setKey: 'p', setType: 'userset', catalog: CATALOG });
          const empty: EvalInput = {
            user: { key: 'k', roles: [], attributes: {} },
            resource: { type: 'document', tenant: 'default' },
            tenant: { key: 'default' },
          };
          expect(evaluate(empty)).toBe(reference({ not: condition }, empty));
        },
      ),
      { numRuns: 500 },
    );
  });
});

/**
 * Turns a validated {@link ConditionIR} into plain closures, once, at write
 * time. No `eval`, no `new Function`: this runs on edge runtimes.
 *
 * Three-valued logic (Tri: TRUE 1, UNKNOWN 0, FALSE -1): a comparison whose
 * value or `ref` operand is absent, `null` or of the wrong kind is UNKNOWN;
 * `exists` is never UNKNOWN; `not` negates (UNKNOWN stays UNKNOWN), `allOf`
 * is the minimum and `anyOf` the maximum of its children (Kleene).
 */
import { jsonEquals } from './equality.js';
import type { ConditionIR, OperandIR } from './ir.js';
import { BAD, refNormalizer, valueNormalizer } from './normalize.js';
import type { ValueKind } from './operators.js';
import { operandNeed } from './operators.js';
import { parseTime } from '@permissio/core/internal';
import { Tri } from './tri.js';
import type { ConditionEvaluator } from './tri.js';
import type { ConditionOperator, EvalInput } from './types.js';

type Evaluator = ConditionEvaluator<EvalInput>;
type Test = (value: unknown, operand: unknown) => boolean;

const { TRUE, FALSE, UNKNOWN } = Tri;

/**
 * Compiles `ir`. With `known`, a comparison that is a child (or grandchild …)
 * of a root `allOf` chain and known TRUE by the caller (a userset's
 * discriminator, when the rule index let the set through on its value) is
 * left out: the result is the condition's value given that comparison is TRUE.
 */
export function compileIR(ir: ConditionIR, known?: ConditionIR): Evaluator {
  if (known !== undefined && ir === known) return alwaysTrue;
  switch (ir.kind) {
    case 'allOf': {
      const children = known === undefined ? ir.children : ir.children.filter((child) => child !== known);
      return allOf(children.map((child) => compileIR(child, known)));
    }
    case 'anyOf':
      return anyOf(ir.children.map((child) => compileIR(child)));
    case 'not': {
      const child = compileIR(ir.child);
      return function not(input) {
        return (0 - child(input)) as Tri;
      };
    }
    case 'exists': {
      const get = ir.path.get;
      const present = ir.value ? TRUE : FALSE;
      const absent = ir.value ? FALSE : TRUE;
      return function exists(input) {
        const value = get(input);
        return value === undefined || value === null ? absent : present;
      };
    }
    default:
      return compare(ir.path.get, ir.op, ir.valueKind, ir.operand);
  }
}

function alwaysTrue(): Tri {
  return TRUE;
}

function allOf(children: Evaluator[]): Evaluator {
  if (children.length === 1) return children[0] as Evaluator;
  if (children.length === 2) {
    const [a, b] = children as [Evaluator, Evaluator];
    return function allOfTwo(input) {
      const x = a(input);
      if (x === FALSE) return FALSE;
      const y = b(input);
      return Math.min(x, y) as Tri;
    };
  }
  return function allOf(input) {
    let result: Tri = TRUE;
    for (const child of children) {
      const r = child(input);
      if (r === FALSE) return FALSE;
      if (r === UNKNOWN) result = UNKNOWN;
    }
    return result;
  };
}

function anyOf(children: Evaluator[]): Evaluator {
  if (children.length === 1) return children[0] as Evaluator;
  if (children.length === 2) {
    const [a, b] = children as [Evaluator, Evaluator];
    return function anyOfTwo(input) {
      const x = a(input);
      if (x === TRUE) return TRUE;
      const y = b(input);
      return Math.max(x, y) as Tri;
    };
  }
  return function anyOf(input) {
    let result: Tri = FALSE;
    for (const child of children) {
      const r = child(input);
      if (r === TRUE) return TRUE;
      if (r === UNKNOWN) result = UNKNOWN;
    }
    return result;
  };
}

function compare(
  get: (input: EvalInput) => unknown,
  op: Exclude<ConditionOperator, 'exists'>,
  kind: ValueKind,
  operand: OperandIR,
): Evaluator {
  const normalize = valueNormalizer(kind);
  if (operand.kind === 'literal') {
    const literal = operand.value;
    // The hot cases: a string/number/bool compared with a literal, no normalisation step.
    if (op === 'equals' && (kind === 'string' || kind === 'number' || kind === 'bool')) {
      const type = kind === 'bool' ? 'boolean' : kind;
      return function equalsLiteral(input) {
        const value = get(input);
        if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) return UNKNOWN;
        return value === literal ? TRUE : FALSE;
      };
    }
    if (op === 'in' && kind === 'string') {
      const set = literal as ReadonlySet<unknown>;
      return function inStrings(input) {
        const value = get(input);
        if (typeof value !== 'string') return UNKNOWN;
        return set.has(value) ? TRUE : FALSE;
      };
    }
    if (op === 'in' && kind === 'scalar') {
      const set = literal as ReadonlySet<unknown>;
      return function inLiteral(input) {
        const value = normalize(get(input));
        if (value === BAD) return UNKNOWN;
        return set.has(value) ? TRUE : FALSE;
      };
    }
    const special = specialized(get, op, kind, literal);
    if (special !== undefined) return special;
    const test = literalTest(op, kind);
    return function compareLiteral(input) {
      const value = normalize(get(input));
      if (value === BAD) return UNKNOWN;
      return test(value, literal) ? TRUE : FALSE;
    };
  }
  const getRef = operand.path.get;
  if ((op === 'equals' || op === 'not-equals') && (kind === 'string' || kind === 'number' || kind === 'bool')) {
    // The hot ref case (e.g. resource.ownerId equals user.key): both sides must be of the kind, no normalisation.
    const type = kind === 'bool' ? 'boolean' : kind;
    const same = op === 'equals' ? TRUE : FALSE;
    const different = op === 'equals' ? FALSE : TRUE;
    return function equalsRef(input) {
      const value = get(input);
      if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) return UNKNOWN;
      const other = getRef(input);
      if (typeof other !== type || (type === 'number' && !Number.isFinite(other))) return UNKNOWN;
      return value === other ? same : different;
    };
  }
  const normalizeRef = refNormalizer(operandNeed(op, kind), kind);
  const test = refTest(op, kind);
  return function compareRef(input) {
    const value = normalize(get(input));
    if (value === BAD) return UNKNOWN;
    const other = normalizeRef(getRef(input));
    if (other === BAD) return UNKNOWN;
    return test(value, other) ? TRUE : FALSE;
  };
}

/** Closures for the frequent literal comparisons that need no normalisation step. */
function specialized(
  get: (input: EvalInput) => unknown,
  op: ConditionOperator,
  kind: ValueKind,
  literal: unknown,
): Evaluator | undefined {
  if (kind === 'number' && typeof literal === 'number') {
    const n = literal;
    switch (op) {
      case 'greater-than':
        return (input) => {
          const v = get(input);
          return typeof v !== 'number' || !Number.isFinite(v) ? UNKNOWN : v > n ? TRUE : FALSE;
        };
      case 'greater-than-equals':
        return (input) => {
          const v = get(input);
          return typeof v !== 'number' || !Number.isFinite(v) ? UNKNOWN : v >= n ? TRUE : FALSE;
        };
      case 'less-than':
        return (input) => {
          const v = get(input);
          return typeof v !== 'number' || !Number.isFinite(v) ? UNKNOWN : v < n ? TRUE : FALSE;
        };
      case 'less-than-equals':
        return (input) => {
          const v = get(input);
          return typeof v !== 'number' || !Number.isFinite(v) ? UNKNOWN : v <= n ? TRUE : FALSE;
        };
      default:
        return undefined;
    }
  }
  if (op === 'contains' && kind === 'array') {
    return function arrayContains(input) {
      const v = get(input);
      return Array.isArray(v) ? (v.includes(literal) ? TRUE : FALSE) : UNKNOWN;
    };
  }
  return undefined;
}

/** Tests shared by literal and ref operands (operand already in comparable form). */
function commonTest(op: ConditionOperator, kind: ValueKind): Test | undefined {
  const structural = kind === 'array' || kind === 'json' || kind === 'object';
  switch (op) {
    case 'equals':
      return structural ? jsonEquals : (v, o) => v === o;
    case 'not-equals':
      return structural ? (v, o) => !jsonEquals(v, o) : (v, o) => v !== o;
    case 'greater-than':
      return (v, o) => (v as number) > (o as number);
    case 'greater-than-equals':
      return (v, o) => (v as number) >= (o as number);
    case 'less-than':
      return (v, o) => (v as number) < (o as number);
    case 'less-than-equals':
      return (v, o) => (v as number) <= (o as number);
    case 'contains':
      // string: substring; array: element (SameValueZero); the operand is a string or scalar.
      return (v, o) => (v as string | unknown[]).includes(o as string);
    case 'starts-with':
      return (v, o) => (v as string).startsWith(o as string);
    default:
      return undefined;
  }
}

/** Literal operands: `in`/`not-in`/`contains-any`/`contains-all` hold a `Set`. */
function literalTest(op: ConditionOperator, kind: ValueKind): Test {
  const common = commonTest(op, kind);
  if (common !== undefined) return common;
  switch (op) {
    case 'in':
      return (v, set) => (set as ReadonlySet<unknown>).has(v);
    case 'not-in':
      return (v, set) => !(set as ReadonlySet<unknown>).has(v);
    case 'contains-any':
      return (v, set) => (v as unknown[]).some((e) => (set as ReadonlySet<unknown>).has(e));
    default: {
      // contains-all: every operand element is an element of the value.
      return (v, set) => {
        const values = v as unknown[];
        const wanted = set as ReadonlySet<unknown>;
        if (wanted.size === 0) return true;
        const have = values.length > 8 ? new Set(values) : undefined;
        for (const e of wanted) if (!(have === undefined ? values.includes(e) : have.has(e))) return false;
        return true;
      };
    }
  }
}

/** Ref operands: `in`/`not-in`/`contains-any`/`contains-all` get the referenced array as it is. */
function refTest(op: ConditionOperator, kind: ValueKind): Test {
  const common = commonTest(op, kind);
  if (common !== undefined) return common;
  const member: Test =
    kind === 'time'
      ? (v, list) => (list as unknown[]).some((e) => parseTime(e) === v)
      : (v, list) => (list as unknown[]).includes(v);
  switch (op) {
    case 'in':
      return member;
    case 'not-in':
      return (v, list) => !member(v, list);
    case 'contains-any':
      return (v, list) => {
        const wanted = new Set(list as unknown[]);
        return (v as unknown[]).some((e) => wanted.has(e));
      };
    default:
      return (v, list) => {
        const have = new Set(v as unknown[]);
        return (list as unknown[]).every((e) => have.has(e));
      };
  }
}

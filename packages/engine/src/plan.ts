/**
 * Data filtering (ABAC.md, "Data filtering"): `plan(user, action, type)` is
 * the check's decision with everything but the resource decided.
 *
 * - a tenant role holding the permission → `always`;
 * - instance roles and instance grants of the type → `{field: 'key', op: 'in'}`;
 * - URI roles and URI grants → `{field: 'uri', op: 'under'}`;
 * - condition rules whose userset matches → the resourceset's condition with
 *   user, tenant and context values substituted (partial evaluation).
 *
 * Three-valued logic is kept exactly: the condition is put in negation normal
 * form (`not` only ever wraps one comparison), so a part that is already
 * decided is a constant in a positive position, where UNKNOWN and FALSE select
 * the same rows (a row is selected only when the whole filter is TRUE). A
 * comparison on the resource stays a comparison (UNKNOWN on a missing, `null`
 * or wrong-type value, as in the check).
 */
import { DEFAULT_TENANT, PermissioValidationError } from '@permissio/core';
import type { CheckUser, Filter, FilterComparison, FilterOp, PlanOptions, ResourcePlan } from '@permissio/core';
import { assertKey } from '@permissio/core/internal';
import { evalInput } from './condition-check.js';
import { compileIR } from './conditions/compile.js';
import type { ConditionIR, OperandIR } from './conditions/ir.js';
import { BAD, refNormalizer, valueNormalizer } from './conditions/normalize.js';
import { operandNeed } from './conditions/operators.js';
import type { ValueKind } from './conditions/operators.js';
import type { PathInfo } from './conditions/paths.js';
import { parseTime } from '@permissio/core/internal';
import { Tri } from './conditions/tri.js';
import type { ConditionOperator, EvalInput } from './conditions/types.js';
import type { State } from './state.js';

const OPS: Readonly<Record<Exclude<ConditionOperator, 'exists'>, FilterOp>> = {
  equals: 'eq',
  'not-equals': 'ne',
  'greater-than': 'gt',
  'greater-than-equals': 'gte',
  'less-than': 'lt',
  'less-than-equals': 'lte',
  in: 'in',
  'not-in': 'nin',
  contains: 'contains',
  'contains-any': 'containsAny',
  'contains-all': 'containsAll',
  'starts-with': 'startsWith',
};

/** A partially evaluated condition: a filter on the resource, or decided (TRUE; FALSE also stands for UNKNOWN). */
type Part = Filter | boolean;

export function plan(
  state: State,
  user: unknown,
  action: unknown,
  resourceType: unknown,
  options: PlanOptions | undefined,
): ResourcePlan {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new PermissioValidationError('Invalid plan options: expected an object {tenant?, context?}.');
  }
  const userKey = typeof user === 'object' && user !== null ? (user as { key?: unknown }).key : user;
  assertKey(userKey, 'user');
  assertKey(resourceType, 'resource type');
  assertKey(action, 'action');
  const tenant = options?.tenant ?? DEFAULT_TENANT;
  assertKey(tenant, 'tenant');
  const type = resourceType as string;
  const permission = state.resources.get(type)?.actions.get(action as string)?.permission;
  if (permission === undefined) return { kind: 'never' };

  const parts: Filter[] = [];
  const held = state.index.get(userKey as string)?.get(tenant);
  if (held !== undefined) {
    for (const role of held.roles) if (state.closure.has(role, permission)) return { kind: 'always' };
    const keys: string[] = [];
    const uris: string[] = [];
    const prefix = `${type}:`;
    const add = (location: string): void => {
      if (location.startsWith('/')) uris.push(location);
      else if (location.startsWith(prefix)) keys.push(location.slice(prefix.length));
    };
    for (const [location, roles] of held.instanceRoles) {
      for (const role of roles) {
        if (state.closure.has(role, permission)) {
          add(location);
          break;
        }
      }
    }
    for (const [location, permissions] of held.grants) if (permissions.has(permission)) add(location);
    if (keys.length > 0) parts.push(leaf('key', 'in', [...new Set(keys)].sort(), 'string'));
    if (uris.length > 0) parts.push(leaf('uri', 'under', [...new Set(uris)].sort(), 'string'));
  }

  const index = state.conditions.index;
  const rules = index?.byPermission.get(permission);
  if (index !== undefined && rules !== undefined) {
    const input = evalInput(state, user as string | CheckUser, userKey as string, { type }, tenant, options?.context);
    const done = new Set<number>();
    for (const group of rules.groups) {
      let userMatched: boolean | undefined;
      for (const entry of group.rules) {
        if (entry.tenant !== undefined && entry.tenant !== tenant) continue;
        if (done.has(entry.resourceSet)) continue;
        userMatched ??= index.sets[group.userSet]?.evaluate(input) === Tri.TRUE;
        if (!userMatched) break;
        done.add(entry.resourceSet);
        const set = index.sets[entry.resourceSet];
        if (set === undefined) continue;
        const part = partial(set.ir, false, input);
        if (part === true) return { kind: 'always' };
        if (part !== false) parts.push(part);
      }
    }
  }
  if (parts.length === 0) return { kind: 'never' };
  return { kind: 'conditional', filter: parts.length === 1 ? (parts[0] as Filter) : { anyOf: parts } };
}

function leaf(field: string, op: FilterOp, value: unknown, type: FilterComparison['type']): FilterComparison {
  const comparison: FilterComparison = { field, op, value };
  if (type !== undefined) comparison.type = type;
  return comparison;
}

/** The field of a resource path that the plan leaves to the rows, or undefined when the path is decided now. */
function rowField(path: PathInfo): string | undefined {
  if (path.root !== 'resource') return undefined;
  if (path.builtin) return path.name === 'key' || path.name === 'uri' ? path.name : undefined;
  return path.name;
}

/** A decided three-valued result, under `negated`, as a Part (UNKNOWN → false: same rows in a positive position). */
function decided(value: Tri, negated: boolean): boolean {
  return (negated ? -value : value) === Tri.TRUE;
}

/** Partial evaluation in negation normal form. */
function partial(ir: ConditionIR, negated: boolean, input: EvalInput): Part {
  switch (ir.kind) {
    case 'not':
      return partial(ir.child, !negated, input);
    case 'allOf':
    case 'anyOf': {
      // De Morgan (valid in Kleene logic): a negated allOf is an anyOf of negations.
      const conjunction = (ir.kind === 'allOf') !== negated;
      const children: Filter[] = [];
      for (const child of ir.children) {
        const part = partial(child, negated, input);
        if (part === !conjunction) return part;
        if (part !== conjunction) children.push(part as Filter);
      }
      if (children.length === 0) return conjunction;
      if (children.length === 1) return children[0] as Filter;
      return conjunction ? { allOf: children } : { anyOf: children };
    }
    case 'exists': {
      const field = rowField(ir.path);
      if (field === undefined) return decided(compileIR(ir)(input), negated);
      const comparison = leaf(field, 'exists', ir.value, ir.path.type);
      return negated ? { not: comparison } : comparison;
    }
    default: {
      const field = rowField(ir.path);
      if (ir.operand.kind === 'ref' && rowField(ir.operand.path) !== undefined) {
        throw new PermissioValidationError(
          `Cannot plan ${ir.path.text} ${ir.op} {"ref": "${ir.operand.path.text}"}: a comparison between two ` +
            'resource fields cannot be turned into a filter; compare a resource field with a literal or a user, tenant or context value.',
          { details: { path: ir.path.text, ref: ir.operand.path.text } },
        );
      }
      if (field === undefined) return decided(compileIR(ir)(input), negated);
      const value = operandValue(ir.op, ir.valueKind, ir.operand, input);
      if (value === BAD) return decided(Tri.UNKNOWN, negated);
      // An operand element no row element can equal: FALSE on every array, UNKNOWN otherwise.
      const comparison: Filter =
        value === NO_MATCH
          ? { not: leaf(field, 'containsAll', [], 'array') }
          : leaf(field, OPS[ir.op], value.value, ir.path.type);
      return negated ? { not: comparison } : comparison;
    }
  }
}

/** `contains-all` of a `ref` array holding an element that is not a scalar. */
const NO_MATCH: unique symbol = Symbol('no-match');

/** An ISO 8601 text for epoch milliseconds. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isScalar(value: unknown): boolean {
  return (
    typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * The filter value of an operand, in JSON form (`time` as ISO text, sets as
 * arrays), or BAD when a `ref` operand is missing or of the wrong kind (the
 * comparison is UNKNOWN for every row).
 */
function operandValue(
  op: Exclude<ConditionOperator, 'exists'>,
  kind: ValueKind,
  operand: OperandIR,
  input: EvalInput,
): { value: unknown } | typeof BAD | typeof NO_MATCH {
  const need = operandNeed(op, kind);
  if (operand.kind === 'literal') {
    const literal = operand.value;
    if (literal instanceof Set) {
      const list = [...literal];
      return { value: kind === 'time' ? list.map((ms) => iso(ms as number)) : list };
    }
    return { value: kind === 'time' ? iso(literal as number) : literal };
  }
  const raw = refNormalizer(need, kind)(operand.path.get(input));
  if (raw === BAD) return BAD;
  switch (need) {
    case 'same':
      return { value: kind === 'time' ? iso(raw as number) : raw };
    case 'elements': {
      // `in` / `not-in` on a ref: elements of another kind never equal a value of this kind.
      const list = raw as unknown[];
      if (kind === 'time') {
        const times = list.map(parseTime).filter((ms) => !Number.isNaN(ms));
        return { value: [...new Set(times)].map(iso) };
      }
      const normalize = valueNormalizer(kind);
      return { value: [...new Set(list.filter((e) => normalize(e) !== BAD))] };
    }
    case 'array': {
      const list = raw as unknown[];
      const scalars = [...new Set(list.filter(isScalar))];
      if (op === 'contains-all' && list.some((e) => !isScalar(e))) return NO_MATCH;
      return { value: scalars };
    }
    default:
      return { value: raw };
  }
}

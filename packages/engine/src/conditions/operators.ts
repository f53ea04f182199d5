/**
 * The operator table: which operators a type accepts, what their operand
 * must be, which type a `ref` operand must have, and how an untyped path
 * (`context.*`) takes its type from the operand.
 */
import type { AttributeType } from '@permissio/core';
import type { ConditionOperator } from './types.js';

/** The kind a compared value is checked against at evaluation. */
export type ValueKind =
  | AttributeType
  /** string, number or boolean (untyped `in` / `not-in`). */
  | 'scalar'
  /** string (substring) or array (element): untyped `contains` with a string operand. */
  | 'string-or-array';

export const OPERATORS: readonly ConditionOperator[] = [
  'equals',
  'not-equals',
  'greater-than',
  'greater-than-equals',
  'less-than',
  'less-than-equals',
  'in',
  'not-in',
  'contains',
  'contains-any',
  'contains-all',
  'starts-with',
  'exists',
];
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

export function isOperator(text: string): text is ConditionOperator {
  return OPERATOR_SET.has(text);
}

const ORDERING: readonly ConditionOperator[] = ['greater-than', 'greater-than-equals', 'less-than', 'less-than-equals'];

/** Operators defined for each declared type. */
export const OPERATORS_BY_TYPE: ReadonlyMap<ValueKind, ReadonlySet<ConditionOperator>> = new Map<
  ValueKind,
  ReadonlySet<ConditionOperator>
>([
  ['string', new Set<ConditionOperator>(['equals', 'not-equals', 'in', 'not-in', 'contains', 'starts-with', 'exists'])],
  ['number', new Set<ConditionOperator>(['equals', 'not-equals', ...ORDERING, 'in', 'not-in', 'exists'])],
  ['bool', new Set<ConditionOperator>(['equals', 'not-equals', 'in', 'not-in', 'exists'])],
  ['time', new Set<ConditionOperator>(['equals', 'not-equals', ...ORDERING, 'in', 'not-in', 'exists'])],
  ['array', new Set<ConditionOperator>(['equals', 'not-equals', 'contains', 'contains-any', 'contains-all', 'exists'])],
  ['json', new Set<ConditionOperator>(['equals', 'exists'])],
  ['object', new Set<ConditionOperator>(['equals', 'exists'])],
  ['scalar', new Set<ConditionOperator>(['in', 'not-in', 'exists'])],
  ['string-or-array', new Set<ConditionOperator>(['contains', 'exists'])],
]);

export function isOrdering(op: ConditionOperator): boolean {
  return ORDERING.includes(op);
}

/**
 * What the operand must be:
 * `same` — a value of the compared kind; `elements` — an array of such values;
 * `substring` / `prefix` — a string; `element` — a JSON scalar (string, number, boolean);
 * `array` — an array of JSON scalars; `bool` — `true` or `false` (`exists`).
 */
export type OperandNeed = 'same' | 'elements' | 'substring' | 'prefix' | 'element' | 'array' | 'bool';

export function operandNeed(op: ConditionOperator, kind: ValueKind): OperandNeed {
  switch (op) {
    case 'exists':
      return 'bool';
    case 'in':
    case 'not-in':
      return 'elements';
    case 'contains':
      return kind === 'array' ? 'element' : 'substring';
    case 'contains-any':
    case 'contains-all':
      return 'array';
    case 'starts-with':
      return 'prefix';
    default:
      return 'same';
  }
}

/** Does a `ref` to a path of type `refType` fit the operand of `op` on `kind`? */
export function refFits(need: OperandNeed, kind: ValueKind, refType: AttributeType): boolean {
  switch (need) {
    case 'same':
      return refType === kind;
    case 'elements':
    case 'array':
      return refType === 'array';
    case 'substring':
    case 'prefix':
      return refType === 'string';
    case 'element':
      return refType === 'string' || refType === 'number' || refType === 'bool';
    default:
      return false;
  }
}

/** The JSON kind of a literal, as an attribute type. */
export function literalKind(value: unknown): AttributeType | undefined {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && value !== null) return 'object';
  return undefined;
}

/**
 * The kind an untyped path (`context.*`) is compared as, from the operator
 * and the operand's type (a literal's JSON kind, or a ref's declared type).
 * Returns a message when no kind fits.
 */
export function inferKind(op: ConditionOperator, operandType: AttributeType): ValueKind | string {
  switch (op) {
    case 'equals':
    case 'not-equals':
      if (operandType === 'json') return 'json';
      return operandType;
    case 'greater-than':
    case 'greater-than-equals':
    case 'less-than':
    case 'less-than-equals':
      if (operandType === 'number') return 'number';
      if (operandType === 'string' || operandType === 'time') return 'time';
      return `${op} compares numbers or times: give a number or an ISO 8601 time`;
    case 'in':
    case 'not-in':
      if (operandType === 'array') return 'scalar';
      return `${op} takes an array of values`;
    case 'contains':
      if (operandType === 'string') return 'string-or-array';
      if (operandType === 'number' || operandType === 'bool') return 'array';
      return 'contains takes a string (substring, or element of an array) or a number or boolean (element of an array)';
    case 'contains-any':
    case 'contains-all':
      if (operandType === 'array') return 'array';
      return `${op} takes an array of values`;
    case 'starts-with':
      if (operandType === 'string') return 'string';
      return 'starts-with takes a string';
    default:
      return 'json';
  }
}

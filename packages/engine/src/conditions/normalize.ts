/**
 * Type checks of compared values and operands. A normalizer returns the
 * value in comparable form (a `time` becomes epoch milliseconds) or `BAD`
 * when the value is not of the kind: the comparison is then UNKNOWN (at
 * evaluation) or the operand is refused (at write time).
 */
import type { OperandNeed, ValueKind } from './operators.js';
import { parseTime } from '@permissio/core/internal';

/** Marks a value of the wrong kind. */
export const BAD: unique symbol = Symbol('bad');
export type Normalizer = (value: unknown) => unknown;

const string: Normalizer = (v) => (typeof v === 'string' ? v : BAD);
const number: Normalizer = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : BAD);
const bool: Normalizer = (v) => (typeof v === 'boolean' ? v : BAD);
const time: Normalizer = (v) => {
  const ms = parseTime(v);
  return Number.isNaN(ms) ? BAD : ms;
};
const array: Normalizer = (v) => (Array.isArray(v) ? v : BAD);
const json: Normalizer = (v) => (v === undefined || v === null ? BAD : v);
const object: Normalizer = (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : BAD);
const scalar: Normalizer = (v) =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : BAD;
const stringOrArray: Normalizer = (v) => (typeof v === 'string' || Array.isArray(v) ? v : BAD);

const BY_KIND: Readonly<Record<ValueKind, Normalizer>> = {
  string,
  number,
  bool,
  time,
  array,
  json,
  object,
  scalar,
  'string-or-array': stringOrArray,
};

/** The normalizer of compared values of `kind`. */
export function valueNormalizer(kind: ValueKind): Normalizer {
  return BY_KIND[kind];
}

/**
 * The normalizer of a `ref` operand's value at evaluation. For `elements` and
 * `array` the array is returned as it is (its elements are compared as the
 * value's kind when the comparison runs).
 */
export function refNormalizer(need: OperandNeed, kind: ValueKind): Normalizer {
  switch (need) {
    case 'same':
      return BY_KIND[kind];
    case 'elements':
    case 'array':
      return array;
    case 'substring':
    case 'prefix':
      return string;
    default:
      return scalar;
  }
}

/** Words for messages: what a value of `kind` looks like. */
export function describeKind(kind: ValueKind): string {
  switch (kind) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'bool':
      return 'true or false';
    case 'time':
      return 'an ISO 8601 time with an offset (2024-05-01T09:30:00Z) or a date (2024-05-01)';
    case 'array':
      return 'an array of JSON scalars';
    case 'json':
      return 'a JSON value (not null)';
    case 'object':
      return 'a JSON object';
    case 'scalar':
      return 'a string, number or boolean';
    default:
      return 'a string or an array';
  }
}

/** Words for messages: the JSON kind of `value`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Small input helpers shared by the operation modules: error constructors,
 * optional-string and attribute validation, alias-free copies.
 */
import { PermissioConflictError, PermissioNotFoundError, PermissioValidationError } from '@permissio/core';
import type { Attributes } from '@permissio/core';
import { assertAttributesWithinLimits } from '@permissio/core/internal';

export function notFound(kind: string, key: string): PermissioNotFoundError {
  return new PermissioNotFoundError(`${capitalize(kind)} ${JSON.stringify(key)} does not exist.`, {
    details: { kind, key },
  });
}

export function conflict(message: string, details?: unknown): PermissioConflictError {
  return new PermissioConflictError(message, { details });
}

export function invalid(message: string, details?: unknown): PermissioValidationError {
  return new PermissioValidationError(message, { details });
}

/** Asserts a plain object argument (`{…}`), for bodies such as `UserCreate`. */
export function assertObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`Invalid ${what}: expected an object.`);
  }
}

/** An optional string field: `undefined` or a string. */
export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`Invalid ${field}: expected a string.`, { field });
  return value;
}

/** An optional array field. */
export function optionalArray(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(`Invalid ${field}: expected an array.`, { field });
  return value;
}

/**
 * Validates an attributes object — an object, within core's depth and size
 * limits (checked without recursion) — and returns a private deep copy of it.
 */
export function attributesIn(value: unknown, field = 'attributes'): Attributes {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`Invalid ${field}: expected an object.`, { field });
  }
  assertAttributesWithinLimits(value, field);
  return cloneValue(value) as Attributes;
}

/**
 * Deep copy of JSON-like data (plain objects and arrays; other values kept
 * as they are). Own keys are defined, never assigned, so a `__proto__` key
 * stays an ordinary property.
 */
export function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (value === null || typeof value !== 'object') return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, {
      value: cloneValue((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Result matching and error classification for the runner. */
import {
  PermissioApiError,
  PermissioConflictError,
  PermissioNotFoundError,
  PermissioValidationError,
} from '@permissio/core';
import type { ErrorKind } from './format.js';

/**
 * The kind of a thrown error: by class first; then, for errors that crossed
 * a module or process boundary, by HTTP status (422/400 → validation).
 */
export function errorKind(error: unknown): ErrorKind | undefined {
  if (error instanceof PermissioValidationError) return 'validation';
  if (error instanceof PermissioNotFoundError) return 'not_found';
  if (error instanceof PermissioConflictError) return 'conflict';
  const status =
    error instanceof PermissioApiError
      ? error.statusCode
      : typeof error === 'object' && error !== null
        ? (error as { statusCode?: unknown }).statusCode
        : undefined;
  if (status === 400 || status === 422) return 'validation';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (error instanceof Error && error.name === 'PermissioValidationError') return 'validation';
  return undefined;
}

/**
 * Returns `undefined` when `actual` matches `expected`, else the path of
 * the first difference. `subset`: expected object keys must match, extra
 * actual keys are ignored; arrays match item by item with equal length.
 */
export function mismatch(
  expected: unknown,
  actual: unknown,
  mode: 'subset' | 'exact' = 'subset',
  path = '$',
): string | undefined {
  if (expected === null || typeof expected !== 'object') {
    return Object.is(expected, actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const diff = mismatch(expected[i], actual[i], mode, `${path}[${i}]`);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
    return `${path}: expected an object, got ${show(actual)}`;
  }
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  for (const key of Object.keys(exp)) {
    const hasKey = Object.hasOwn(act, key) && act[key] !== undefined;
    if (exp[key] === null && !hasKey) continue; // `null` expects absence
    if (!hasKey) return `${path}.${key}: missing, expected ${show(exp[key])}`;
    const diff = mismatch(exp[key], act[key], mode, `${path}.${key}`);
    if (diff !== undefined) return diff;
  }
  if (mode === 'exact') {
    for (const key of Object.keys(act)) {
      if (act[key] !== undefined && !Object.hasOwn(exp, key)) return `${path}.${key}: unexpected key`;
    }
  }
  return undefined;
}

export function show(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(value);
  }
}

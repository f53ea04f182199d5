/**
 * Unambiguous cache keys of checks for the request scope: a canonical JSON
 * encoding (object keys sorted at every depth) of every input that can change
 * a decision. JSON string escaping makes delimiter tricks (a user named
 * `a|read`) impossible, and sorting makes attribute order irrelevant.
 */
import { PermissioValidationError } from './errors.js';
import type { CheckContext, CheckResource, CheckUser } from './types.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function sortedReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (!isPlainObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    // defineProperty, so a key "__proto__" stays data.
    Object.defineProperty(sorted, key, { value: value[key], enumerable: true, configurable: true, writable: true });
  }
  return sorted;
}

/** Canonical JSON: like `JSON.stringify`, with object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(value, sortedReplacer) ?? 'null';
  } catch (cause) {
    throw new PermissioValidationError('Check input cannot be encoded (circular structure?).', { cause });
  }
}

/**
 * The cache key of a check. Covers the user (key and attributes — profile
 * fields such as email do not change a decision), the action, the resource
 * (type, key, URI, tenant, attributes), the effective tenant and the context.
 */
export function checkCacheKey(
  user: string | CheckUser,
  action: string,
  resource: string | CheckResource,
  tenant: string | undefined,
  context: CheckContext | undefined,
): string {
  const userKey = typeof user === 'string' ? user : user.key;
  const userAttributes = typeof user === 'string' ? undefined : user.attributes;
  if (typeof resource === 'string') {
    if (userAttributes === undefined && context === undefined) {
      // Fast path: strings only, plain JSON.stringify is already canonical.
      return JSON.stringify([userKey, null, action, resource, null, null, null, null, tenant ?? null, null]);
    }
    return canonicalJson([
      userKey,
      userAttributes ?? null,
      action,
      resource,
      null,
      null,
      null,
      null,
      tenant ?? null,
      context ?? null,
    ]);
  }
  const effectiveTenant = resource.tenant ?? tenant ?? null;
  if (userAttributes === undefined && resource.attributes === undefined && context === undefined) {
    // Fast path: an array of strings and nulls, for which JSON.stringify is
    // already canonical (the same string canonicalJson would produce).
    return JSON.stringify([
      userKey,
      null,
      action,
      resource.type,
      resource.key ?? null,
      resource.uri ?? null,
      resource.tenant ?? null,
      null,
      effectiveTenant,
      null,
    ]);
  }
  return canonicalJson([
    userKey,
    userAttributes ?? null,
    action,
    resource.type,
    resource.key ?? null,
    resource.uri ?? null,
    resource.tenant ?? null,
    resource.attributes ?? null,
    effectiveTenant,
    context ?? null,
  ]);
}

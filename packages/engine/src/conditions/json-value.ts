/**
 * What an attribute or context value is after a JSON round trip — what the
 * HTTP client sends and the server evaluates — so the embedded engine decides
 * exactly as the server does on values that are not plain JSON: a `Date` (or
 * anything with `toJSON`) is its JSON form (a `Date` → its ISO string), a
 * non-finite number is `null`, a function, symbol or `undefined` is absent
 * (`null` inside an array), a class instance is its own enumerable fields.
 *
 * Plain JSON data (the usual case) is returned as it is, without a copy: a
 * scalar costs one `typeof`; an object or array is scanned (iteratively) and
 * copied only when something in it changes. A value JSON cannot encode (a
 * `bigint`, a throwing `toJSON`, a cycle or nesting too deep for
 * `JSON.stringify` around a non-JSON value) is absent, so every comparison on
 * it is UNKNOWN — it never allows (the HTTP client refuses to send it at all).
 * The scan stops after {@link MAX_SCAN_NODES} values: a value that large (past
 * the attribute size limit, or cyclic) is read as it is, and the comparisons
 * (iterative, exact) decide on it.
 */
export function jsonValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      return value === null || isPlainJson(value) ? value : roundTrip(value);
    default:
      // function and symbol: dropped by JSON; bigint: refused by it.
      return undefined;
  }
}

/** Values scanned at most (about the number of values in the largest attributes bag core accepts). */
const MAX_SCAN_NODES = 65_536;

/**
 * `true` iff `root` is plain JSON data (plain objects and arrays of strings, finite numbers, booleans and null), or
 * too large to scan.
 */
function isPlainJson(root: object): boolean {
  const stack: unknown[] = [root];
  let scanned = 0;
  while (stack.length > 0) {
    if (++scanned > MAX_SCAN_NODES) return true;
    const item = stack.pop();
    if (item === null) continue;
    switch (typeof item) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(item)) return false;
        continue;
      case 'object':
        break;
      default:
        return false;
    }
    const object = item as Record<string, unknown>;
    if (typeof object.toJSON === 'function') return false;
    if (Array.isArray(object)) {
      for (const element of object) stack.push(element);
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key of Object.keys(object)) stack.push(object[key]);
  }
  return true;
}

function roundTrip(value: object): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

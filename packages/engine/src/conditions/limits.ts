/**
 * Size limits of a condition set (ABAC.md, "Validation at write time") and
 * the iterative checks that enforce them before anything walks a condition
 * recursively, so hostile input (10k-deep nesting, huge arrays, cycles)
 * costs a bounded amount of work and never overflows the stack.
 */

/** Deepest allowed condition: the root is level 1, each allOf/anyOf/not adds one. */
export const MAX_CONDITION_DEPTH = 8;
/** Most comparisons in one set. */
export const MAX_COMPARISONS = 64;
/** Most elements in any array of a condition (operand arrays in particular). */
export const MAX_ARRAY_LENGTH = 1000;
/** Largest JSON serialisation of a whole set, in UTF-8 bytes. */
export const MAX_SET_BYTES = 16 * 1024;
/** Deepest JSON nesting anywhere in a condition (operand values included). */
export const MAX_JSON_DEPTH = 64;

/** Reports a limit broken at a JSON path (relative to the condition root). */
export type Fail = (path: string, message: string) => never;

/** `.key` for identifier-like keys, `["key"]` otherwise. */
export function member(base: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Pass 1: the condition tree's shape limits — depth, comparison count —
 * walking only allOf/anyOf/not with an explicit stack. Every node visited
 * adds its smallest possible JSON size to a budget, so a wide tree of empty
 * combinators stops at the size limit after a bounded number of steps.
 */
export function checkTreeLimits(root: unknown, fail: Fail): void {
  const stack: { node: unknown; path: string; level: number }[] = [{ node: root, path: '', level: 1 }];
  let comparisons = 0;
  let bytes = 0;
  while (stack.length > 0) {
    const { node, path, level } = stack.pop() as { node: unknown; path: string; level: number };
    if (level > MAX_CONDITION_DEPTH) {
      fail(path, `the condition is nested deeper than ${MAX_CONDITION_DEPTH} levels; flatten allOf/anyOf/not`);
    }
    if (!isPlainObject(node)) continue;
    const keys = Object.keys(node);
    if (keys.length !== 1) continue;
    const key = keys[0] as string;
    const value = node[key];
    if ((key === 'allOf' || key === 'anyOf') && Array.isArray(value)) {
      bytes += 12 + Math.max(0, value.length - 1);
      if (bytes > MAX_SET_BYTES) fail(path, `the condition set is larger than ${MAX_SET_BYTES} bytes of JSON`);
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ node: value[i], path: `${path}.${key}[${i}]`, level: level + 1 });
      }
    } else if (key === 'not') {
      bytes += 8;
      stack.push({ node: value, path: `${path}.not`, level: level + 1 });
    } else {
      comparisons++;
      bytes += 7 + key.length;
      if (comparisons > MAX_COMPARISONS) {
        fail(path, `the condition set has more than ${MAX_COMPARISONS} comparisons; split it into several sets`);
      }
    }
    if (bytes > MAX_SET_BYTES) fail(path, `the condition set is larger than ${MAX_SET_BYTES} bytes of JSON`);
  }
}

/**
 * Pass 2: the whole value is plain JSON (objects, arrays, strings, finite
 * numbers, booleans, null), no array is longer than the limit, nesting stays
 * under {@link MAX_JSON_DEPTH}, and its JSON text fits in `budget` bytes.
 * Iterative; stops at the first problem. Returns the JSON size in bytes.
 */
export function checkJsonLimits(root: unknown, budget: number, fail: Fail): number {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  let bytes = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (depth > MAX_JSON_DEPTH) fail(path, `the condition is nested deeper than ${MAX_JSON_DEPTH} JSON levels`);
    if (value === null) bytes += 4;
    else if (typeof value === 'boolean') bytes += value ? 4 : 5;
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) fail(path, `${value} is not a JSON number`);
      bytes += String(value).length;
    } else if (typeof value === 'string') bytes += utf8Length(value) + 2;
    else if (Array.isArray(value)) {
      if (value.length > MAX_ARRAY_LENGTH) {
        fail(path, `the array has ${value.length} elements; an operand array has at most ${MAX_ARRAY_LENGTH}`);
      }
      bytes += 2 + Math.max(0, value.length - 1);
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
    } else if (isPlainObject(value)) {
      const keys = Object.keys(value);
      bytes += 2 + Math.max(0, keys.length - 1);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        bytes += utf8Length(key) + 3;
        stack.push({ value: value[key], path: member(path, key), depth: depth + 1 });
      }
    } else {
      fail(path, `${value === undefined ? 'undefined' : `a ${typeof value}`} is not a JSON value`);
    }
    if (bytes > budget) fail(path, `the condition set is larger than ${MAX_SET_BYTES} bytes of JSON`);
  }
  return bytes;
}

/** UTF-8 length of `text`'s JSON string body (escapes counted as their plain characters: a lower bound). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

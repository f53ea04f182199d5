/**
 * `{"allowed": false, "allowed": true}` is valid JSON that `JSON.parse` reads
 * as its last value; another parser may read the first. A request body with
 * a repeated key is ambiguous, so it is refused as malformed. This scanner
 * runs over text that `JSON.parse` has already accepted, so it only needs to
 * tell keys from values, not to validate.
 */
import { fieldName } from '../errors.js';

interface Frame {
  /** The keys seen so far (objects: an array while small, then a Set), or `null` (arrays). */
  keys: string[] | Set<string> | null;
  /** The current key (objects) or index (arrays), for the error path. */
  at: string | number;
}

/** Index just past the string literal that starts at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  for (;;) {
    // A quote is escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    quote = text.indexOf('"', quote + 1);
  }
}

/** Objects with more keys than this switch from an array to a Set. */
const SMALL_OBJECT = 16;

/** Records `key` in `frame`; `false` when it was already there. */
function addKey(frame: Frame, key: string): boolean {
  const keys = frame.keys as string[] | Set<string>;
  if (Array.isArray(keys)) {
    if (keys.includes(key)) return false;
    keys.push(key);
    if (keys.length > SMALL_OBJECT) frame.keys = new Set(keys);
    return true;
  }
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
}

function pointer(stack: readonly Frame[]): string {
  return stack
    .slice(0, -1)
    .map((f) => `/${String(f.at).replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

/** The first key repeated within one object of the JSON `text`, with its path (`body.checks[0]`), if any. */
export function findDuplicateKey(text: string, context = 'body'): { key: string; field: string } | undefined {
  const stack: Frame[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const raw = text.slice(i, end);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (!addKey(top, key)) return { key, field: fieldName(context, pointer(stack)) };
        top.at = key;
        expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === 0x7b) {
      stack.push({ keys: [], at: '' });
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push({ keys: null, at: 0 });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.at = (top.at as number) + 1;
    }
    i++;
  }
  return undefined;
}

/** A body with a repeated key: answered 400 BAD_REQUEST with this message. */
export class DuplicateKeyError extends Error {
  override name = 'DuplicateKeyError';
  readonly statusCode = 400;
  constructor(key: string, field: string) {
    super(`The request body is ambiguous: ${field} has the key ${JSON.stringify(key)} more than once.`);
  }
}

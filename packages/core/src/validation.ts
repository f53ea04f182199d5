/**
 * Input rules of docs/MODEL.md shared by every part: keys, permissions,
 * resource instances and resource URIs. One implementation, used by the
 * engine (to validate writes and checks), the server and the adapters'
 * `resourceFromPath` (to canonicalise a request path).
 */
import { PermissioValidationError } from './errors.js';

/** Longest key, in characters. */
export const MAX_KEY_LENGTH = 256;
/** Longest resource URI, in UTF-8 bytes. */
export const MAX_URI_BYTES = 2048;
/** Most segments in a resource URI. */
export const MAX_URI_SEGMENTS = 32;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (C0, DEL, C1)
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A UTF-16 surrogate that is not half of a pair (in `u` mode a pair is one code point and does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATE_WHY =
  'it contains a lone UTF-16 surrogate (half of a surrogate pair), which has no UTF-8 or URL encoding; use well-formed Unicode text.';
const ENCODED_TRIPLET = /%[0-9a-fA-F]{2}/;
const encoder = new TextEncoder();

/** What a key names, for error messages: `user`, `tenant`, `role` … */
export type KeyKind =
  | 'user'
  | 'tenant'
  | 'role'
  | 'resource type'
  | 'action'
  | 'instance key'
  | 'attribute'
  | 'condition set'
  | 'principal type'
  | 'key';

/**
 * Asserts that `value` is a valid key: a non-empty string of at most 256
 * characters with no control characters. `__proto__` and friends are valid.
 */
export function assertKey(value: unknown, kind: KeyKind = 'key'): asserts value is string {
  if (typeof value !== 'string') {
    throw new PermissioValidationError(`Invalid ${kind} key: expected a string, got ${describe(value)}.`, {
      details: { kind },
    });
  }
  if (value.length === 0) {
    throw new PermissioValidationError(`Invalid ${kind} key: it is empty; use a non-empty string.`, {
      details: { kind },
    });
  }
  if (value.length > MAX_KEY_LENGTH) {
    throw new PermissioValidationError(
      `Invalid ${kind} key: ${value.length} characters, the limit is ${MAX_KEY_LENGTH}.`,
      { details: { kind, length: value.length } },
    );
  }
  if (CONTROL.test(value)) {
    throw new PermissioValidationError(
      `Invalid ${kind} key ${JSON.stringify(value)}: it contains a control character.`,
      {
        details: { kind },
      },
    );
  }
  if (LONE_SURROGATE.test(value)) {
    throw new PermissioValidationError(`Invalid ${kind} key ${JSON.stringify(value)}: ${LONE_SURROGATE_WHY}`, {
      details: { kind },
    });
  }
  if ((kind === 'resource type' || kind === 'action') && value.includes(':')) {
    throw new PermissioValidationError(
      `Invalid ${kind} key ${JSON.stringify(value)}: it must not contain ":" (permissions are written "<type>:<action>").`,
      { details: { kind } },
    );
  }
}

/** Returns `true` when `value` is a valid key (see {@link assertKey}). */
export function isValidKey(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_KEY_LENGTH &&
    !CONTROL.test(value) &&
    !LONE_SURROGATE.test(value)
  );
}

/**
 * Asserts that `value` is well-formed Unicode (no lone surrogate), so it
 * can be put in a URL path or query: `encodeURIComponent` would throw a
 * `URIError` and `URLSearchParams` would silently replace it with U+FFFD.
 */
export function assertWellFormed(value: string, what: string): void {
  if (LONE_SURROGATE.test(value)) {
    throw new PermissioValidationError(`Invalid ${what} ${JSON.stringify(value)}: ${LONE_SURROGATE_WHY}`, {
      details: { [what]: value },
    });
  }
}

/** A parsed permission `"<type>:<action>"`. */
export interface ParsedPermission {
  type: string;
  action: string;
}

/**
 * Parses and validates a permission, in one of two spellings (docs/MODEL.md,
 * "Permission names"):
 *
 * - `"<type>:<action>"` (canonical): a name with a `:` is split on it, and
 *   must have exactly one (`a:b:c` is invalid). The type and the action may
 *   contain dots (`billing.invoice:create`, `doc:read.all`).
 * - `"<type>.<action>"` (dotted): a name with no `:` is split on its LAST
 *   `.`: `document.read` → `document:read`, `billing.invoice.create` →
 *   `billing.invoice:create`.
 *
 * A name with a `:` is never read the dotted way, so the two cannot collide.
 */
export function parsePermission(permission: unknown): ParsedPermission {
  if (typeof permission !== 'string') {
    throw new PermissioValidationError(
      `Invalid permission: expected a string "<type>:<action>", got ${describe(permission)}.`,
    );
  }
  const colon = permission.indexOf(':');
  const separator = colon === -1 ? permission.lastIndexOf('.') : colon;
  if (
    separator <= 0 ||
    separator === permission.length - 1 ||
    (colon !== -1 && permission.indexOf(':', colon + 1) !== -1)
  ) {
    throw new PermissioValidationError(
      `Invalid permission ${JSON.stringify(permission)}: write it as "<resourceType>:<action>", e.g. "document:read" (or dotted, "document.read").`,
      { details: { permission } },
    );
  }
  const type = permission.slice(0, separator);
  const action = permission.slice(separator + 1);
  assertKey(type, 'resource type');
  assertKey(action, 'action');
  return { type, action };
}

/** The canonical `"<type>:<action>"` of a permission in either spelling (see {@link parsePermission}). */
export function canonicalPermission(permission: unknown): string {
  const { type, action } = parsePermission(permission);
  return `${type}:${action}`;
}

/** A resource instance: `type:key` or a canonical URI. */
export type ParsedInstance =
  | { kind: 'instance'; type: string; key: string; value: string }
  | { kind: 'uri'; uri: string; value: string };

/**
 * Parses a resource instance as written in assignments and grants:
 * `"<type>:<key>"` (split on the first `:`) or a resource URI starting with
 * `/` (canonicalised). `value` is the canonical text to store and compare.
 */
export function parseResourceInstance(value: unknown): ParsedInstance {
  if (typeof value !== 'string') {
    throw new PermissioValidationError(
      `Invalid resource instance: expected "<type>:<key>" or a URI starting with "/", got ${describe(value)}.`,
    );
  }
  if (value.startsWith('/')) {
    const uri = canonicalizeResourceUri(value);
    return { kind: 'uri', uri, value: uri };
  }
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    throw new PermissioValidationError(
      `Invalid resource instance ${JSON.stringify(value)}: write "<type>:<key>" (e.g. "document:doc-1") or a URI starting with "/".`,
      { details: { resourceInstance: value } },
    );
  }
  const type = value.slice(0, colon);
  const key = value.slice(colon + 1);
  assertKey(type, 'resource type');
  assertKey(key, 'instance key');
  return { kind: 'instance', type, key, value };
}

/**
 * Brings a resource URI to canonical form (docs/MODEL.md, "URIs are data, not
 * patterns") or throws `PermissioValidationError`:
 *
 * - starts with `/`; one trailing `/` is dropped (`/a/` → `/a`), the root `/` stays;
 * - each segment is percent-decoded exactly once, except that a literal `%`
 *   is kept as `%25` so the canonical form reads back as itself;
 * - rejected, never guessed: empty segments (`//`), `.` and `..` segments (also
 *   encoded), an encoded `/` or `\`, double encoding (`%252F`), malformed
 *   escapes, control characters, backslashes, more than 2,048 bytes or 32 segments.
 *
 * `*`, `**`, `:id`, `[^/]+` are ordinary characters.
 */
export function canonicalizeResourceUri(input: unknown): string {
  if (typeof input !== 'string') {
    throw new PermissioValidationError(`Invalid resource URI: expected a string, got ${describe(input)}.`);
  }
  const fail = (why: string): never => {
    throw new PermissioValidationError(`Invalid resource URI ${quoteShort(input)}: ${why}`, {
      details: { uri: input.length > 200 ? `${input.slice(0, 200)}…` : input },
    });
  };
  if (!input.startsWith('/')) fail('it must start with "/".');
  if (encoder.encode(input).length > MAX_URI_BYTES) fail(`it is longer than ${MAX_URI_BYTES} bytes.`);
  if (CONTROL.test(input)) fail('it contains a control character.');
  if (input.includes('\\')) fail('it contains a backslash.');
  if (LONE_SURROGATE.test(input)) fail(LONE_SURROGATE_WHY);
  if (input === '/') return '/';

  const body = input.endsWith('/') ? input.slice(1, -1) : input.slice(1);
  const raw = body.split('/');
  if (raw.length > MAX_URI_SEGMENTS) fail(`it has more than ${MAX_URI_SEGMENTS} segments.`);
  const out: string[] = [];
  for (const segment of raw) {
    if (segment === '') fail('it has an empty segment ("//").');
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return fail(`segment ${quoteShort(segment)} has a malformed percent-escape.`);
    }
    if (decoded === '.' || decoded === '..') fail(`"." and ".." segments are not allowed.`);
    if (decoded.includes('/')) fail('it contains an encoded "/" (%2F) inside a segment.');
    if (decoded.includes('\\')) fail('it contains an encoded backslash.');
    if (CONTROL.test(decoded)) fail('it contains an encoded control character.');
    if (ENCODED_TRIPLET.test(decoded)) fail('it is percent-encoded twice (e.g. %252F).');
    // A literal "%" stays encoded so that the canonical form is a fixed
    // point: canonicalize(canonicalize(x)) === canonicalize(x).
    out.push(decoded.includes('%') ? decoded.replaceAll('%', '%25') : decoded);
  }
  const canonical = `/${out.join('/')}`;
  if (encoder.encode(canonical).length > MAX_URI_BYTES) fail(`it is longer than ${MAX_URI_BYTES} bytes.`);
  return canonical;
}

/**
 * The ancestors-or-self of a canonical URI, from the root down:
 * `/a/b` → `["/", "/a", "/a/b"]`. Ancestry is on segment boundaries only.
 */
export function uriAncestors(canonical: string): string[] {
  if (canonical === '/') return ['/'];
  const result = ['/'];
  let index = canonical.indexOf('/', 1);
  while (index !== -1) {
    result.push(canonical.slice(0, index));
    index = canonical.indexOf('/', index + 1);
  }
  result.push(canonical);
  return result;
}

/** `true` iff canonical URI `ancestor` equals `uri` or is its ancestor on a segment boundary. */
export function isUriAncestorOrSelf(ancestor: string, uri: string): boolean {
  if (ancestor === uri || ancestor === '/') return true;
  return uri.length > ancestor.length && uri.startsWith(ancestor) && uri.charCodeAt(ancestor.length) === 47; /* / */
}

/** Deepest nesting of objects and arrays in an attributes bag (the bag itself is level 1). */
export const MAX_ATTRIBUTE_DEPTH = 32;
/** Largest attributes bag, in characters of its JSON text (approximately: keys, strings, numbers, punctuation). */
export const MAX_ATTRIBUTES_SIZE = 64 * 1024;

/**
 * Asserts that an attributes value (a user's or tenant's `attributes`) is
 * within {@link MAX_ATTRIBUTE_DEPTH} levels of nesting and
 * {@link MAX_ATTRIBUTES_SIZE} characters of JSON. Iterative, so it refuses a
 * 100,000-level document (or a cyclic object) without deepening the stack;
 * it stops at the first level or character past a limit.
 */
export function assertAttributesWithinLimits(value: unknown, field = 'attributes'): void {
  const stack: [unknown, number][] = [[value, 1]];
  let size = 0;
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item === 'string') size += item.length + 2;
    else if (typeof item !== 'object' || item === null) size += 8;
    else {
      if (depth > MAX_ATTRIBUTE_DEPTH) {
        throw new PermissioValidationError(
          `Invalid ${field}: nested more than ${MAX_ATTRIBUTE_DEPTH} levels deep (MAX_ATTRIBUTE_DEPTH is ` +
            `${MAX_ATTRIBUTE_DEPTH}); flatten the attributes.`,
          { details: { field, limit: 'MAX_ATTRIBUTE_DEPTH', max: MAX_ATTRIBUTE_DEPTH } },
        );
      }
      size += 2;
      if (Array.isArray(item)) {
        for (const element of item) stack.push([element, depth + 1]);
        size += item.length;
      } else {
        for (const key of Object.keys(item)) {
          size += key.length + 4;
          stack.push([(item as Record<string, unknown>)[key], depth + 1]);
        }
      }
    }
    if (size > MAX_ATTRIBUTES_SIZE) {
      throw new PermissioValidationError(
        `Invalid ${field}: larger than ${MAX_ATTRIBUTES_SIZE} characters of JSON (MAX_ATTRIBUTES_SIZE is ` +
          `${MAX_ATTRIBUTES_SIZE}); keep large data outside the policy.`,
        { details: { field, limit: 'MAX_ATTRIBUTES_SIZE', max: MAX_ATTRIBUTES_SIZE } },
      );
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function quoteShort(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(shown);
}

/**
 * Condition paths: the grammar (`user.<attr>`, `resource.<attr>`,
 * `tenant.<attr>`, `context.<dotted.path>`, plus the built-ins), their
 * declared type, and the accessor closure that reads them from an
 * {@link EvalInput}. Attribute records are read by own key only, so
 * `__proto__`, `constructor` or `prototype` are plain data, never a
 * prototype lookup.
 */
import type { Attributes, AttributeType } from '@permissio/core';
import { jsonValue } from './json-value.js';
import type { AttributeCatalog, AttributeDeclaration, EvalInput } from './types.js';

export type PathRoot = 'user' | 'resource' | 'tenant' | 'context';

/** Longest accepted path, in characters. */
export const MAX_PATH_LENGTH = 512;

/** A parsed, resolved path. */
export interface PathInfo {
  /** The path as written, e.g. `user.department`. */
  readonly text: string;
  readonly root: PathRoot;
  /** A built-in field (`user.key`, `resource.uri` …) rather than an attribute. */
  readonly builtin: boolean;
  /** Attribute key (or built-in field name); for `context`, the whole dotted remainder. */
  readonly name: string;
  /** Declared type, or `undefined` for untyped paths (`context.*`, undeclared tenant attributes). */
  readonly type: AttributeType | undefined;
  /** Reads the value; `undefined` when absent. */
  readonly get: (input: EvalInput) => unknown;
}

/** Declarations as Maps (never plain objects: attribute keys are data). */
export interface ResolvedCatalog {
  user: ReadonlyMap<string, AttributeType>;
  tenant: ReadonlyMap<string, AttributeType> | undefined;
  resourceTypes: ReadonlyMap<string, ReadonlyMap<string, AttributeType>>;
}

export function resolveCatalog(catalog: AttributeCatalog): ResolvedCatalog {
  const resourceTypes = new Map<string, ReadonlyMap<string, AttributeType>>();
  for (const [type, list] of catalog.resourceTypes) resourceTypes.set(type, toMap(list));
  return {
    user: toMap(catalog.user),
    tenant: catalog.tenant === undefined ? undefined : toMap(catalog.tenant),
    resourceTypes,
  };
}

function toMap(list: Iterable<AttributeDeclaration>): Map<string, AttributeType> {
  const map = new Map<string, AttributeType>();
  for (const { key, type } of list) map.set(key, type);
  return map;
}

const USER_BUILTINS = new Map<string, AttributeType>([
  ['key', 'string'],
  ['email', 'string'],
  ['firstName', 'string'],
  ['lastName', 'string'],
  ['roles', 'array'],
]);
const RESOURCE_BUILTINS = new Map<string, AttributeType>([
  ['type', 'string'],
  ['key', 'string'],
  ['tenant', 'string'],
  ['uri', 'string'],
]);
const TENANT_BUILTINS = new Map<string, AttributeType>([['key', 'string']]);

/** The built-in paths, for messages and docs. */
export const BUILTIN_PATHS: readonly string[] = [
  ...[...USER_BUILTINS.keys()].map((k) => `user.${k}`),
  ...[...RESOURCE_BUILTINS.keys()].map((k) => `resource.${k}`),
  ...[...TENANT_BUILTINS.keys()].map((k) => `tenant.${k}`),
];

/**
 * Parses `text`; returns the path or a message saying what is wrong.
 * `resourceType` is the resource type whose attributes `resource.*` may name
 * (undefined in a userset, where `resource.*` is refused by the caller).
 */
export function parsePath(text: string, catalog: ResolvedCatalog, resourceType: string | undefined): PathInfo | string {
  if (text.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(text)) return `path ${JSON.stringify(text)} contains a control character`;
  const dot = text.indexOf('.');
  const head = dot < 0 ? text : text.slice(0, dot);
  const name = dot < 0 ? '' : text.slice(dot + 1);
  if (head !== 'user' && head !== 'resource' && head !== 'tenant' && head !== 'context') {
    return `unknown path ${JSON.stringify(text)}: a path starts with user., resource., tenant. or context.`;
  }
  if (name === '') return `path ${JSON.stringify(text)} names no attribute (write e.g. ${head}.<attribute>)`;
  switch (head) {
    case 'context':
      return contextPath(text, name);
    case 'user':
      return attributePath(text, 'user', name, USER_BUILTINS.get(name), catalog.user, userGetter);
    case 'tenant':
      if (catalog.tenant === undefined) {
        const builtin = TENANT_BUILTINS.get(name);
        if (builtin !== undefined) return attributePath(text, 'tenant', name, builtin, new Map(), tenantGetter);
        return { text, root: 'tenant', builtin: false, name, type: undefined, get: tenantGetter(name) };
      }
      return attributePath(text, 'tenant', name, TENANT_BUILTINS.get(name), catalog.tenant, tenantGetter);
    default: {
      const builtin = RESOURCE_BUILTINS.get(name);
      if (builtin !== undefined) return attributePath(text, 'resource', name, builtin, new Map(), resourceGetter);
      const declared = resourceType === undefined ? undefined : catalog.resourceTypes.get(resourceType);
      if (declared?.has(name) === true) {
        return attributePath(text, 'resource', name, undefined, declared, resourceGetter);
      }
      const owners = [...catalog.resourceTypes].filter(([, attrs]) => attrs.has(name)).map(([type]) => type);
      if (owners.length > 0) {
        return (
          `${text} is not an attribute of resource type ${JSON.stringify(resourceType)}: ` +
          `it is declared on ${owners.map((o) => JSON.stringify(o)).join(', ')}; a resourceset only reads its own type's attributes`
        );
      }
      return undeclared(text, 'resource type', resourceType, declared);
    }
  }
}

function attributePath(
  text: string,
  root: 'user' | 'resource' | 'tenant',
  name: string,
  builtin: AttributeType | undefined,
  declared: ReadonlyMap<string, AttributeType>,
  getter: (name: string) => (input: EvalInput) => unknown,
): PathInfo | string {
  if (builtin !== undefined) return { text, root, builtin: true, name, type: builtin, get: builtinGetter(root, name) };
  const type = declared.get(name);
  if (type === undefined) return undeclared(text, root, undefined, declared);
  return { text, root, builtin: false, name, type, get: getter(name) };
}

function undeclared(
  text: string,
  owner: string,
  which: string | undefined,
  declared: ReadonlyMap<string, AttributeType> | undefined,
): string {
  const of = which === undefined ? `${owner}s` : `${owner} ${JSON.stringify(which)}`;
  const list = declared === undefined || declared.size === 0 ? 'none' : [...declared.keys()].join(', ');
  return `unknown path ${text}: not a built-in and not a declared attribute of ${of} (declared: ${list}); declare it first`;
}

const MAX_CONTEXT_SEGMENTS = 16;

function contextPath(text: string, name: string): PathInfo | string {
  const segments = name.split('.');
  if (segments.some((s) => s === '')) return `path ${JSON.stringify(text)} has an empty segment`;
  if (segments.length > MAX_CONTEXT_SEGMENTS) return `path ${text} has more than ${MAX_CONTEXT_SEGMENTS} segments`;
  return { text, root: 'context', builtin: false, name, type: undefined, get: contextGetter(segments) };
}

// ---------------------------------------------------------------- accessors

/**
 * An own property of `record`, never an inherited one (`constructor`, `__proto__`, `toString` …), as JSON would
 * carry it over HTTP (a `Date` is its ISO string …, see json-value.ts), so embedded and remote decisions agree.
 */
function own(record: Attributes | undefined, key: string): unknown {
  if (record === undefined || record === null) return undefined;
  const value = record[key];
  return value !== undefined && Object.hasOwn(record, key) ? jsonValue(value) : undefined;
}

function userGetter(name: string): (input: EvalInput) => unknown {
  return function readUserAttribute(input) {
    const passed = own(input.user.attributes, name);
    return passed !== undefined ? passed : own(input.user.storedAttributes, name);
  };
}

function resourceGetter(name: string): (input: EvalInput) => unknown {
  return function readResourceAttribute(input) {
    return own(input.resource.attributes, name);
  };
}

function tenantGetter(name: string): (input: EvalInput) => unknown {
  return function readTenantAttribute(input) {
    return own(input.tenant.attributes, name);
  };
}

function builtinGetter(root: 'user' | 'resource' | 'tenant', name: string): (input: EvalInput) => unknown {
  switch (`${root}.${name}`) {
    case 'user.key':
      return (input) => input.user.key;
    case 'user.email':
      return (input) => input.user.email;
    case 'user.firstName':
      return (input) => input.user.firstName;
    case 'user.lastName':
      return (input) => input.user.lastName;
    case 'user.roles':
      return (input) => input.user.roles;
    case 'resource.type':
      return (input) => input.resource.type;
    case 'resource.key':
      return (input) => input.resource.key;
    case 'resource.tenant':
      return (input) => input.resource.tenant;
    case 'resource.uri':
      return (input) => input.resource.uri;
    default:
      return (input) => input.tenant.key;
  }
}

function contextGetter(segments: readonly string[]): (input: EvalInput) => unknown {
  if (segments.length === 1) {
    const [key] = segments as [string];
    return function readContext(input) {
      return own(input.context, key);
    };
  }
  return function readContextPath(input) {
    let value: unknown = input.context;
    for (const segment of segments) {
      if (typeof value === 'object' && value !== null && !isPlainObject(value)) value = jsonValue(value);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      if (!Object.hasOwn(value, segment)) return undefined;
      value = (value as Record<string, unknown>)[segment];
    }
    return jsonValue(value);
  };
}

/** A plain object or array without `toJSON` (read one level further as it is; anything else is read as its JSON). */
function isPlainObject(value: object): boolean {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Resolves `catalog` unless it already is resolved. */
export function asResolvedCatalog(catalog: AttributeCatalog | ResolvedCatalog): ResolvedCatalog {
  return catalog.user instanceof Map ? (catalog as ResolvedCatalog) : resolveCatalog(catalog as AttributeCatalog);
}

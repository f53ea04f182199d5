/**
 * The core of every adapter's `resourceFromPath(type, { key })`: turns the
 * path the router matched into a resource whose `uri` is the canonical path
 * (docs/MODEL.md). A path that cannot be canonicalised without guessing throws
 * `PermissioValidationError`, which adapters answer with 400 — never a check.
 */
import { canonicalizeResourceUri } from '../validation.js';
import type { CheckResource } from '../types.js';

/** Options of `resourceFromPath`. */
export interface ResourceFromPathOptions {
  /** Route parameter holding the instance key (e.g. `"id"` for `/documents/:id`). */
  key?: string;
}

/**
 * Validates `resourceFromPath` arguments eagerly.
 * @throws TypeError naming the bad argument
 */
export function assertResourceFromPathArguments(type: unknown, options: unknown, framework: string): void {
  const where = `@permissio/${framework}: resourceFromPath(type, { key? })`;
  if (typeof type !== 'string' || type.length === 0) {
    throw new TypeError(`${where}: "type" must be a non-empty resource type such as "document".`);
  }
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object.`);
  const key = (options as ResourceFromPathOptions).key;
  if (key !== undefined && (typeof key !== 'string' || key.length === 0)) {
    throw new TypeError(`${where}: "key" must be the name of a route parameter, e.g. "id".`);
  }
}

/**
 * Builds `{ type, uri, key? }` from a request path. `path` is the path the
 * router matched, still percent-encoded, with or without a query string;
 * `keyValue` is the (router-decoded) route parameter named by `options.key`.
 *
 * @throws PermissioValidationError when the path is not a safe resource URI
 * @throws Error when `options.key` names a parameter the route lacks
 */
export function resourceFromRequestPath<T extends string>(
  type: T,
  path: string,
  options: ResourceFromPathOptions | undefined,
  keyValue: unknown,
): CheckResource<T> {
  const query = path.indexOf('?');
  const pathname = query === -1 ? path : path.slice(0, query);
  const uri = canonicalizeResourceUri(pathname);
  if (options?.key === undefined) return { type, uri };
  if (typeof keyValue !== 'string' || keyValue.length === 0) {
    throw new Error(`Route parameter "${options.key}" is missing; resourceFromPath cannot build the resource key.`);
  }
  return { type, uri, key: keyValue };
}

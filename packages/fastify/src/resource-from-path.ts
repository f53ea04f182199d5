/**
 * `resourceFromPath(type, { key })` for Fastify: the resource URI is the raw
 * request path find-my-way matched (`request.url` up to `?`/`#`, still
 * percent-encoded), canonicalised once by core. Unsafe paths answer 400.
 */
import type { FastifyRequest } from 'fastify';
import type { CheckResource, RegisteredType, ResourceTypeOf } from '@permissio/core';
import {
  assertResourceFromPathArguments,
  markResourceType,
  resourceFromRequestPath,
  type ResourceFromPathOptions,
} from '@permissio/core/internal';

export type { ResourceFromPathOptions };

/**
 * A ready resolver for `requirePermission`: `{ type, uri: <canonical path>, key? }`.
 *
 * @param type - the resource type, e.g. `"document"`
 * @param options - `key`: the route parameter holding the instance key
 * @throws TypeError at call time when an argument is invalid
 */
export function resourceFromPath<T extends ResourceTypeOf>(
  type: T,
  options?: ResourceFromPathOptions,
): (request: FastifyRequest) => CheckResource<RegisteredType<T>> {
  assertResourceFromPathArguments(type, options, 'fastify');
  const key = options?.key;
  return markResourceType(function resourceFromPathResolver(request: FastifyRequest): CheckResource<RegisteredType<T>> {
    const params = request.params as Record<string, unknown> | undefined;
    return resourceFromRequestPath(type, rawPath(request.url), options, key === undefined ? undefined : params?.[key]);
  }, type);
}

/** The path part of a request target: no query, no fragment; absolute-form reduced to its path. */
function rawPath(url: string): string {
  let path = url;
  if (path.charCodeAt(0) !== 47 /* / */) {
    const scheme = path.indexOf('://');
    if (scheme !== -1) {
      const slash = path.indexOf('/', scheme + 3);
      path = slash === -1 ? '/' : path.slice(slash);
    }
  }
  const hash = path.indexOf('#');
  if (hash !== -1) path = path.slice(0, hash);
  return path; // core drops the query string
}

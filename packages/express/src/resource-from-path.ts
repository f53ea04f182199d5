/**
 * `resourceFromPath(type, { key })`: a resolver whose resource URI is the
 * request path the router matched (`req.baseUrl + req.path`, still
 * percent-encoded in Express 5), canonicalised once by core. A path that
 * cannot be canonicalised safely (`//`, `%2F`, `%252F`, `..`) answers 400.
 */
import type { Request } from 'express';
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
): (req: Request) => CheckResource<RegisteredType<T>> {
  assertResourceFromPathArguments(type, options, 'express');
  const key = options?.key;
  return markResourceType(function resourceFromPathResolver(req: Request): CheckResource<RegisteredType<T>> {
    const params = req.params as Record<string, unknown> | undefined;
    return resourceFromRequestPath(
      type,
      req.baseUrl + req.path,
      options,
      key === undefined ? undefined : params?.[key],
    );
  }, type);
}

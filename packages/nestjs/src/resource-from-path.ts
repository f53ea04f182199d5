/**
 * `resourceFromPath(type, { key? })`: a ready resolver whose resource URI is
 * the canonical request path.
 */
import type { CheckResource, RegisteredType, ResourceTypeOf } from '@permissio/core';
import {
  assertResourceFromPathArguments,
  markResourceType,
  resourceFromRequestPath,
  type ResourceFromPathOptions,
} from '@permissio/core/internal';
import { FRAMEWORK } from './permissio.constants.js';
import type { PermissioRequest } from './permissio-options.interface.js';

/**
 * A resolver for `@RequirePermission(action, resourceFromPath(type, { key }))`
 * answering `{ type, uri: <canonical request path>, key?: <route param> }`.
 *
 * The path is the one the router matched, as received: Express
 * `req.originalUrl`, Fastify `request.url` (the query string is dropped). A path
 * that cannot be canonicalised safely (`..`, encoded `/`, double encoding,
 * control characters) answers 400 and is never checked.
 *
 * @throws TypeError (when called) naming a bad argument
 */
export function resourceFromPath<T extends ResourceTypeOf>(
  type: T,
  options?: ResourceFromPathOptions,
): (request: PermissioRequest) => CheckResource<RegisteredType<T>> {
  assertResourceFromPathArguments(type, options, FRAMEWORK);
  const key = options?.key;
  return markResourceType(function resourceFromPathResolver(
    request: PermissioRequest,
  ): CheckResource<RegisteredType<T>> {
    const path = matchedPath(request);
    if (typeof path !== 'string') throw new TypeError('resourceFromPath: the request has no URL.');
    return resourceFromRequestPath(
      type,
      path,
      options,
      key === undefined ? undefined : routeParam(request.params, key),
    );
  }, type);
}

/** Fastify routes `request.url` (after any `rewriteUrl`); Express keeps the received URL in `req.originalUrl`. */
function matchedPath(request: PermissioRequest): string | undefined {
  const fastify = typeof (request as { raw?: unknown }).raw === 'object';
  if (!fastify && typeof request.originalUrl === 'string') return request.originalUrl;
  return request.url;
}

function routeParam(params: unknown, key: string): unknown {
  if (params === null || typeof params !== 'object' || !Object.hasOwn(params, key)) return undefined;
  return (params as Record<string, unknown>)[key];
}

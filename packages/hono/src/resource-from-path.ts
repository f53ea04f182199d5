/**
 * `resourceFromPath(type, { key })` for Hono: the resource URI is the raw
 * pathname of `c.req.url` (still percent-encoded; Hono's router matched its
 * decoded form), canonicalised once by core. Unsafe paths answer 400.
 */
import type { Context } from 'hono';
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
): (c: Context) => CheckResource<RegisteredType<T>> {
  assertResourceFromPathArguments(type, options, 'hono');
  const key = options?.key;
  return markResourceType(function resourceFromPathResolver(c: Context): CheckResource<RegisteredType<T>> {
    return resourceFromRequestPath(
      type,
      rawPathname(c.req.url),
      options,
      key === undefined ? undefined : c.req.param(key),
    );
  }, type);
}

/** The pathname of an absolute URL, exactly as written (no decoding), without query or fragment. */
function rawPathname(url: string): string {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  if (start === -1) return '/';
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 63 /* ? */ || code === 35 /* # */) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}

/** The scope check of every authenticated route: a key without the route's scope gets 403 `MISSING_SCOPE`. */
import { PermissioPermissionError } from '@permissio/core';
import type { AuthenticatedKey } from '../auth.js';
import { effectiveScopes, hasScope, type KeyScope } from '../key-scopes.js';

/** The error code of a 403 for a missing scope. */
export const MISSING_SCOPE = 'MISSING_SCOPE';

/**
 * Throws a 403 naming the missing scope unless `key` has `required`.
 * `operation` is the route as declared (`POST /v1/…/{projectId}/…`), never the
 * request's URL; nothing of the key but its scopes is named.
 */
export function requireScope(key: AuthenticatedKey, required: KeyScope, operation: string): void {
  if (hasScope(key.scopes, required)) return;
  const held = effectiveScopes(key.scopes);
  throw new PermissioPermissionError(
    `This API key lacks the "${required}" scope that ${operation} needs ` +
      `(it has: ${held.length === 0 ? 'no known scope' : held.join(', ')}). ` +
      `Use a key with the "${required}" scope (permissio-server keys create --scope ${required}).`,
    { code: MISSING_SCOPE, details: { requiredScope: required, keyScopes: held } },
  );
}

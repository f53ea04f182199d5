/**
 * What an API key may do: its scopes. Three, in a hierarchy (each includes
 * the ones below it):
 *
 * | scope   | may call                                                                |
 * |---------|-------------------------------------------------------------------------|
 * | `check` | decisions: check, bulk check, explain, check permissions, user permissions, plan; its own key scope |
 * | `read`  | `check` + reading the policy: every `GET` of the management API, snapshot export, recent decisions |
 * | `admin` | everything: writes, snapshot import, API key management                 |
 *
 * A route names the scope it needs (`RouteDef.scope`); without one it gets
 * {@link defaultRouteScope}: `check` for the decision rate class, `read` for
 * a `GET`, `admin` for anything else (fail closed).
 */

/** The scopes, from the least to the most powerful. */
export const KEY_SCOPES = ['check', 'read', 'admin'] as const;

/** One scope of an API key. */
export type KeyScope = (typeof KEY_SCOPES)[number];

/** Keys configured or stored without scopes (before scopes existed) are `admin`: they could do everything. */
export const DEFAULT_KEY_SCOPES: readonly KeyScope[] = ['admin'];

const RANK: Record<KeyScope, number> = { check: 0, read: 1, admin: 2 };

/** `true` for `check`, `read` and `admin`. */
export function isKeyScope(value: unknown): value is KeyScope {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/**
 * Validates a list of scope names (`undefined` → {@link DEFAULT_KEY_SCOPES});
 * throws a `TypeError` naming `name` and the bad value. Returns them
 * deduplicated, weakest first.
 */
export function parseKeyScopes(value: unknown, name: string): KeyScope[] {
  if (value === undefined) return [...DEFAULT_KEY_SCOPES];
  const list = value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${name} must be a non-empty list of scopes (${KEY_SCOPES.join(', ')}).`);
  }
  for (const scope of list) {
    if (!isKeyScope(scope)) {
      const shown = typeof scope === 'string' ? JSON.stringify(scope.slice(0, 40)) : typeof scope;
      throw new TypeError(`${name}: unknown scope ${shown}; the scopes are ${KEY_SCOPES.join(', ')}.`);
    }
  }
  return KEY_SCOPES.filter((scope) => (list as unknown[]).includes(scope));
}

/** Scope names as stored (`"check,read"`) → the known ones (unknown names grant nothing: fail closed). */
export function decodeKeyScopes(stored: unknown): KeyScope[] {
  if (stored === null || stored === undefined || stored === '') return [...DEFAULT_KEY_SCOPES];
  const names = String(stored).split(',');
  return KEY_SCOPES.filter((scope) => names.includes(scope));
}

/** Scopes → their stored form, `"check,read"`. */
export function encodeKeyScopes(scopes: readonly KeyScope[]): string {
  return KEY_SCOPES.filter((scope) => scopes.includes(scope)).join(',');
}

/** Does a key holding `held` have `required` (itself or a scope above it)? */
export function hasScope(held: readonly KeyScope[], required: KeyScope): boolean {
  const need = RANK[required];
  // An unknown requirement has no rank: nothing satisfies it (fail closed).
  if (need === undefined) return false;
  return held.some((scope) => RANK[scope] >= need);
}

/** Every scope `held` includes: `['read']` → `['check', 'read']`. */
export function effectiveScopes(held: readonly KeyScope[]): KeyScope[] {
  return KEY_SCOPES.filter((scope) => hasScope(held, scope));
}

/** What {@link defaultRouteScope} reads of a route. */
export interface ScopedRouteLike {
  method: string;
  rateClass?: string;
  scope?: KeyScope;
}

/**
 * The scope a route needs: its own `scope`, else `check` for a route of the
 * `checks` rate class (decisions), `read` for a `GET`, and `admin` for
 * everything else — a route added without a scope is never open to weaker keys
 * than its kind implies.
 */
export function defaultRouteScope(route: ScopedRouteLike): KeyScope {
  if (route.scope !== undefined) return isKeyScope(route.scope) ? route.scope : 'admin';
  if (route.rateClass === 'checks') return 'check';
  if (route.method === 'GET') return 'read';
  return 'admin';
}

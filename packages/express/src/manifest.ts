/**
 * `routeManifest(app)` and `validateRoutes(app, { client })` for Express:
 * every route of the app's router stack with its method, path and guard
 * (`{ action, resource }`), `public`, or `unguarded`; and the check of those
 * guards against the policy of an embedded PDP.
 */
import {
  formatManifest,
  sortManifest,
  validateRoutesWith,
  type PolicyCheckResult,
  type RouteManifestEntry,
  type ValidateRoutesOptions,
} from '@permissio/core/internal';
import { collectRoutes, routerStack } from './route-table.js';

export type { ValidateRoutesOptions };

/**
 * Lists every route of an Express app (or `Router`), sorted by path then
 * method. App- and router-level `requirePermission(...)` / `publicRoute()`
 * apply to the routes registered after them under their path.
 *
 * @throws TypeError when `app` is not an Express app or router
 */
export function routeManifest(app: unknown): RouteManifestEntry[] {
  const stack = routerStack(app);
  if (stack === undefined) {
    // Express 4 creates its router with the first route: an app without routes lists none.
    if (typeof app === 'function' && typeof (app as { use?: unknown }).use === 'function') return [];
    throw new TypeError('@permissio/express: routeManifest(app) expects an Express app or Router.');
  }
  return sortManifest(collectRoutes(stack));
}

/** The manifest as an aligned text table (`GET  /documents/:id  read document`). */
export function formatRouteManifest(app: unknown): string {
  return formatManifest(routeManifest(app));
}

/**
 * Checks every `requirePermission(action, resource)` of the app against the
 * policy: an action or resource type the policy does not define (`'raed'`,
 * `'editor'` as an action) is reported. Call it once the routes are
 * registered, before `listen`.
 *
 * @throws PermissioValidationError (`ROUTE_POLICY_MISMATCH`) in `'error'` mode, listing every problem
 */
export function validateRoutes(app: unknown, options: ValidateRoutesOptions): Promise<PolicyCheckResult> {
  return validateRoutesWith('express', () => routeManifest(app), options);
}

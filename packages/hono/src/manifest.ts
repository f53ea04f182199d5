/**
 * `routeManifest(app)` and `validateRoutes(app, { client })` for Hono: every
 * endpoint of `app.routes` with its method, path and guard
 * (`{ action, resource }`), `public`, or `unguarded`; and the check of those
 * guards against the policy of an embedded PDP.
 */
import {
  formatManifest,
  validateRoutesWith,
  type PolicyCheckResult,
  type RouteManifestEntry,
  type ValidateRoutesOptions,
} from '@permissio/core/internal';
import { collectRoutes } from './route-table.js';

export type { ValidateRoutesOptions };

/**
 * Lists every endpoint of a Hono app, sorted by path then method.
 * Middleware registered before an endpoint (`app.use('/admin/*', requirePermission(...))`,
 * `app.use('/open/*', publicRoute())`) applies to it.
 *
 * @throws TypeError when `app` is not a Hono app
 */
export function routeManifest(app: {
  routes: readonly { method: string; path: string; handler: unknown }[];
}): RouteManifestEntry[] {
  if (app === null || typeof app !== 'object' || !Array.isArray(app.routes)) {
    throw new TypeError('@permissio/hono: routeManifest(app) expects a Hono app.');
  }
  return collectRoutes(app.routes);
}

/** The manifest as an aligned text table (`GET  /documents/:id  read document`). */
export function formatRouteManifest(app: Parameters<typeof routeManifest>[0]): string {
  return formatManifest(routeManifest(app));
}

/**
 * Checks every `requirePermission(action, resource)` of the app against the
 * policy (an embedded PDP): an action or resource type the policy does not
 * define is reported. Call it once the routes are registered.
 *
 * @throws PermissioValidationError (`ROUTE_POLICY_MISMATCH`) in `'error'` mode, listing every problem
 */
export function validateRoutes(
  app: Parameters<typeof routeManifest>[0],
  options: ValidateRoutesOptions,
): Promise<PolicyCheckResult> {
  return validateRoutesWith('hono', () => routeManifest(app), options);
}

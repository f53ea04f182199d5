/**
 * `routeManifest(app)` and `validateRoutes(app, { client })` for Express:
 * every route of the app's router stack with its method, path and guard
 * (`{ action, resource }`), `public`, or `unguarded`; and the check of those
 * guards against the policy of an embedded PDP.
 */
import type { Logger, Permissio } from '@permissio/core';
import {
  formatManifest,
  sortManifest,
  validateManifest,
  type PolicyCheckResult,
  type RouteManifestEntry,
} from '@permissio/core/internal';
import { collectRoutes, routerStack } from './route-table.js';

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

/** Options of {@link validateRoutes}. */
export interface ValidateRoutesOptions {
  /** The client whose policy the guards are checked against (an embedded engine; a remote PDP is skipped). */
  client: Permissio<boolean>;
  /** `'warn'` logs each problem; `'error'` rejects with one error listing them. @defaultValue 'warn' */
  mode?: 'warn' | 'error';
  /** Where warnings go. @defaultValue console */
  logger?: Pick<Logger, 'warn'>;
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
  if (options === null || typeof options !== 'object' || typeof options.client?.pdp !== 'object') {
    return Promise.reject(
      new TypeError('@permissio/express: validateRoutes(app, { client }) needs the Permissio client.'),
    );
  }
  if (options.mode !== undefined && options.mode !== 'warn' && options.mode !== 'error') {
    return Promise.reject(new TypeError('@permissio/express: validateRoutes option "mode" must be "warn" or "error".'));
  }
  let entries: RouteManifestEntry[];
  try {
    entries = routeManifest(app);
  } catch (error) {
    return Promise.reject(error);
  }
  return validateManifest(options.client, entries, {
    framework: 'express',
    mode: options.mode ?? 'warn',
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

import type { RequestScope } from '@permissio/core';
import { permissioPlugin, type RoutePermission } from './plugin.js';
import type { requirePermission } from './require-permission.js';

export { permissioPlugin };
export default permissioPlugin;
export type { PermissioFastifyOptions, PermissioFastifyHook, RoutePermission } from './plugin.js';
export { requirePermission } from './require-permission.js';
export type { FastifyResourceSpec } from './require-permission.js';
export { resourceFromPath } from './resource-from-path.js';
export type { ResourceFromPathOptions } from './resource-from-path.js';
export { formatRouteManifest, routeManifest } from './route-table.js';
export { PROBLEM_CONTENT_TYPE, PermissioRefusalError } from '@permissio/core/internal';
export type {
  RouteManifestEntry,
  RouteGuard,
  RouteAccess,
  PolicyCheckResult,
  PolicyIssue,
} from '@permissio/core/internal';
export type { AuthorizationOutcome, RefusalOutcome, ProblemDetails } from '@permissio/core/internal';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The request's decision cache, created at the request's first decision
     * (or first read); further checks in the handler reuse it. Undefined
     * outside the plugin's encapsulation context, and before the first check
     * while asynchronous user/tenant resolvers are still answering.
     */
    permissio: RequestScope | undefined;
  }
  interface FastifyInstance {
    /** Returns a preHandler that requires `action` on `resource` (see `requirePermission`). */
    requirePermission: typeof requirePermission;
  }
  interface FastifyContextConfig {
    /** Protects the route: the plugin adds `requirePermission(action, resource)` as its first preHandler. */
    permission?: RoutePermission;
    /** Marks the route deliberately public: allowed under `requireGuard`, listed as `public` in `routeManifest`. */
    public?: boolean;
  }
}

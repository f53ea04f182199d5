import type { PermissioVariables } from './middleware.js';

export { permissio } from './middleware.js';
export { permissioScope } from './scope.js';
export type { PermissioVariables, PermissioEnv, PermissioHonoOptions, PermissioHonoHook } from './middleware.js';
export { requirePermission, problemException } from './require-permission.js';
export type { HonoResourceSpec } from './require-permission.js';
export { resourceFromPath } from './resource-from-path.js';
export type { ResourceFromPathOptions } from './resource-from-path.js';
export { publicRoute } from './public-route.js';
export { routeManifest, formatRouteManifest, validateRoutes } from './manifest.js';
export type { ValidateRoutesOptions } from './manifest.js';
export { PROBLEM_CONTENT_TYPE } from '@permissio/core/internal';
export type {
  RouteManifestEntry,
  RouteGuard,
  RouteAccess,
  PolicyCheckResult,
  PolicyIssue,
} from '@permissio/core/internal';
export type { AuthorizationOutcome, RefusalOutcome, ProblemDetails } from '@permissio/core/internal';

declare module 'hono' {
  interface ContextVariableMap extends PermissioVariables {}
}

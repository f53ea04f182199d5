import type { RequestScope } from '@permissio/core';

export { permissio } from './middleware.js';
export type { PermissioExpressOptions, PermissioExpressHook } from './middleware.js';
export { requirePermission } from './require-permission.js';
export type { ExpressResourceSpec } from './require-permission.js';
export { resourceFromPath } from './resource-from-path.js';
export type { ResourceFromPathOptions } from './resource-from-path.js';
export { publicRoute } from './public-route.js';
export { routeManifest, formatRouteManifest, validateRoutes } from './manifest.js';
export type { ValidateRoutesOptions } from './manifest.js';
export { PROBLEM_CONTENT_TYPE, PermissioRefusalError } from '@permissio/core/internal';
export type {
  RouteManifestEntry,
  RouteGuard,
  RouteAccess,
  PolicyCheckResult,
  PolicyIssue,
} from '@permissio/core/internal';
export type { AuthorizationOutcome, RefusalOutcome, ProblemDetails } from '@permissio/core/internal';

declare global {
  namespace Express {
    interface Request {
      /**
       * The request's decision cache, defined by `permissio()` and created at
       * the request's first decision (or first read): further checks in the
       * handler (`await req.permissio?.check('write', doc)`) reuse it.
       * Undefined on requests the middleware did not run for, and before the
       * first decision while asynchronous user/tenant resolvers answer.
       */
      permissio?: RequestScope | undefined;
    }
  }
}

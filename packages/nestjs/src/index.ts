export type {} from './permissio.augmentation.js';
export { PermissioModule } from './permissio.module.js';
export { PermissioGuard, PermissioGlobalGuard } from './permissio.guard.js';
export { RequirePermission } from './require-permission.decorator.js';
export { Public, PERMISSIO_PUBLIC } from './public.decorator.js';
export { formatRouteManifest, routeManifest } from './route-manifest.js';
export type { NestAppLike } from './route-manifest.js';
export { PermissioRouteValidator } from './route-validator.js';
export type {
  RouteManifestEntry,
  RouteGuard,
  RouteAccess,
  PolicyCheckResult,
  PolicyIssue,
} from '@permissio/core/internal';
export type { PermissionRequirement } from './require-permission.decorator.js';
export { PermissioScope, getPermissioScope, getPermissioContext } from './permissio-scope.decorator.js';
export { resourceFromPath } from './resource-from-path.js';
export { PermissioExceptionFilter } from './permissio-exception.filter.js';
export {
  PermissioUnauthorizedException,
  PermissioForbiddenException,
  PermissioBadRequestException,
  PermissioServiceUnavailableException,
  PermissioUnguardedRouteException,
  PERMISSIO_EXCEPTIONS,
  createPermissioException,
  isPermissioException,
} from './permissio.exceptions.js';
export type { PermissioException } from './permissio.exceptions.js';
export {
  PERMISSIO_OPTIONS,
  PERMISSIO_AUTHORIZER,
  PERMISSIO_REQUIREMENT,
  PERMISSIO_CONTEXT,
} from './permissio.constants.js';
export type {
  PermissioModuleOptions,
  PermissioModuleAsyncOptions,
  PermissioModuleSettings,
  PermissioOptions,
  PermissioOptionsFactory,
  PermissioRefusalHook,
  PermissioRequest,
  PermissioRequestScope,
} from './permissio-options.interface.js';
export type { RefusalOutcome, ResourceFromPathOptions } from '@permissio/core/internal';

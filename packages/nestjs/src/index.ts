export type {} from './permissio.augmentation.js';
export { PermissioModule } from './permissio.module.js';
export { PermissioGuard, PermissioGlobalGuard } from './permissio.guard.js';
export { RequirePermission } from './require-permission.decorator.js';
export type { PermissionRequirement } from './require-permission.decorator.js';
export { PermissioScope, getPermissioScope, getPermissioContext } from './permissio-scope.decorator.js';
export { resourceFromPath } from './resource-from-path.js';
export { PermissioExceptionFilter } from './permissio-exception.filter.js';
export {
  PermissioUnauthorizedException,
  PermissioForbiddenException,
  PermissioBadRequestException,
  PermissioServiceUnavailableException,
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
export type { ResourceFromPathOptions } from '@permissio/core/internal';

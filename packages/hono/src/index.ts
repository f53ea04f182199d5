import type { PermissioVariables } from './middleware.js';

export { permissio } from './middleware.js';
export type { PermissioVariables, PermissioEnv, PermissioHonoOptions, PermissioHonoHook } from './middleware.js';
export { requirePermission, problemException } from './require-permission.js';
export type { HonoResourceSpec } from './require-permission.js';
export { resourceFromPath } from './resource-from-path.js';
export type { ResourceFromPathOptions } from './resource-from-path.js';
export { PROBLEM_CONTENT_TYPE } from '@permissio/core/internal';
export type { AuthorizationOutcome, RefusalOutcome, ProblemDetails } from '@permissio/core/internal';

declare module 'hono' {
  interface ContextVariableMap extends PermissioVariables {}
}

/**
 * `@RequirePermission(action, resource)`: the permission a handler (or every
 * handler of a controller) requires. A method's decorator overrides its class's.
 */
import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import type { RegisteredShape, ResourceTypeOf } from '@permissio/core';
import { assertPermissionArguments, type ResourceSpec } from '@permissio/core/internal';
import { FRAMEWORK, PERMISSIO_REQUIREMENT } from './permissio.constants.js';
import type { PermissioRequest } from './permissio-options.interface.js';
import { PermissioGuard } from './permissio.guard.js';

/** The metadata `@RequirePermission()` stores, read by `PermissioGuard`. */
export interface PermissionRequirement<Req = PermissioRequest> {
  /** The action asked, e.g. `"read"`. */
  readonly action: string;
  /** A resource type, a `CheckResource`, or a resolver of the underlying HTTP request. */
  readonly resource: ResourceSpec<Req>;
}

/**
 * Requires `action` on `resource` for the decorated handler or controller.
 *
 * `resource` is a resource type (`'document'`), a `CheckResource`
 * (`{ type: 'document', key: 'doc-1' }`), or a resolver receiving the
 * underlying HTTP request — Express `req` or Fastify `request` — and
 * returning either, sync or async (e.g. `(req) => ({ type: 'document', key: req.params.id })`,
 * or `resourceFromPath('document', { key: 'id' })`).
 *
 * The decorator also applies `@UseGuards(PermissioGuard)` at the same level,
 * so the handler never runs without a decision (bootstrap fails when
 * `PermissioModule` is not imported). It decides after global and
 * controller guards; on one method, decorators apply bottom-up, so write
 * `@RequirePermission()` above the method's own `@UseGuards(AuthGuard)`.
 *
 * Arguments are validated when the decorator is evaluated.
 * @throws TypeError naming the bad argument
 */
export function RequirePermission<Req = PermissioRequest, T extends ResourceTypeOf = ResourceTypeOf>(
  action: NoInfer<RegisteredShape[T]>,
  resource: ResourceSpec<Req, T>,
): MethodDecorator & ClassDecorator {
  assertPermissionArguments(action, resource, FRAMEWORK);
  const requirement: PermissionRequirement<Req> = Object.freeze({ action, resource });
  // The decorator brings its guard: the handler never runs without a decision, whatever the module's
  // `global` setting, and the decision runs after the app's global and controller guards.
  return applyDecorators(SetMetadata(PERMISSIO_REQUIREMENT, requirement), UseGuards(PermissioGuard));
}

/**
 * `@RequirePermission(action, resource)`: the permission a handler (or every
 * handler of a controller) requires. A method's decorator overrides its class's.
 */
import { SetMetadata } from '@nestjs/common';
import { assertPermissionArguments, type ResourceSpec } from '@permissio/core/internal';
import { FRAMEWORK, PERMISSIO_REQUIREMENT } from './permissio.constants.js';
import type { PermissioRequest } from './permissio-options.interface.js';

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
 * Arguments are validated when the decorator is evaluated.
 * @throws TypeError naming the bad argument
 */
export function RequirePermission<Req = PermissioRequest>(
  action: string,
  resource: ResourceSpec<Req>,
): MethodDecorator & ClassDecorator {
  assertPermissionArguments(action, resource, FRAMEWORK);
  const requirement: PermissionRequirement<Req> = Object.freeze({ action, resource });
  return SetMetadata(PERMISSIO_REQUIREMENT, requirement);
}

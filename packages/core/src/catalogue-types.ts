/**
 * Types of the permission catalogue and of principals (#16): the
 * `permissions` and `principals` operation groups of a {@link Pdp}.
 */
import type { ListParams, Page } from './types.js';

/**
 * One permission of the catalogue: an action of a resource type, with a
 * description. `name` is the canonical `<resourceType>:<action>`; the dotted
 * spelling (`document.read`, `billing.invoice.create`) is accepted on input
 * (the last `.` separates the action, see docs/MODEL.md).
 */
export interface Permission {
  /** Canonical name, `<resourceType>:<action>`. */
  name: string;
  resourceType: string;
  action: string;
  description?: string;
}

/** `permissions.create`: idempotent; an existing permission gets the description given. */
export interface PermissionCreate {
  /** `document:read` or `document.read`. */
  name: string;
  description?: string;
}

/** `permissions.update`: a new `name` renames the action (same resource type) everywhere it is used. */
export interface PermissionUpdate {
  name?: string;
  description?: string;
}

/** Filter of a permission list. */
export interface PermissionListParams extends ListParams {
  /** Only the permissions of this resource type. */
  resourceType?: string;
}

/**
 * `permissions`: the catalogue, a view over resource types' actions plus
 * descriptions. Creating `a:b` creates resource type `a` when missing.
 */
export interface PermissionsOperations {
  /** Ordered by name; `search` matches name and description. */
  list(params?: PermissionListParams): Promise<Page<Permission>>;
  get(name: string): Promise<Permission>;
  /** Idempotent: creates the permission, or updates the description of an existing one. */
  create(permission: PermissionCreate): Promise<Permission>;
  /** 404 if missing; a rename keeps every role, grant and condition set rule that referenced it. */
  update(name: string, update: PermissionUpdate): Promise<Permission>;
  /** Idempotent; removes the permission from every role, grant and condition set rule. */
  delete(name: string): Promise<void>;
}

/** A principal: a user of type `user` (the default), `service_account` or any other type. */
export interface Principal {
  id: string;
  type: string;
}

/** Filter and cursor of a principal list. */
export interface PrincipalListParams {
  /** From a previous page's `nextCursor`; absent for the first page. */
  cursor?: string;
  /** Page size, default 10, max 100. */
  limit?: number;
  /** Case-insensitive substring of the id. */
  search?: string;
  /** Only principals of this type. */
  type?: string;
}

/** A page of a cursor-paged list: `nextCursor` is absent on the last page. */
export interface CursorPage<T> {
  data: T[];
  nextCursor?: string;
}

/**
 * What a principal holds on one resource: its direct grants (`permissions`)
 * and the roles assigned there. `resourceUri` is a URI, a `<type>:<key>`
 * instance, or `*` for tenant-wide roles.
 */
export interface PrincipalAssignment {
  resourceUri: string;
  tenant: string;
  permissions: string[];
  roles: string[];
}

/** `principals`: listing principals and reading everything one holds. */
export interface PrincipalsOperations {
  list(params?: PrincipalListParams): Promise<CursorPage<Principal>>;
  /** Every assignment and direct grant of the principal (404 if it does not exist), optionally in one tenant. */
  assignments(id: string, options?: { tenant?: string }): Promise<PrincipalAssignment[]>;
}

/** Engine-level option of grant and assign: create the principal when it does not exist. */
export interface EnsurePrincipalOptions {
  /** Create the principal (of `principalType`, default `user`) instead of failing with 404. */
  createPrincipal?: boolean;
  principalType?: string;
}

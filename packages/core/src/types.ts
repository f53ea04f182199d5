/**
 * The shared vocabulary of Permissio: the entities of docs/MODEL.md and the one
 * operation interface ({@link Pdp}) that the embedded engine, the HTTP
 * transport and the local server all speak.
 *
 * This module holds types only, so `@permissio/engine` can implement `Pdp`
 * while `@permissio/core` never depends on the engine.
 */

import type { PermissionsOperations, PrincipalsOperations } from './catalogue-types.js';

/** A value that may or may not be wrapped in a Promise. */
export type MaybePromise<T> = T | Promise<T>;

/** Free-form attributes of a user, tenant or resource. */
export type Attributes = Record<string, unknown>;

/** The default tenant used when a check, assignment or grant names none. */
export const DEFAULT_TENANT = 'default';

// ---------------------------------------------------------------- checks

/** A user in a check: a key, or an object with a key and optional profile. */
export interface CheckUser {
  /** The user's key (often an email). */
  key: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  attributes?: Attributes;
}

/** A resource in a check: a type, optionally narrowed to an instance or URI. */
export interface CheckResource<T extends string = string> {
  /** Resource type key, e.g. `document`. The permission asked is `<type>:<action>`. */
  type: T;
  /** Instance key: enables instance-role and direct-grant rules on `<type>:<key>`. */
  key?: string;
  /** Tenant of the resource; overrides the check's `tenant` option. */
  tenant?: string;
  /** Resource URI (`/project/456/documents/789`): enables the hierarchical rules. */
  uri?: string;
  attributes?: Attributes;
}

/** Extra context of a check (reserved for attribute-based rules). */
export type CheckContext = Record<string, unknown>;

/**
 * How fresh a remote PDP's answer must be when several server replicas share
 * one database: `'fast'` answers from the replica's memory; `'full'` first
 * catches up to the database; `{atLeast: token}` waits until the replica has
 * applied the revision of a `Permissio-Revision` header. The HTTP client
 * sends the revision of its own last write by default (read-your-writes).
 * The embedded engine is always fresh and ignores it.
 */
export type Consistency = 'fast' | 'full' | { atLeast: string };

/** The `consistency` option of the check methods. */
export interface ConsistencyOptions {
  consistency?: Consistency;
}

/** Options of a single check. */
export interface CheckOptions extends ConsistencyOptions {
  /** Tenant key; default `"default"`. `resource.tenant` wins when set. */
  tenant?: string;
  context?: CheckContext;
}

/** One question: may `user` do `action` on `resource`? */
export interface CheckRequest {
  user: string | CheckUser;
  action: string;
  resource: string | CheckResource;
  tenant?: string;
  context?: CheckContext;
}

// ---------------------------------------------------------------- data filtering

/** Comparison operators of a {@link Filter} (docs/CLIENT.md, "Plans"). */
export type FilterOp =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'nin'
  | 'contains'
  | 'containsAny'
  | 'containsAll'
  | 'startsWith'
  | 'exists'
  | 'under';

/**
 * One comparison of a {@link Filter} on a resource field: `key`, `uri`,
 * `tenant` or a declared attribute of the type. Three-valued like a
 * condition: on a missing, `null` or wrong-type value it is UNKNOWN (`exists`
 * never is). `type` is the field's declared type (built-ins are `string`);
 * `time` values are ISO 8601 strings compared as instants.
 */
export interface FilterComparison {
  field: string;
  op: FilterOp;
  value: unknown;
  type?: AttributeType;
}

/** A condition over one resource row; a row is selected only when the filter is TRUE. */
export type Filter = { allOf: Filter[] } | { anyOf: Filter[] } | { not: Filter } | FilterComparison;

/**
 * Which resources of a type may a user … ? The check's decision with
 * everything but the resource decided: `always` (every resource), `never`,
 * or the resources matching `filter`.
 */
export type ResourcePlan = { kind: 'always' } | { kind: 'never' } | { kind: 'conditional'; filter: Filter };

/** Options of `plan(user, action, resourceType, options)`. */
export interface PlanOptions extends ConsistencyOptions {
  /** Tenant of the resources listed; default `"default"`. */
  tenant?: string;
  context?: CheckContext;
}

/** Why a decision came out the way it did. */
export type DecisionReason = (typeof DECISION_REASONS)[number];

/** Every {@link DecisionReason}: one list for the type, the HTTP client's answer check and the server's schema. */
export const DECISION_REASONS = [
  'role',
  'instance_role',
  'uri_role',
  'direct_grant',
  'no_matching_grant',
  'unknown_user',
  'unknown_resource_type',
  'unknown_action',
  'condition_rule',
] as const;

/** Which assignment, grant or condition set rule allowed a check. */
export interface DecisionVia {
  /** The assigned role that carries the permission (absent for a direct grant and a condition rule). */
  role?: string;
  /**
   * Tenant of the assignment or grant. For `condition_rule`, the rule's
   * tenant (absent when the rule applies in every tenant).
   */
  tenant?: string;
  /** `condition_rule`: the userset of the rule that matched. */
  userSet?: string;
  /** `condition_rule`: the resourceset of the rule that matched. */
  resourceSet?: string;
  /** `<type>:<key>` or URI of the assignment/grant, when not tenant-wide. */
  resourceInstance?: string;
  /** The permission that matched, `<type>:<action>`. */
  permission: string;
  /**
   * Inheritance path from the assigned role to the role that declares the
   * permission, both included: `["admin", "editor", "viewer"]`. `[role]` when
   * the assigned role declares it itself; absent for a direct grant.
   */
  path?: string[];
}

/** An explained decision. */
export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
  via?: DecisionVia;
}

/** Multi check: one principal, several resources × several permissions. */
export interface CheckPermissionsRequest<P extends string = string> {
  user: string | CheckUser;
  /** Resource URIs (`/project/1`) or instances (`document:doc-1`). */
  resourceUris: string[];
  /** Full permissions, `<type>:<action>`. */
  permissions: P[];
  tenant?: string;
}

/** Result of a multi check. */
export interface CheckPermissionsResult {
  /** True iff every permission holds on every resource. */
  passed: boolean;
  /** Per resource (in request order), the permissions that do not hold; only resources missing something. */
  missing: { resource: string; permissions: string[] }[];
}

/** Grant (or revoke) permissions and/or roles to a user on a resource URI or instance. */
export interface GrantRequest<P extends string = string> {
  user: string;
  /** Resource URI (`/project/456`) or instance (`document:doc-1`). */
  resourceUri: string;
  /** Direct permissions, `<type>:<action>`. */
  permissions?: P[];
  /** Roles assigned on that resource. */
  roles?: string[];
  tenant?: string;
}

/** What a user holds on a resource URI (ancestors and tenant-wide roles included). */
export interface UserPermissions {
  /** Every permission `<type>:<action>` the user holds there, sorted. */
  permissions: string[];
  /** Every role (as assigned, not expanded) that applies there, sorted. */
  roles: string[];
}

// ---------------------------------------------------------------- entities

export interface User {
  key: string;
  /** Principal type (`service_account`, …); absent means `user`. */
  type?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  attributes: Attributes;
}
export interface UserCreate {
  key: string;
  /** Principal type, default `user` (e.g. `service_account`; any valid key). */
  type?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  attributes?: Attributes;
}
export type UserUpdate = Partial<Omit<UserCreate, 'key'>>;
/** `users.sync`: upsert, optionally assigning roles in a tenant. */
export interface UserSync extends UserUpdate {
  roles?: string[];
  tenant?: string;
}

export interface Tenant {
  key: string;
  name: string;
  description?: string;
  attributes: Attributes;
}
export interface TenantCreate {
  key: string;
  name?: string;
  description?: string;
  attributes?: Attributes;
}
export type TenantUpdate = Partial<Omit<TenantCreate, 'key'>>;

export interface Role {
  key: string;
  name: string;
  description?: string;
  /** Permissions declared on this role itself (`<type>:<action>`), not inherited ones. */
  permissions: string[];
  /** Roles this role extends (inherits every permission of). */
  extends: string[];
}
export interface RoleCreate<P extends string = string> {
  key: string;
  name?: string;
  description?: string;
  permissions?: P[];
  extends?: string[];
}
export type RoleUpdate<P extends string = string> = Partial<Omit<RoleCreate<P>, 'key'>>;

export interface ResourceAction {
  key: string;
  name: string;
  /** The permission's description in the catalogue (`permissions`). */
  description?: string;
}
export type AttributeType = 'string' | 'number' | 'bool' | 'json' | 'array' | 'time' | 'object';
/** A declared attribute of users or of a resource type: `{key, type}`. */
export interface AttributeDeclaration {
  key: string;
  type: AttributeType;
}
/** A declared attribute of a resource type. */
export type ResourceAttribute = AttributeDeclaration;

// ---------------------------------------------------------------- conditions (ABAC)

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The 13 comparison operators of a condition. */
export type ConditionOperator =
  | 'equals'
  | 'not-equals'
  | 'greater-than'
  | 'greater-than-equals'
  | 'less-than'
  | 'less-than-equals'
  | 'in'
  | 'not-in'
  | 'contains'
  | 'contains-any'
  | 'contains-all'
  | 'starts-with'
  | 'exists';

/** An operand that reads another path of the same check: `{ref: "user.key"}`. */
export interface OperandRef {
  ref: string;
}

/**
 * A comparison operand: a JSON value, or a reference to another path. An
 * object whose only key is `ref` with a string value is always a reference.
 */
export type Operand = JsonValue | OperandRef;

/** `{ "<path>": { "<operator>": Operand } }` — exactly one path and one operator. */
export type Comparison = { [path: string]: { [operator in ConditionOperator]?: Operand } };

/** A condition tree: `allOf` / `anyOf` / `not` over comparisons (three-valued, see docs/MODEL.md). */
export type Condition = { allOf: Condition[] } | { anyOf: Condition[] } | { not: Condition } | Comparison;

/** Kind of a condition set. */
export type ConditionSetType = 'userset' | 'resourceset';

/** A named condition over users (userset) or over resources of one type (resourceset). */
export interface ConditionSet {
  key: string;
  name?: string;
  type: ConditionSetType;
  /** Required for, and only for, a resourceset. */
  resourceType?: string;
  conditions: Condition;
}

/** Fields of a condition set update (`type` and `resourceType` cannot change: delete and re-create). */
export interface ConditionSetUpdate {
  name?: string;
  conditions?: Condition;
}

/**
 * Members of `userSet` have `permission` (`<type>:<action>`, type = the
 * resource set's `resourceType`) on members of `resourceSet`; with `tenant`,
 * only in checks of that tenant.
 */
export interface ConditionSetRule<P extends string = string> {
  userSet: string;
  permission: P;
  resourceSet: string;
  tenant?: string;
}

/** Filter of a condition set rule list. */
export interface ConditionSetRuleFilter {
  userSet?: string;
  resourceSet?: string;
  permission?: string;
}
export interface ResourceType {
  key: string;
  name: string;
  description?: string;
  actions: ResourceAction[];
  attributes: ResourceAttribute[];
}
export interface ResourceTypeCreate {
  key: string;
  name?: string;
  description?: string;
  /** Action keys or `{key, name, description}`. */
  actions?: (string | { key: string; name?: string; description?: string })[];
  attributes?: ResourceAttribute[];
}
export type ResourceTypeUpdate = Partial<Omit<ResourceTypeCreate, 'key'>>;

export interface RoleAssignment {
  user: string;
  role: string;
  tenant: string;
  /** `<type>:<key>` or a resource URI; absent for a tenant-wide assignment. */
  resourceInstance?: string;
}
export interface RoleAssignmentCreate {
  user: string;
  role: string;
  tenant?: string;
  resourceInstance?: string;
}
export interface RoleAssignmentDetailed {
  user: User;
  role: Role;
  tenant: Tenant;
  resourceInstance?: string;
}
export interface RoleAssignmentFilter {
  user?: string;
  role?: string;
  tenant?: string;
  resourceInstance?: string;
}

// ---------------------------------------------------------------- lists

export interface ListParams {
  /** 1-based page number, default 1. */
  page?: number;
  /** Page size, default 10, max 100. */
  perPage?: number;
  /** Case-insensitive substring of key or name. */
  search?: string;
}
export interface Page<T> {
  data: T[];
  page: number;
  perPage: number;
  total: number;
}

/** Options of a role assignment by a user-centric method. */
export interface AssignOptions {
  tenant?: string;
  resourceInstance?: string;
}

/** A direct grant as stored (one permission on one instance or URI). */
export interface DirectGrant {
  user: string;
  resourceInstance: string;
  permission: string;
  tenant: string;
}

// ---------------------------------------------------------------- snapshot

/** The policy snapshot format (docs/MODEL.md, "Policy snapshots"): `createEngine(snapshot)`, `load`, `export`, server `--seed`. */
export interface PolicySnapshot {
  resources?: ResourceTypeCreate[];
  roles?: RoleCreate[];
  tenants?: TenantCreate[];
  users?: UserCreate[];
  roleAssignments?: RoleAssignmentCreate[];
  grants?: GrantRequest[];
  /** Declared user attributes (condition paths `user.<key>`). */
  userAttributes?: AttributeDeclaration[];
  conditionSets?: ConditionSet[];
  conditionSetRules?: ConditionSetRule[];
}

// ---------------------------------------------------------------- the operation interface

export interface UsersOperations {
  list(params?: ListParams): Promise<Page<User>>;
  get(key: string): Promise<User>;
  create(user: UserCreate): Promise<User>;
  update(key: string, update: UserUpdate): Promise<User>;
  delete(key: string): Promise<void>;
  sync(key: string, user: UserSync): Promise<User>;
  /** Tenants in which the user has at least one role assignment. */
  getTenants(key: string): Promise<Tenant[]>;
  /** Declared user attributes, by key. */
  listAttributes(): Promise<AttributeDeclaration[]>;
  /** Declares a user attribute (409 if it exists). */
  createAttribute(attribute: AttributeDeclaration): Promise<AttributeDeclaration>;
  /** Idempotent; 409 naming the condition set when a condition uses the attribute. */
  deleteAttribute(key: string): Promise<void>;
}

/** `conditionSets`: validated (422 naming the set and the path) and compiled at write time. */
export interface ConditionSetsOperations {
  list(params?: ListParams): Promise<Page<ConditionSet>>;
  get(key: string): Promise<ConditionSet>;
  create(set: ConditionSet): Promise<ConditionSet>;
  update(key: string, update: ConditionSetUpdate): Promise<ConditionSet>;
  /** Idempotent; deletes the set's condition set rules. */
  delete(key: string): Promise<void>;
  sync(key: string, set: Omit<ConditionSet, 'key'>): Promise<ConditionSet>;
}

/** `conditionSetRules`: create of an identical rule → 409; delete idempotent. */
export interface ConditionSetRulesOperations {
  list(filter?: ConditionSetRuleFilter & Omit<ListParams, 'search'>): Promise<Page<ConditionSetRule>>;
  create(rule: ConditionSetRule): Promise<ConditionSetRule>;
  delete(rule: ConditionSetRule): Promise<void>;
}

export interface TenantsOperations {
  list(params?: ListParams): Promise<Page<Tenant>>;
  get(key: string): Promise<Tenant>;
  create(tenant: TenantCreate): Promise<Tenant>;
  update(key: string, update: TenantUpdate): Promise<Tenant>;
  delete(key: string): Promise<void>;
  sync(key: string, tenant: TenantUpdate): Promise<Tenant>;
  /** Removes every role assignment and grant of the user in the tenant. */
  removeUser(tenant: string, user: string): Promise<void>;
}

export interface RolesOperations {
  list(params?: ListParams): Promise<Page<Role>>;
  get(key: string): Promise<Role>;
  create(role: RoleCreate): Promise<Role>;
  update(key: string, update: RoleUpdate): Promise<Role>;
  delete(key: string): Promise<void>;
  sync(key: string, role: RoleUpdate): Promise<Role>;
  addPermission(role: string, permission: string): Promise<Role>;
  removePermission(role: string, permission: string): Promise<Role>;
  /** The role's own permissions (not inherited). */
  getPermissions(role: string): Promise<string[]>;
  addExtends(role: string, parent: string): Promise<Role>;
  removeExtends(role: string, parent: string): Promise<Role>;
  getExtends(role: string): Promise<string[]>;
}

export interface ResourcesOperations {
  list(params?: ListParams): Promise<Page<ResourceType>>;
  get(key: string): Promise<ResourceType>;
  create(resource: ResourceTypeCreate): Promise<ResourceType>;
  update(key: string, update: ResourceTypeUpdate): Promise<ResourceType>;
  delete(key: string): Promise<void>;
  sync(key: string, resource: ResourceTypeUpdate): Promise<ResourceType>;
  listActions(type: string): Promise<ResourceAction[]>;
  createAction(type: string, action: { key: string; name?: string; description?: string }): Promise<ResourceAction>;
  deleteAction(type: string, action: string): Promise<void>;
  listAttributes(type: string): Promise<ResourceAttribute[]>;
  createAttribute(type: string, attribute: ResourceAttribute): Promise<ResourceAttribute>;
  deleteAttribute(type: string, key: string): Promise<void>;
}

export interface RoleAssignmentsOperations {
  /** Idempotent: assigning an existing assignment returns it unchanged. */
  assign(assignment: RoleAssignmentCreate): Promise<RoleAssignment>;
  /** Idempotent: unassigning a missing assignment succeeds. */
  unassign(assignment: RoleAssignmentCreate): Promise<void>;
  list(filter?: RoleAssignmentFilter & Omit<ListParams, 'search'>): Promise<Page<RoleAssignment>>;
  listDetailed(filter?: RoleAssignmentFilter & Omit<ListParams, 'search'>): Promise<Page<RoleAssignmentDetailed>>;
  /** All-or-nothing: validated first, then applied. Resolves to the number assigned. */
  bulkAssign(assignments: RoleAssignmentCreate[]): Promise<{ assigned: number }>;
  bulkUnassign(assignments: RoleAssignmentCreate[]): Promise<{ unassigned: number }>;
}

/**
 * The one operation set of docs/MODEL.md. Implemented by the embedded engine
 * (`@permissio/engine`), by the HTTP transport (`HttpPdp` in core) and exposed
 * over REST by `@permissio/server`.
 *
 * Check methods may answer synchronously (the embedded engine does): callers
 * must accept a plain value or a Promise. Every failure is a `PermissioError`.
 */
export interface Pdp {
  /** `"embedded"` answers in-process (possibly synchronously); `"remote"` goes over the network. */
  readonly kind: 'embedded' | 'remote';

  check(request: CheckRequest, options?: ConsistencyOptions): MaybePromise<boolean>;
  checkDetailed(request: CheckRequest, options?: ConsistencyOptions): MaybePromise<Decision>;
  /** Answers in request order; the result has exactly `requests.length` entries. */
  bulkCheck(requests: readonly CheckRequest[], options?: ConsistencyOptions): MaybePromise<boolean[]>;
  checkPermissions(
    request: CheckPermissionsRequest,
    options?: ConsistencyOptions,
  ): MaybePromise<CheckPermissionsResult>;
  getUserPermissions(user: string, resourceUri: string, options?: { tenant?: string }): MaybePromise<UserPermissions>;
  /**
   * Which resources of `resourceType` may `user` do `action` on? Absent on a
   * PDP that does not support data filtering.
   */
  plan?(
    user: string | CheckUser,
    action: string,
    resourceType: string,
    options?: PlanOptions,
  ): MaybePromise<ResourcePlan>;

  grant(request: GrantRequest): Promise<void>;
  revoke(request: GrantRequest): Promise<void>;

  readonly users: UsersOperations;
  readonly tenants: TenantsOperations;
  readonly roles: RolesOperations;
  readonly resources: ResourcesOperations;
  readonly roleAssignments: RoleAssignmentsOperations;
  /** Condition sets (ABAC). Absent on a PDP that does not support them yet. */
  readonly conditionSets?: ConditionSetsOperations;
  /** Condition set rules (ABAC). Absent on a PDP that does not support them yet. */
  readonly conditionSetRules?: ConditionSetRulesOperations;
  /** The permission catalogue. Absent on a PDP that does not support it yet. */
  readonly permissions?: PermissionsOperations;
  /** Principals and their assignments. Absent on a PDP that does not support them yet. */
  readonly principals?: PrincipalsOperations;

  /** Replaces the whole policy (validated whole first). */
  load(snapshot: PolicySnapshot): Promise<void>;
  /** The whole policy, in snapshot form. */
  export(): Promise<PolicySnapshot>;

  /**
   * Startup check: resolves when the PDP is reachable and accepts the
   * credentials, rejects with a typed error saying what is wrong otherwise.
   * A PDP without it (the embedded engine) has nothing to verify.
   */
  verify?(): Promise<void>;

  /** Releases resources (sockets, timers). Idempotent. */
  close?(): Promise<void>;
}

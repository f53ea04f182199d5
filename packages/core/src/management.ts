/**
 * `permissio.api`: the management operations of the PDP, plus `iterate()`
 * over every page of a list and the user-centric `assignRole`/`unassignRole`.
 * With `throwOnError: false` every method resolves `null` on failure (typed
 * through {@link OrNull}); `iterate()` always throws (an iterator cannot
 * honestly "resolve null" halfway).
 */
import type {
  CursorPage,
  Permission,
  PermissionListParams,
  PermissionsOperations,
  Principal,
  PrincipalListParams,
  PrincipalsOperations,
} from './catalogue-types.js';
import { PermissioError } from './errors.js';
import type { PermissionOf, PolicyShape, RegisteredShape } from './typed.js';
import type {
  AssignOptions,
  ConditionSet,
  ConditionSetRule,
  ConditionSetRuleFilter,
  ConditionSetRulesOperations,
  ConditionSetsOperations,
  ListParams,
  Page,
  Pdp,
  ResourcesOperations,
  ResourceType,
  Role,
  RoleCreate,
  RoleUpdate,
  RoleAssignment,
  RoleAssignmentDetailed,
  RoleAssignmentFilter,
  RoleAssignmentsOperations,
  RolesOperations,
  Tenant,
  TenantsOperations,
  User,
  UsersOperations,
} from './types.js';

/** `T`, or `T | null` when the client was built with `throwOnError: false`. */
export type OrNull<T, TThrow extends boolean> = TThrow extends true ? T : T | null;

/** The methods of `Ops`, resolving `null` on failure when `TThrow` is `false`. */
export type WithFailureMode<Ops, TThrow extends boolean> = {
  [K in keyof Ops]: Ops[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<OrNull<R, TThrow>>
    : Ops[K];
};

/** Filter of a role-assignment list. */
export type RoleAssignmentListParams = RoleAssignmentFilter & Omit<ListParams, 'search'>;

/** `permissio.api.users`. */
export type UsersApi<TThrow extends boolean = true> = WithFailureMode<UsersOperations, TThrow> & {
  /** Assigns `role` to the user (tenant-wide, or on `resourceInstance`). Idempotent. */
  assignRole(key: string, role: string, options?: AssignOptions): Promise<OrNull<RoleAssignment, TThrow>>;
  /** Removes that assignment. Idempotent. */
  unassignRole(key: string, role: string, options?: AssignOptions): Promise<OrNull<void, TThrow>>;
  /** Every user, page after page (`perPage` default 100). */
  iterate(params?: ListParams): AsyncIterableIterator<User>;
};
/** `permissio.api.tenants`. */
export type TenantsApi<TThrow extends boolean = true> = WithFailureMode<TenantsOperations, TThrow> & {
  iterate(params?: ListParams): AsyncIterableIterator<Tenant>;
};
/** `permissio.api.roles`; the permissions it names are typed by the policy's shape `S`. */
export type RolesApi<TThrow extends boolean = true, S extends PolicyShape = RegisteredShape> = WithFailureMode<
  Omit<RolesOperations, 'create' | 'update' | 'sync' | 'addPermission' | 'removePermission'>,
  TThrow
> & {
  create<P extends PermissionOf<S>>(role: RoleCreate<P>): Promise<OrNull<Role, TThrow>>;
  update<P extends PermissionOf<S>>(key: string, update: RoleUpdate<P>): Promise<OrNull<Role, TThrow>>;
  sync<P extends PermissionOf<S>>(key: string, role: RoleUpdate<P>): Promise<OrNull<Role, TThrow>>;
  addPermission<P extends PermissionOf<S>>(role: string, permission: P): Promise<OrNull<Role, TThrow>>;
  removePermission<P extends PermissionOf<S>>(role: string, permission: P): Promise<OrNull<Role, TThrow>>;
  iterate(params?: ListParams): AsyncIterableIterator<Role>;
};
/** `permissio.api.resources`. */
export type ResourcesApi<TThrow extends boolean = true> = WithFailureMode<ResourcesOperations, TThrow> & {
  iterate(params?: ListParams): AsyncIterableIterator<ResourceType>;
};
/** `permissio.api.roleAssignments`. */
export type RoleAssignmentsApi<TThrow extends boolean = true> = WithFailureMode<RoleAssignmentsOperations, TThrow> & {
  iterate(params?: RoleAssignmentListParams): AsyncIterableIterator<RoleAssignment>;
  iterateDetailed(params?: RoleAssignmentListParams): AsyncIterableIterator<RoleAssignmentDetailed>;
};

/** `permissio.api.conditionSets`. */
export type ConditionSetsApi<TThrow extends boolean = true> = WithFailureMode<ConditionSetsOperations, TThrow> & {
  iterate(params?: ListParams): AsyncIterableIterator<ConditionSet>;
};
/** Filter of a condition set rule list. */
export type ConditionSetRuleListParams = ConditionSetRuleFilter & Omit<ListParams, 'search'>;
/** `permissio.api.conditionSetRules`; a rule's permission is typed by the policy's shape `S`. */
export type ConditionSetRulesApi<
  TThrow extends boolean = true,
  S extends PolicyShape = RegisteredShape,
> = WithFailureMode<Omit<ConditionSetRulesOperations, 'create' | 'delete'>, TThrow> & {
  create<P extends PermissionOf<S>>(rule: ConditionSetRule<P>): Promise<OrNull<ConditionSetRule, TThrow>>;
  delete<P extends PermissionOf<S>>(rule: ConditionSetRule<P>): Promise<OrNull<void, TThrow>>;
  iterate(params?: ConditionSetRuleListParams): AsyncIterableIterator<ConditionSetRule>;
};

/** `permissio.api.permissions`: the permission catalogue. */
export type PermissionsApi<TThrow extends boolean = true> = WithFailureMode<PermissionsOperations, TThrow> & {
  iterate(params?: PermissionListParams): AsyncIterableIterator<Permission>;
};
/** `permissio.api.principals`. */
export type PrincipalsApi<TThrow extends boolean = true> = WithFailureMode<PrincipalsOperations, TThrow> & {
  /** Every principal, following `nextCursor` (`limit` default 100). */
  iterate(params?: Omit<PrincipalListParams, 'cursor'>): AsyncIterableIterator<Principal>;
};

/** `permissio.api`. */
export interface ManagementApi<TThrow extends boolean = true, S extends PolicyShape = RegisteredShape> {
  readonly users: UsersApi<TThrow>;
  readonly tenants: TenantsApi<TThrow>;
  readonly roles: RolesApi<TThrow, S>;
  readonly resources: ResourcesApi<TThrow>;
  readonly roleAssignments: RoleAssignmentsApi<TThrow>;
  /** Condition sets (ABAC); on a PDP without them every call fails with `NOT_SUPPORTED`. */
  readonly conditionSets: ConditionSetsApi<TThrow>;
  /** Condition set rules (ABAC); on a PDP without them every call fails with `NOT_SUPPORTED`. */
  readonly conditionSetRules: ConditionSetRulesApi<TThrow, S>;
  /** The permission catalogue; on a PDP without it every call fails with `NOT_SUPPORTED`. */
  readonly permissions: PermissionsApi<TThrow>;
  /** Principals and their assignments; on a PDP without them every call fails with `NOT_SUPPORTED`. */
  readonly principals: PrincipalsApi<TThrow>;
}

/** Runs one call in the client's failure mode. */
export type Runner = <T>(operation: string, call: () => T | Promise<T>) => Promise<T | null>;

type AnyFn = (...args: never[]) => unknown;

/** Every page of a cursor-paged list, item by item. */
export async function* iterateCursor<T, P extends { cursor?: string; limit?: number }>(
  list: (params: P) => Promise<CursorPage<T>>,
  params: P,
): AsyncIterableIterator<T> {
  let cursor: string | undefined;
  for (;;) {
    const result = await list({ limit: 100, ...params, ...(cursor === undefined ? {} : { cursor }) });
    yield* result.data;
    if (result.nextCursor === undefined || result.data.length === 0) return;
    cursor = result.nextCursor;
  }
}

/** Every page of a list, item by item. */
export async function* iteratePages<T, P extends { page?: number; perPage?: number }>(
  list: (params: P) => Promise<Page<T>>,
  params: P,
): AsyncIterableIterator<T> {
  let page = params.page ?? 1;
  const perPage = params.perPage ?? 100;
  for (;;) {
    const result = await list({ ...params, page, perPage });
    yield* result.data;
    if (result.data.length === 0 || page * (result.perPage || perPage) >= result.total) return;
    page++;
  }
}

function wrap<Ops extends object>(
  run: Runner,
  namespace: string,
  ops: () => Ops,
  names: readonly (keyof Ops & string)[],
): Record<string, AnyFn> {
  const out: Record<string, AnyFn> = {};
  for (const name of names) {
    out[name] = (...args: never[]) =>
      run(`api.${namespace}.${name}`, () => (ops()[name] as unknown as (...a: never[]) => unknown)(...args));
  }
  return out;
}

const CRUD = ['list', 'get', 'create', 'update', 'delete', 'sync'] as const;

/** Builds `permissio.api` over a PDP. */
export function createManagementApi<TThrow extends boolean, S extends PolicyShape = RegisteredShape>(
  pdp: Pdp,
  run: Runner,
): ManagementApi<TThrow, S> {
  const users = {
    ...wrap(run, 'users', () => pdp.users, [
      ...CRUD,
      'getTenants',
      'listAttributes',
      'createAttribute',
      'deleteAttribute',
    ]),
    assignRole: (key: string, role: string, options?: AssignOptions) =>
      run('api.users.assignRole', () => pdp.roleAssignments.assign({ ...options, user: key, role })),
    unassignRole: (key: string, role: string, options?: AssignOptions) =>
      run('api.users.unassignRole', () => pdp.roleAssignments.unassign({ ...options, user: key, role })),
    iterate: (params: ListParams = {}) => iteratePages((p) => pdp.users.list(p), params),
  };
  const tenants = {
    ...wrap(run, 'tenants', () => pdp.tenants, [...CRUD, 'removeUser']),
    iterate: (params: ListParams = {}) => iteratePages((p) => pdp.tenants.list(p), params),
  };
  const roles = {
    ...wrap(run, 'roles', () => pdp.roles, [
      ...CRUD,
      'addPermission',
      'removePermission',
      'getPermissions',
      'addExtends',
      'removeExtends',
      'getExtends',
    ]),
    iterate: (params: ListParams = {}) => iteratePages((p) => pdp.roles.list(p), params),
  };
  const resources = {
    ...wrap(run, 'resources', () => pdp.resources, [
      ...CRUD,
      'listActions',
      'createAction',
      'deleteAction',
      'listAttributes',
      'createAttribute',
      'deleteAttribute',
    ]),
    iterate: (params: ListParams = {}) => iteratePages((p) => pdp.resources.list(p), params),
  };
  const roleAssignments = {
    ...wrap(run, 'roleAssignments', () => pdp.roleAssignments, [
      'assign',
      'unassign',
      'list',
      'listDetailed',
      'bulkAssign',
      'bulkUnassign',
    ]),
    iterate: (params: RoleAssignmentListParams = {}) => iteratePages((p) => pdp.roleAssignments.list(p), params),
    iterateDetailed: (params: RoleAssignmentListParams = {}) =>
      iteratePages((p) => pdp.roleAssignments.listDetailed(p), params),
  };
  const sets = (): ConditionSetsOperations => pdp.conditionSets ?? unsupported('condition sets');
  const rules = (): ConditionSetRulesOperations => pdp.conditionSetRules ?? unsupported('condition set rules');
  const conditionSets = {
    ...wrap(run, 'conditionSets', sets, [...CRUD]),
    iterate: (params: ListParams = {}) => iteratePages((p) => sets().list(p), params),
  };
  const conditionSetRules = {
    ...wrap(run, 'conditionSetRules', rules, ['list', 'create', 'delete']),
    iterate: (params: ConditionSetRuleListParams = {}) => iteratePages((p) => rules().list(p), params),
  };
  const catalogue = (): PermissionsOperations => pdp.permissions ?? unsupported('the permission catalogue');
  const principalOps = (): PrincipalsOperations => pdp.principals ?? unsupported('principals');
  const permissions = {
    ...wrap(run, 'permissions', catalogue, ['list', 'get', 'create', 'update', 'delete']),
    iterate: (params: PermissionListParams = {}) => iteratePages((p) => catalogue().list(p), params),
  };
  const principals = {
    ...wrap(run, 'principals', principalOps, ['list', 'assignments']),
    iterate: (params: Omit<PrincipalListParams, 'cursor'> = {}) =>
      iterateCursor((p: PrincipalListParams) => principalOps().list(p), params),
  };
  return Object.freeze({
    permissions,
    principals,
    users,
    tenants,
    roles,
    resources,
    roleAssignments,
    conditionSets,
    conditionSetRules,
  }) as unknown as ManagementApi<TThrow, S>;
}

/** The typed failure of a management group the PDP does not implement. */
export function unsupported(what: string): never {
  throw new PermissioError(
    `Management of ${what} is not supported by this PDP yet: use the embedded engine (@permissio/engine), or load them with a policy snapshot.`,
    { code: 'NOT_SUPPORTED' },
  );
}

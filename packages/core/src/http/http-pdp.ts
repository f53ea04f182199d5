/**
 * `HttpPdp`: the {@link Pdp} interface over the REST API of docs/REST.md
 * (the Permissio cloud or `@permissio/server`).
 *
 * Answers are read strictly: only a JSON boolean `true` allows. Anything
 * else where a decision is expected (HTML, `"true"`, `1`, a missing field, a
 * bulk answer of the wrong length) is a `PermissioApiError` with code
 * `MALFORMED_RESPONSE` — never an allow.
 */
import {
  PermissioApiError,
  PermissioAuthenticationError,
  PermissioPermissionError,
  PermissioValidationError,
} from '../errors.js';
import type {
  CursorPage,
  Permission,
  PermissionsOperations,
  Principal,
  PrincipalAssignment,
  PrincipalsOperations,
} from '../catalogue-types.js';
import { consoleLogger, type Logger } from '../logger.js';
import { assertWellFormed } from '../validation.js';
import { instrumentedFetch, type PermissioInstrumentation } from '../instrumentation.js';
import { MAX_DECISION_BYTES, type FetchFunction, type PermissioConfig } from '../options.js';
import type {
  AttributeDeclaration,
  CheckPermissionsRequest,
  CheckPermissionsResult,
  CheckRequest,
  CheckUser,
  ConditionSet,
  ConditionSetRule,
  ConditionSetRuleFilter,
  ConditionSetRulesOperations,
  ConditionSetsOperations,
  ConditionSetUpdate,
  Consistency,
  ConsistencyOptions,
  Decision,
  Filter,
  GrantRequest,
  ListParams,
  Page,
  Pdp,
  PlanOptions,
  PolicySnapshot,
  ResourceAction,
  ResourcePlan,
  ResourceAttribute,
  ResourceType,
  ResourceTypeCreate,
  ResourceTypeUpdate,
  ResourcesOperations,
  Role,
  RoleAssignment,
  RoleAssignmentCreate,
  RoleAssignmentDetailed,
  RoleAssignmentFilter,
  RoleAssignmentsOperations,
  RoleCreate,
  RoleUpdate,
  RolesOperations,
  Tenant,
  TenantCreate,
  TenantUpdate,
  TenantsOperations,
  User,
  UserCreate,
  UserPermissions,
  UserSync,
  UserUpdate,
  UsersOperations,
} from '../types.js';
import { DECISION_REASONS } from '../types.js';
import { SDK_VERSION } from '../version.js';
import { Transport, malformed, type TransportRequest } from './transport.js';

/** Largest bulk the REST API accepts in one request. */
export const MAX_BULK = 1000;
/** Most checks (resources × distinct permissions) one `checkPermissions` request may ask the server for. */
export const MAX_CHECK_PERMISSIONS_WORK = 10_000;
/** Requests of one split `checkPermissions` in flight at once. */
const SPLIT_CONCURRENCY = 8;

const REASONS: ReadonlySet<string> = new Set(DECISION_REASONS);
/** Paths whose answers are decisions, read under the 1 MiB decision cap. */
const DECISION_PATHS: ReadonlySet<string> = new Set(['/check', '/check/explain', '/check/bulk']);

/** Options of {@link HttpPdp}: a validated config plus the logger and `fetch`. */
export interface HttpPdpOptions {
  config: PermissioConfig;
  /** @defaultValue the global `console` */
  logger?: Logger;
  /** @defaultValue `globalThis.fetch` */
  fetch?: FetchFunction;
  /** Reports each HTTP request to the PDP as an `http` operation (a span with `@permissio/opentelemetry`). */
  instrumentation?: PermissioInstrumentation;
}

/** A path segment; a lone surrogate is a validation error, never a `URIError`. */
function enc(segment: string): string {
  assertWellFormed(String(segment), 'path segment');
  return encodeURIComponent(segment);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function query(params: Record<string, string | number | undefined> | undefined): string {
  if (!params) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    // URLSearchParams would replace a lone surrogate with U+FFFD: another value.
    assertWellFormed(String(value), key);
    search.append(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

type Method = TransportRequest['method'];

/** The remote PDP. `kind` is `'remote'`. */
export class HttpPdp implements Pdp {
  readonly kind = 'remote' as const;
  readonly #transport: Transport;
  readonly #config: PermissioConfig;
  #base: string | undefined;
  #basePromise: Promise<string> | undefined;
  /** The highest `Permissio-Revision` this client's own writes returned. */
  #revision: string | undefined;

  readonly users: UsersOperations;
  readonly tenants: TenantsOperations;
  readonly roles: RolesOperations;
  readonly resources: ResourcesOperations;
  readonly roleAssignments: RoleAssignmentsOperations;
  readonly conditionSets: ConditionSetsOperations;
  readonly conditionSetRules: ConditionSetRulesOperations;
  readonly permissions: PermissionsOperations;
  readonly principals: PrincipalsOperations;

  constructor(options: HttpPdpOptions) {
    const { config } = options;
    this.#config = config;
    this.#transport = new Transport({
      token: config.token,
      apiUrl: config.apiUrl,
      retryAttempts: config.retryAttempts,
      headers: { 'x-permissio-sdk': `ts/${SDK_VERSION}`, ...config.customHeaders },
      debug: config.debug,
      logger: options.logger ?? consoleLogger,
      fetch:
        options.instrumentation === undefined
          ? options.fetch
          : instrumentedFetch(options.fetch, options.instrumentation),
    });
    if (config.projectId !== undefined && config.environmentId !== undefined) {
      this.#base = `/v1/projects/${enc(config.projectId)}/environments/${enc(config.environmentId)}`;
    }
    this.users = this.#users();
    this.tenants = this.#tenants();
    this.roles = this.#roles();
    this.resources = this.#resources();
    this.roleAssignments = this.#roleAssignments();
    this.conditionSets = this.#conditionSets();
    this.conditionSetRules = this.#conditionSetRules();
    this.permissions = this.#permissions();
    this.principals = this.#principals();
  }

  // ------------------------------------------------------------ plumbing

  /** See `Permissio.verify()`: one `GET /v1/api-key/scope`, every failure explained. */
  async verify(): Promise<void> {
    const origin = originOf(this.#config.apiUrl);
    const label = 'GET /v1/api-key/scope';
    let body: unknown;
    try {
      ({ body } = await this.#transport.request({
        method: 'GET',
        path: '/v1/api-key/scope',
        budget: this.#config.timeout,
        retry: true,
        maxBytes: this.#decisionBytes,
      }));
    } catch (error) {
      throw verifyFailure(error, origin);
    }
    if (!isRecord(body) || typeof body.projectId !== 'string' || typeof body.environmentId !== 'string') {
      throw notAPdp(origin, `it answered ${label} without {projectId, environmentId}`);
    }
    const { projectId, environmentId } = this.#config;
    if (
      (projectId !== undefined && projectId !== body.projectId) ||
      (environmentId !== undefined && environmentId !== body.environmentId)
    ) {
      throw new PermissioPermissionError(
        `Permissio: the API key belongs to project ${JSON.stringify(body.projectId)}, environment ${JSON.stringify(body.environmentId)}, but the client is configured for project ${JSON.stringify(projectId ?? body.projectId)}, environment ${JSON.stringify(environmentId ?? body.environmentId)}: use a key of that environment, or fix "projectId"/"environmentId".`,
        { code: 'SCOPE_MISMATCH' },
      );
    }
  }

  /** `/v1/projects/{p}/environments/{e}`: given, or detected once from the key. */
  #basePath(budget: number): string | Promise<string> {
    if (this.#base !== undefined) return this.#base;
    this.#basePromise ??= this.#detectScope(budget).then(
      (base) => (this.#base = base),
      (error: unknown) => {
        this.#basePromise = undefined; // not cached: the next call asks again
        throw error;
      },
    );
    return this.#basePromise;
  }

  async #detectScope(budget: number): Promise<string> {
    const { body } = await this.#transport.request({
      method: 'GET',
      path: '/v1/api-key/scope',
      budget,
      retry: true,
      maxBytes: this.#decisionBytes,
    });
    if (!isRecord(body) || typeof body.projectId !== 'string' || typeof body.environmentId !== 'string') {
      throw malformed('GET /v1/api-key/scope', 200, 'expected {projectId, environmentId}');
    }
    const projectId = this.#config.projectId ?? body.projectId;
    const environmentId = this.#config.environmentId ?? body.environmentId;
    return `/v1/projects/${enc(projectId)}/environments/${enc(environmentId)}`;
  }

  get #decisionBytes(): number {
    return Math.min(MAX_DECISION_BYTES, this.#config.maxResponseBytes);
  }

  /** One call under `P`, with the whole budget covering scope detection too. */
  async #call(
    method: Method,
    path: string,
    kind: 'check' | 'management',
    body?: unknown,
    retry = true,
  ): Promise<unknown> {
    const budget = kind === 'check' ? this.#config.checkTimeout : this.#config.timeout;
    const started = Date.now();
    const base = this.#base ?? (await this.#basePath(budget));
    const left = budget - (Date.now() - started);
    // Decisions are small; lists and exports are bounded by paging and the option.
    const maxBytes = DECISION_PATHS.has(path) ? this.#decisionBytes : this.#config.maxResponseBytes;
    const request: TransportRequest = { method, path: base + path, budget: Math.max(left, 1), retry, maxBytes };
    if (body !== undefined) request.body = body;
    const response = await this.#transport.request(request);
    if (kind === 'management' && method !== 'GET' && response.revision !== undefined) {
      this.#revision = laterRevision(this.#revision, response.revision);
    }
    return response.body;
  }

  /**
   * The revision of this client's last write (the highest its writes got from
   * `Permissio-Revision`), or `undefined` before any (or from a PDP without revisions).
   */
  get revision(): string | undefined {
    return this.#revision;
  }

  /** The `consistency` a check sends: the option, else read-your-writes after one of our writes, else none. */
  #consistency(options: ConsistencyOptions | undefined): { consistency?: Consistency } {
    const consistency =
      options?.consistency ?? (this.#revision === undefined ? undefined : { atLeast: this.#revision });
    return consistency === undefined ? {} : { consistency };
  }

  // ------------------------------------------------------------ checks

  async check(request: CheckRequest, options?: ConsistencyOptions): Promise<boolean> {
    const body = await this.#call('POST', '/check', 'check', { ...request, ...this.#consistency(options) });
    return readAllowed(body, 'POST /check');
  }

  async checkDetailed(request: CheckRequest, options?: ConsistencyOptions): Promise<Decision> {
    const body = await this.#call('POST', '/check/explain', 'check', { ...request, ...this.#consistency(options) });
    if (!isRecord(body) || typeof body.reason !== 'string' || !REASONS.has(body.reason)) {
      throw malformed('POST /check/explain', 200, 'expected a Decision {allowed, reason, via?}');
    }
    const allowed = readAllowed(body, 'POST /check/explain');
    return { ...(body as unknown as Decision), allowed };
  }

  async bulkCheck(requests: readonly CheckRequest[], options?: ConsistencyOptions): Promise<boolean[]> {
    if (!Array.isArray(requests)) throw new PermissioValidationError('bulkCheck expects an array of checks.');
    const consistency = this.#consistency(options);
    if (requests.length === 0) return [];
    if (requests.length <= MAX_BULK) return this.#bulk(requests, consistency);
    const answers = await Promise.all(chunk(requests, MAX_BULK).map((some) => this.#bulk(some, consistency)));
    return answers.flat();
  }

  async #bulk(checks: readonly CheckRequest[], consistency: { consistency?: Consistency }): Promise<boolean[]> {
    const body = await this.#call('POST', '/check/bulk', 'check', { checks, ...consistency });
    const label = 'POST /check/bulk';
    if (!isRecord(body) || !Array.isArray(body.results)) throw malformed(label, 200, 'expected {results: [...]}');
    const results: unknown[] = body.results;
    if (results.length !== checks.length) {
      throw malformed(label, 200, `asked ${checks.length} checks, got ${results.length} results`);
    }
    return results.map((result) => readAllowed(result, label));
  }

  /**
   * A question past what one request may carry — more than {@link MAX_BULK} resources or permissions, or more than
   * {@link MAX_CHECK_PERMISSIONS_WORK} checks (resources × distinct permissions) — is split into requests within
   * those limits, sent {@link SPLIT_CONCURRENCY} at a time, and merged into the one answer the engine gives.
   */
  async checkPermissions(
    request: CheckPermissionsRequest,
    options?: ConsistencyOptions,
  ): Promise<CheckPermissionsResult> {
    const consistency = this.#consistency(options);
    const { resourceUris, permissions } = request;
    if (!Array.isArray(resourceUris) || !Array.isArray(permissions)) {
      return this.#checkPermissions({ ...request, ...consistency });
    }
    const distinct = [...new Set(permissions)];
    const fits =
      resourceUris.length <= MAX_BULK &&
      permissions.length <= MAX_BULK &&
      resourceUris.length * distinct.length <= MAX_CHECK_PERMISSIONS_WORK;
    if (fits) return this.#checkPermissions({ ...request, ...consistency });
    // Permission chunks of equal size, then as many resources per request as the work limit allows.
    const permissionSize = Math.ceil(distinct.length / Math.max(1, Math.ceil(distinct.length / MAX_BULK)));
    const resourceSize = Math.max(
      1,
      Math.min(MAX_BULK, Math.floor(MAX_CHECK_PERMISSIONS_WORK / Math.max(1, permissionSize))),
    );
    const permissionChunks = distinct.length === 0 ? [[]] : chunk(distinct, permissionSize);
    const resourceChunks = chunk(resourceUris, resourceSize);
    const jobs = resourceChunks.flatMap((uris) =>
      permissionChunks.map(
        (some) => () => this.#checkPermissions({ ...request, resourceUris: uris, permissions: some, ...consistency }),
      ),
    );
    const answers = await inBatches(jobs, SPLIT_CONCURRENCY);
    const missing = resourceChunks.flatMap((uris, i) =>
      mergeByResource(uris, answers.slice(i * permissionChunks.length, (i + 1) * permissionChunks.length)),
    );
    return { passed: missing.length === 0, missing };
  }

  async #checkPermissions(body: Record<string, unknown>): Promise<CheckPermissionsResult> {
    const answer = await this.#call('POST', '/check/permissions', 'check', body);
    const shape = 'expected {passed: boolean, missing: [{resource: string, permissions: string[]}]}';
    if (!isRecord(answer) || typeof answer.passed !== 'boolean' || !Array.isArray(answer.missing)) {
      throw malformed('POST /check/permissions', 200, shape);
    }
    for (const entry of answer.missing as unknown[]) {
      if (
        !isRecord(entry) ||
        typeof entry.resource !== 'string' ||
        !Array.isArray(entry.permissions) ||
        !entry.permissions.every((p) => typeof p === 'string')
      ) {
        throw malformed('POST /check/permissions', 200, shape);
      }
    }
    if (answer.passed !== (answer.missing.length === 0)) throw malformed('POST /check/permissions', 200, shape);
    return answer as unknown as CheckPermissionsResult;
  }

  async getUserPermissions(user: string, resourceUri: string, options?: { tenant?: string }): Promise<UserPermissions> {
    const path = `/users/${enc(user)}/permissions${query({ resourceUri, tenant: options?.tenant })}`;
    const body = await this.#call('GET', path, 'check');
    if (!isRecord(body) || !Array.isArray(body.permissions) || !Array.isArray(body.roles)) {
      throw malformed('GET /users/{user}/permissions', 200, 'expected {permissions, roles}');
    }
    return body as unknown as UserPermissions;
  }

  async plan(
    user: string | CheckUser,
    action: string,
    resourceType: string,
    options?: PlanOptions,
  ): Promise<ResourcePlan> {
    const body = await this.#call('POST', '/plan', 'check', {
      user,
      action,
      resourceType,
      tenant: options?.tenant,
      context: options?.context,
      ...this.#consistency(options),
    });
    return readPlan(body);
  }

  // ------------------------------------------------------------ writes

  async grant(request: GrantRequest): Promise<void> {
    await this.#call('POST', '/grants', 'management', request);
  }

  async revoke(request: GrantRequest): Promise<void> {
    await this.#call('POST', '/grants/revoke', 'management', request);
  }

  async load(snapshot: PolicySnapshot): Promise<void> {
    await this.#call('PUT', '/snapshot', 'management', snapshot);
  }

  async export(): Promise<PolicySnapshot> {
    return (await this.#call('GET', '/snapshot', 'management')) as PolicySnapshot;
  }

  async close(): Promise<void> {
    this.#transport.close();
  }

  // ------------------------------------------------------------ management

  #m<T>(method: Method, path: string, body?: unknown, retry = true): Promise<T> {
    return this.#call(method, path, 'management', body, retry) as Promise<T>;
  }

  #crud<T, C extends { key: string }, U, S>(collection: string) {
    return {
      list: (params?: ListParams) =>
        this.#m<Page<T>>(
          'GET',
          `/${collection}${query({ page: params?.page, perPage: params?.perPage, search: params?.search })}`,
        ),
      get: (key: string) => this.#m<T>('GET', `/${collection}/${enc(key)}`),
      // POST create is not idempotent (409 on a repeat): never retried.
      create: (entity: C) => this.#m<T>('POST', `/${collection}`, entity, false),
      update: (key: string, update: U) => this.#m<T>('PATCH', `/${collection}/${enc(key)}`, update),
      delete: async (key: string) => {
        await this.#m('DELETE', `/${collection}/${enc(key)}`);
      },
      sync: (key: string, entity: S) => this.#m<T>('PUT', `/${collection}/${enc(key)}`, entity),
    };
  }

  #users(): UsersOperations {
    return {
      ...this.#crud<User, UserCreate, UserUpdate, UserSync>('users'),
      getTenants: (key) => this.#m<Tenant[]>('GET', `/users/${enc(key)}/tenants`),
      listAttributes: () => this.#m<AttributeDeclaration[]>('GET', '/user_attributes'),
      // POST create is not idempotent (409 on a repeat): never retried.
      createAttribute: (attribute) => this.#m<AttributeDeclaration>('POST', '/user_attributes', attribute, false),
      deleteAttribute: async (key) => {
        await this.#m('DELETE', `/user_attributes/${enc(key)}`);
      },
    };
  }

  #tenants(): TenantsOperations {
    return {
      ...this.#crud<Tenant, TenantCreate, TenantUpdate, TenantUpdate>('tenants'),
      removeUser: async (tenant, user) => {
        await this.#m('DELETE', `/tenants/${enc(tenant)}/users/${enc(user)}`);
      },
    };
  }

  #roles(): RolesOperations {
    return {
      ...this.#crud<Role, RoleCreate, RoleUpdate, RoleUpdate>('roles'),
      addPermission: (role, permission) =>
        this.#m<Role>('POST', `/roles/${enc(role)}/permissions`, { permissions: [permission] }),
      removePermission: (role, permission) =>
        this.#m<Role>('DELETE', `/roles/${enc(role)}/permissions/${enc(permission)}`),
      getPermissions: (role) => this.#m<string[]>('GET', `/roles/${enc(role)}/permissions`),
      addExtends: (role, parent) => this.#m<Role>('PUT', `/roles/${enc(role)}/extends/${enc(parent)}`),
      removeExtends: (role, parent) => this.#m<Role>('DELETE', `/roles/${enc(role)}/extends/${enc(parent)}`),
      getExtends: (role) => this.#m<string[]>('GET', `/roles/${enc(role)}/extends`),
    };
  }

  #resources(): ResourcesOperations {
    return {
      ...this.#crud<ResourceType, ResourceTypeCreate, ResourceTypeUpdate, ResourceTypeUpdate>('resources'),
      listActions: (type) => this.#m<ResourceAction[]>('GET', `/resources/${enc(type)}/actions`),
      createAction: (type, action) => this.#m<ResourceAction>('POST', `/resources/${enc(type)}/actions`, action, false),
      deleteAction: async (type, action) => {
        await this.#m('DELETE', `/resources/${enc(type)}/actions/${enc(action)}`);
      },
      listAttributes: (type) => this.#m<ResourceAttribute[]>('GET', `/resources/${enc(type)}/attributes`),
      createAttribute: (type, attribute) =>
        this.#m<ResourceAttribute>('POST', `/resources/${enc(type)}/attributes`, attribute, false),
      deleteAttribute: async (type, key) => {
        await this.#m('DELETE', `/resources/${enc(type)}/attributes/${enc(key)}`);
      },
    };
  }

  #conditionSets(): ConditionSetsOperations {
    return this.#crud<ConditionSet, ConditionSet, ConditionSetUpdate, Omit<ConditionSet, 'key'>>('condition_sets');
  }

  #conditionSetRules(): ConditionSetRulesOperations {
    type Filter = ConditionSetRuleFilter & Omit<ListParams, 'search'>;
    return {
      list: (filter?: Filter) =>
        this.#m<Page<ConditionSetRule>>(
          'GET',
          `/condition_set_rules${query({
            userSet: filter?.userSet,
            resourceSet: filter?.resourceSet,
            permission: filter?.permission,
            page: filter?.page,
            perPage: filter?.perPage,
          })}`,
        ),
      // POST create is not idempotent (409 on an identical rule): never retried.
      create: (rule) => this.#m<ConditionSetRule>('POST', '/condition_set_rules', rule, false),
      // Delete by value: idempotent, so retried.
      delete: async (rule) => {
        await this.#m('POST', '/condition_set_rules/delete', rule);
      },
    };
  }

  #permissions(): PermissionsOperations {
    return {
      list: (params) =>
        this.#m<Page<Permission>>(
          'GET',
          `/permissions${query({
            page: params?.page,
            perPage: params?.perPage,
            search: params?.search,
            resourceType: params?.resourceType,
          })}`,
        ),
      get: (name) => this.#m<Permission>('GET', `/permissions/${enc(name)}`),
      // Create is idempotent (it updates the description of an existing permission): retried.
      create: (permission) => this.#m<Permission>('POST', '/permissions', permission),
      update: (name, update) => this.#m<Permission>('PATCH', `/permissions/${enc(name)}`, update),
      delete: async (name) => {
        await this.#m('DELETE', `/permissions/${enc(name)}`);
      },
    };
  }

  #principals(): PrincipalsOperations {
    return {
      list: (params) =>
        this.#m<CursorPage<Principal>>(
          'GET',
          `/principals${query({ cursor: params?.cursor, limit: params?.limit, search: params?.search, type: params?.type })}`,
        ),
      assignments: (id, options) =>
        this.#m<PrincipalAssignment[]>(
          'GET',
          `/principals/${enc(id)}/assignments${query({ tenant: options?.tenant })}`,
        ),
    };
  }

  #roleAssignments(): RoleAssignmentsOperations {
    type Filter = RoleAssignmentFilter & Omit<ListParams, 'search'>;
    const filterQuery = (f?: Filter) =>
      query({
        user: f?.user,
        role: f?.role,
        tenant: f?.tenant,
        resourceInstance: f?.resourceInstance,
        page: f?.page,
        perPage: f?.perPage,
      });
    const limit = (assignments: RoleAssignmentCreate[], op: string): void => {
      if (!Array.isArray(assignments)) throw new PermissioValidationError(`${op} expects an array of assignments.`);
      if (assignments.length > MAX_BULK) {
        throw new PermissioValidationError(
          `${op}: at most ${MAX_BULK} assignments per call (it is all-or-nothing), got ${assignments.length}.`,
        );
      }
    };
    return {
      // POST role_assignments is idempotent (an existing assignment answers 200): retried.
      assign: (assignment) => this.#m<RoleAssignment>('POST', '/role_assignments', assignment),
      unassign: async (assignment) => {
        await this.#m('POST', '/role_assignments/unassign', assignment);
      },
      list: (filter) => this.#m<Page<RoleAssignment>>('GET', `/role_assignments${filterQuery(filter)}`),
      listDetailed: (filter) =>
        this.#m<Page<RoleAssignmentDetailed>>('GET', `/role_assignments/detailed${filterQuery(filter)}`),
      bulkAssign: async (assignments) => {
        limit(assignments, 'bulkAssign');
        return this.#m<{ assigned: number }>('POST', '/role_assignments/bulk', { assignments });
      },
      bulkUnassign: async (assignments) => {
        limit(assignments, 'bulkUnassign');
        return this.#m<{ unassigned: number }>('POST', '/role_assignments/bulk/unassign', { assignments });
      },
    };
  }
}

function originOf(apiUrl: string): string {
  try {
    return new URL(apiUrl).origin;
  } catch {
    return apiUrl;
  }
}

function notAPdp(origin: string, why: string, cause?: unknown): PermissioApiError {
  return new PermissioApiError(
    `Permissio: ${origin} is not a Permissio PDP: ${why}. Check "apiUrl": it is the API root (e.g. https://api.permissio.io, or http://127.0.0.1:7766 for a local permissio-server), without /v1.`,
    {
      statusCode:
        cause instanceof PermissioApiError || cause instanceof PermissioValidationError
          ? (cause.statusCode ?? 200)
          : 200,
      code: 'NOT_A_PDP',
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

/** The error `verify()` rejects with: what is wrong and how to fix it. */
function verifyFailure(error: unknown, origin: string): unknown {
  if (error instanceof PermissioAuthenticationError) {
    return new PermissioAuthenticationError(
      `Permissio: the PDP at ${origin} rejected the API key (401): it is wrong or revoked. Check the "token" option (PERMISSIO_API_KEY …); the key itself is never printed.`,
      { cause: error },
    );
  }
  if (error instanceof PermissioPermissionError) {
    return new PermissioPermissionError(
      `Permissio: the PDP at ${origin} refused the API key (403): it is not allowed on this project or environment. Use a key of the environment you configured.`,
      { cause: error },
    );
  }
  if (error instanceof PermissioValidationError && error.statusCode !== undefined) {
    return notAPdp(origin, `it answered HTTP ${error.statusCode} to GET /v1/api-key/scope`, error);
  }
  if (error instanceof PermissioApiError && error.code === 'UNEXPECTED_REDIRECT') return error;
  if (error instanceof PermissioApiError && error.code === 'MALFORMED_RESPONSE') {
    return notAPdp(origin, 'its answer is not the JSON a Permissio PDP sends', error);
  }
  if (error instanceof PermissioApiError && !error.isServerError && error.statusCode !== 429) {
    return notAPdp(origin, `it answered HTTP ${error.statusCode} to GET /v1/api-key/scope`, error);
  }
  return error; // network errors and timeouts already name the origin; 5xx and 429 are the PDP's own answer
}

/** Only a JSON boolean `true` allows; `false` denies; anything else is malformed. */
function readAllowed(body: unknown, label: string): boolean {
  if (isRecord(body)) {
    if (body.allowed === true) return true;
    if (body.allowed === false) return false;
  }
  throw malformed(label, 200, 'expected {"allowed": true|false}');
}

/** A plan answer: `always`, `never`, or `conditional` with a filter object (anything else is malformed, never an allow). */
function readPlan(body: unknown): ResourcePlan {
  const label = 'POST /plan';
  if (!isRecord(body)) throw malformed(label, 200, 'expected a plan object');
  if (body.kind === 'always' || body.kind === 'never') return { kind: body.kind };
  if (body.kind === 'conditional' && isRecord(body.filter)) {
    return { kind: 'conditional', filter: body.filter as unknown as Filter };
  }
  throw malformed(label, 200, "expected {kind: 'always' | 'never' | 'conditional', filter?}");
}

/** The later of two revision tokens: decimal tokens compare as numbers; otherwise the newer one wins. */
function laterRevision(current: string | undefined, next: string): string {
  if (current === undefined) return next;
  if (/^\d+$/.test(current) && /^\d+$/.test(next)) {
    if (current.length !== next.length) return current.length > next.length ? current : next;
    return current > next ? current : next;
  }
  return next;
}

/** Runs `jobs` with at most `limit` in flight; the results in job order. The first failure fails the whole. */
async function inBatches<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await (jobs[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The `missing` list of `uris` (in their order) from the answers for several permission chunks on them: a resource's
 * lacking permissions are concatenated in chunk order. A resource listed twice in `uris` is listed twice in every
 * answer that lists it (with the same permissions), so each occurrence takes the next entry for its text.
 */
function mergeByResource(
  uris: readonly string[],
  answers: readonly CheckPermissionsResult[],
): CheckPermissionsResult['missing'] {
  const queues = answers.map((answer) => {
    const byResource = new Map<string, string[][]>();
    for (const entry of answer.missing) {
      const queue = byResource.get(entry.resource);
      if (queue === undefined) byResource.set(entry.resource, [entry.permissions]);
      else queue.push(entry.permissions);
    }
    return byResource;
  });
  const missing: CheckPermissionsResult['missing'] = [];
  for (const resource of uris) {
    const lacking: string[] = [];
    for (const byResource of queues) {
      const next = byResource.get(resource)?.shift();
      if (next !== undefined) lacking.push(...next);
    }
    if (lacking.length > 0) missing.push({ resource, permissions: lacking });
  }
  return missing;
}

/**
 * Principals (#16): users carry a principal type (`user` by default,
 * `service_account` or any other valid key). `principals.list` pages them by
 * cursor; `principals.assignments` lists everything one holds, per resource:
 * `[{resourceUri, tenant, permissions, roles}]` with direct grants as
 * `permissions` and tenant-wide roles under `resourceUri: "*"`.
 *
 * The engine-level option {@link EnsurePrincipalOptions} lets a grant or an
 * assignment create a missing principal (the native API keeps its 404).
 */
import { assertKey } from '@permissio/core/internal';
import type {
  CursorPage,
  EnsurePrincipalOptions,
  Principal,
  PrincipalAssignment,
  PrincipalListParams,
  PrincipalsOperations,
} from '@permissio/core';
import { compareKeys } from '../closure.js';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE, matchesSearch } from '../pagination.js';
import type { State, UserRecord } from '../state.js';
import { assertObject, invalid } from '../values.js';
import type { Host } from './host.js';
import { getUser } from './users.js';

/** The default principal type. */
export const USER_TYPE = 'user';
/** What `resourceUri` says for tenant-wide roles in {@link PrincipalAssignment}. */
export const TENANT_WIDE = '*';

/** Validates a principal type (any valid key). */
export function principalType(value: unknown): string {
  assertKey(value, 'principal type');
  return value;
}

function principalOut(record: UserRecord): Principal {
  return { id: record.key, type: record.type ?? USER_TYPE };
}

/** The principal to create, or `undefined` when a missing principal is a 404. Validates the options. */
export function principalToCreate(options: EnsurePrincipalOptions | undefined): { type: string } | undefined {
  if (options === undefined) return undefined;
  assertObject(options, 'principal options');
  if (options.createPrincipal !== undefined && typeof options.createPrincipal !== 'boolean') {
    throw invalid('Invalid createPrincipal: expected a boolean.', { field: 'createPrincipal' });
  }
  const type = options.principalType === undefined ? USER_TYPE : principalType(options.principalType);
  return options.createPrincipal === true ? { type } : undefined;
}

/** Creates the principal when missing (after the write was validated). */
export function ensurePrincipal(state: State, key: string, create: { type: string }): void {
  if (state.users.has(key)) return;
  const record: UserRecord = { key, attributes: {} };
  if (create.type !== USER_TYPE) record.type = create.type;
  state.users.set(key, record);
}

/** A cursor is the last id of the page, as hex of its UTF-8 bytes (opaque to callers; no Buffer needed). */
function encodeCursor(key: string): string {
  let hex = '';
  for (const byte of new TextEncoder().encode(key)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function decodeCursor(cursor: unknown): string {
  if (typeof cursor !== 'string' || cursor === '' || !/^(?:[0-9a-f]{2})+$/.test(cursor)) {
    throw invalid('Invalid cursor: pass the nextCursor of the previous page unchanged.', { field: 'cursor' });
  }
  const bytes = new Uint8Array(cursor.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(cursor.slice(i * 2, i * 2 + 2), 16);
  return new TextDecoder().decode(bytes);
}

export function listPrincipals(state: State, params: PrincipalListParams = {}): CursorPage<Principal> {
  assertObject(params, 'principal list parameters');
  const limit = params.limit ?? DEFAULT_PER_PAGE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PER_PAGE) {
    throw invalid(`Invalid limit ${String(limit)}: use an integer from 1 to ${MAX_PER_PAGE}.`, { field: 'limit' });
  }
  if (params.search !== undefined && typeof params.search !== 'string') {
    throw invalid('Invalid search: expected a string.', { field: 'search' });
  }
  const term = params.search === undefined || params.search === '' ? undefined : params.search.toLowerCase();
  const type = params.type === undefined ? undefined : principalType(params.type);
  const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
  const keys = [...state.users.keys()].sort(compareKeys);
  const data: Principal[] = [];
  let more = false;
  for (const key of keys) {
    if (after !== undefined && compareKeys(key, after) <= 0) continue;
    const record = state.users.get(key) as UserRecord;
    if ((type !== undefined && (record.type ?? USER_TYPE) !== type) || !matchesSearch(term, key)) continue;
    if (data.length === limit) {
      more = true;
      break;
    }
    data.push(principalOut(record));
  }
  const last = data[data.length - 1];
  return more && last !== undefined ? { data, nextCursor: encodeCursor(last.id) } : { data };
}

export function principalAssignments(state: State, id: string, options?: { tenant?: string }): PrincipalAssignment[] {
  getUser(state, id);
  if (options !== undefined) assertObject(options, 'options');
  const only = options?.tenant;
  if (only !== undefined) assertKey(only, 'tenant');
  const out: PrincipalAssignment[] = [];
  for (const [tenant, held] of state.index.get(id) ?? []) {
    if (only !== undefined && tenant !== only) continue;
    const byResource = new Map<string, { permissions: Set<string>; roles: Set<string> }>();
    const at = (resource: string) => {
      let entry = byResource.get(resource);
      if (entry === undefined) {
        entry = { permissions: new Set(), roles: new Set() };
        byResource.set(resource, entry);
      }
      return entry;
    };
    for (const role of held.roles) at(TENANT_WIDE).roles.add(role);
    for (const [resource, roles] of held.instanceRoles) for (const role of roles) at(resource).roles.add(role);
    for (const [resource, permissions] of held.grants) {
      for (const permission of permissions) at(resource).permissions.add(permission);
    }
    for (const [resourceUri, entry] of byResource) {
      out.push({
        resourceUri,
        tenant,
        permissions: [...entry.permissions].sort(compareKeys),
        roles: [...entry.roles].sort(compareKeys),
      });
    }
  }
  return out.sort((a, b) => compareKeys(a.tenant, b.tenant) || compareKeys(a.resourceUri, b.resourceUri));
}

export function principalsOperations(host: Host): PrincipalsOperations {
  return {
    async list(params) {
      return listPrincipals(host.state, params);
    },
    async assignments(id, options) {
      return principalAssignments(host.state, id, options);
    },
  };
}

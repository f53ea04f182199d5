/**
 * Check evaluation (docs/MODEL.md, "Rules of a check").
 *
 * `check` is the hot path: it looks up the user's holdings in the tenant and
 * tries, in order, tenant roles, instance roles, URI roles, direct grants —
 * O(roles of the user in the tenant + URI depth), no allocation beyond the
 * `<type>:<key>` string when an instance key is given. Tenant roles are one
 * `Set` lookup: the union of their closures is cached on the holdings,
 * keyed by the closure version (any role write invalidates it). Inputs found in the
 * store are valid by construction (every write validates); anything that
 * misses is validated before a deny is returned, so invalid input always
 * throws `PermissioValidationError` and is never allowed.
 *
 * `explain` computes the same decision with a reason and the assignment
 * used. Precedence when several rules allow: `role` > `instance_role` >
 * `uri_role` > `direct_grant`; within a rule the most specific location
 * wins (the instance before URIs, deeper URIs before their ancestors), then
 * the smallest role key (code-unit order). The first failing of
 * unknown user → unknown resource type → unknown action is reported before
 * `no_matching_grant` (an unknown tenant is `no_matching_grant`).
 */
import { DEFAULT_TENANT, PermissioValidationError, parseResourceInstance } from '@permissio/core';
import { assertKey, parsePermission } from '@permissio/core/internal';
import type {
  CheckPermissionsRequest,
  CheckPermissionsResult,
  CheckRequest,
  Decision,
  DecisionVia,
  UserPermissions,
} from '@permissio/core';
import { compareKeys } from './closure.js';
import { matchConditionRule, matchConditionRuleOn } from './condition-check.js';
import type { ConditionResource } from './condition-check.js';
import { isValidKeyFast } from './key-check.js';
import type { State, TenantGrants, TenantRecord, UserRecord } from './state.js';
import type { UriCache } from './uri-cache.js';
import { invalid } from './values.js';

/** The fields of a check once the request shape is unpacked (values not yet validated). */
interface Question {
  user: unknown;
  action: unknown;
  type: unknown;
  key: unknown;
  uri: unknown;
  tenant: unknown;
  /** The resource's check-time attributes (read only by condition rules). */
  attributes: unknown;
}

export function check(state: State, uris: UriCache, request: CheckRequest): boolean {
  if (typeof request !== 'object' || request === null) throw invalid('Invalid check request: expected an object.');
  const resource: unknown = request.resource;
  let type: unknown;
  let key: unknown;
  let uri: unknown;
  let tenant: unknown;
  if (typeof resource === 'string') {
    type = resource;
    tenant = request.tenant ?? DEFAULT_TENANT;
  } else if (typeof resource === 'object' && resource !== null) {
    const r = resource as Record<string, unknown>;
    type = r.type;
    key = r.key ?? undefined;
    uri = r.uri ?? undefined;
    tenant = r.tenant ?? request.tenant ?? DEFAULT_TENANT;
  } else {
    throw invalid('Invalid resource: expected a resource type or {type, key?, uri?, tenant?}.');
  }
  const user = userKeyOf(request.user);
  if (key !== undefined && !isValidKeyFast(key)) assertKey(key, 'instance key');
  const ancestors = uri === undefined ? undefined : uris.ancestors(uri);

  const action = state.resources.get(type as string)?.actions.get(request.action);
  const held = action === undefined ? undefined : state.index.get(user as string)?.get(tenant as string);
  if (held !== undefined && action !== undefined) {
    const permission = action.permission;
    let effective = held.effective;
    if (effective === undefined || held.effectiveVersion !== state.closure.version) effective = tenantWide(state, held);
    if (effective.has(permission)) return true;
    if (held.instanceRoles.size !== 0 || held.grants.size !== 0) {
      if (key !== undefined) {
        const instance = `${type as string}:${key as string}`;
        if (holdsAt(state, held, instance, permission)) return true;
      }
      if (ancestors !== undefined) {
        for (let i = ancestors.length - 1; i >= 0; i--) {
          if (holdsAt(state, held, ancestors[i] as string, permission)) return true;
        }
      }
    }
  }
  // Deny: whatever was not found in the store has not been validated yet
  // (holdings exist only under validated user and tenant keys).
  if (action === undefined) {
    assertKey(type, 'resource type');
    assertKey(request.action, 'action');
  }
  // The stored user and tenant (null: not looked up here), handed to rule 5 so it does not look them up again.
  let storedUser: UserRecord | undefined | null = null;
  let storedTenant: TenantRecord | undefined | null = null;
  if (held === undefined) {
    storedUser = state.users.get(user as string);
    if (storedUser === undefined) assertKey(user, 'user');
    storedTenant = state.tenants.get(tenant as string);
    if (storedTenant === undefined) assertKey(tenant, 'tenant');
  }
  // Rule 5 (condition rules): one property read when the policy has none.
  if (action !== undefined && state.conditions.index !== undefined) {
    const rule = matchConditionRuleOn(
      state,
      storedUser,
      storedTenant,
      request.user,
      user as string,
      type as string,
      key as string | undefined,
      ancestors === undefined ? undefined : ancestors[ancestors.length - 1],
      typeof resource === 'object' ? (resource as { attributes?: unknown }).attributes : undefined,
      tenant as string,
      action.permission,
      request.context,
    );
    return rule !== undefined;
  }
  return false;
}

/** Builds (and caches on the holdings) the permissions of the tenant-wide roles. */
function tenantWide(state: State, held: TenantGrants): Set<string> {
  const effective = new Set<string>();
  for (const role of held.roles) for (const permission of state.closure.permissions(role)) effective.add(permission);
  held.effective = effective;
  held.effectiveVersion = state.closure.version;
  return effective;
}

function holdsAt(state: State, held: TenantGrants, location: string, permission: string): boolean {
  const roles = held.instanceRoles.get(location);
  if (roles !== undefined) for (const role of roles) if (state.closure.has(role, permission)) return true;
  return held.grants.get(location)?.has(permission) === true;
}

/** The explained decision for one check (same answer as {@link check}). */
export function explain(state: State, uris: UriCache, request: CheckRequest): Decision {
  const q = question(request);
  assertKeys(q);
  const ancestors = q.uri === undefined ? undefined : uris.ancestors(q.uri);
  const user = q.user as string;
  const type = q.type as string;
  const tenant = q.tenant as string;
  const known = state.users.has(user);
  const resourceType = state.resources.get(type);
  const action = resourceType?.actions.get(q.action as string);
  if (!known && action === undefined) return { allowed: false, reason: 'unknown_user' };
  if (resourceType === undefined) return { allowed: false, reason: 'unknown_resource_type' };
  if (action === undefined) return { allowed: false, reason: 'unknown_action' };
  const permission = action.permission;
  const byCondition = (): Decision | undefined => {
    if (state.conditions.index === undefined) return undefined;
    const target: ConditionResource = { type, key: q.key as string | undefined, attributes: q.attributes };
    if (ancestors !== undefined) target.uri = ancestors[ancestors.length - 1];
    const rule = matchConditionRule(state, request.user, user, target, tenant, permission, request.context);
    if (rule === undefined) return undefined;
    const via: DecisionVia = { userSet: rule.userSet, resourceSet: rule.resourceSet, permission };
    if (rule.tenant !== undefined) via.tenant = rule.tenant;
    return { allowed: true, reason: 'condition_rule', via };
  };
  if (!known) return byCondition() ?? { allowed: false, reason: 'unknown_user' };
  const held = state.holdings(user, tenant);
  if (held === undefined) return byCondition() ?? { allowed: false, reason: 'no_matching_grant' };

  const tenantRole = firstRoleWith(state, held.roles, permission);
  if (tenantRole !== undefined) return allow('role', state, tenantRole, tenant, permission);

  const instance = q.key === undefined ? undefined : `${type}:${q.key as string}`;
  if (instance !== undefined) {
    const role = firstRoleWith(state, held.instanceRoles.get(instance), permission);
    if (role !== undefined) return allow('instance_role', state, role, tenant, permission, instance);
  }
  if (ancestors !== undefined) {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const location = ancestors[i] as string;
      const role = firstRoleWith(state, held.instanceRoles.get(location), permission);
      if (role !== undefined) return allow('uri_role', state, role, tenant, permission, location);
    }
  }
  const locations = [...(instance === undefined ? [] : [instance]), ...[...(ancestors ?? [])].reverse()];
  for (const location of locations) {
    if (held.grants.get(location)?.has(permission) === true) {
      return { allowed: true, reason: 'direct_grant', via: { tenant, resourceInstance: location, permission } };
    }
  }
  return byCondition() ?? { allowed: false, reason: 'no_matching_grant' };
}

function firstRoleWith(state: State, roles: ReadonlySet<string> | undefined, permission: string): string | undefined {
  if (roles === undefined) return undefined;
  let best: string | undefined;
  for (const role of roles) {
    if (state.closure.has(role, permission) && (best === undefined || compareKeys(role, best) < 0)) best = role;
  }
  return best;
}

function allow(
  reason: 'role' | 'instance_role' | 'uri_role',
  state: State,
  role: string,
  tenant: string,
  permission: string,
  resourceInstance?: string,
): Decision {
  const via: DecisionVia = { role, tenant, permission, path: state.closure.path(role, permission) ?? [role] };
  if (resourceInstance !== undefined) via.resourceInstance = resourceInstance;
  return { allowed: true, reason, via };
}

/** `bulkCheck`: every request validated first (one invalid request fails the call), answers in order. */
export function bulkCheck(state: State, uris: UriCache, requests: readonly CheckRequest[]): boolean[] {
  if (!Array.isArray(requests)) throw invalid('Invalid bulk check: expected an array of check requests.');
  const results = new Array<boolean>(requests.length);
  for (let i = 0; i < requests.length; i++) {
    try {
      results[i] = check(state, uris, requests[i] as CheckRequest);
    } catch (error) {
      throw withIndex(error, i);
    }
  }
  return results;
}

/**
 * `checkPermissions`: every permission on every resource. A resource is a
 * URI or `<type>:<key>`; a permission of another type than a `<type>:<key>`
 * resource never holds there (it is reported missing). Empty lists pass.
 */
export function checkPermissions(
  state: State,
  uris: UriCache,
  request: CheckPermissionsRequest,
): CheckPermissionsResult {
  if (typeof request !== 'object' || request === null) throw invalid('Invalid request: expected an object.');
  const user = userKeyOf(request.user);
  assertKey(user, 'user');
  const tenant = request.tenant ?? DEFAULT_TENANT;
  assertKey(tenant, 'tenant');
  if (!Array.isArray(request.resourceUris)) throw invalid('Invalid resourceUris: expected an array of strings.');
  if (!Array.isArray(request.permissions)) throw invalid('Invalid permissions: expected an array of strings.');
  const permissions = [...new Set(request.permissions)].map((p) => ({ text: p, ...parsePermission(p) }));
  const resources = request.resourceUris.map((text) => {
    const parsed = parseResourceInstance(text);
    if (parsed.kind === 'uri') uris.ancestors(parsed.uri);
    return { text, parsed };
  });
  const missing: CheckPermissionsResult['missing'] = [];
  for (const { text, parsed } of resources) {
    const lacking: string[] = [];
    for (const permission of permissions) {
      let ok: boolean;
      if (parsed.kind === 'instance') {
        ok =
          permission.type === parsed.type &&
          check(state, uris, {
            user: request.user,
            action: permission.action,
            resource: { type: parsed.type, key: parsed.key },
            tenant,
          });
      } else {
        ok = check(state, uris, {
          user: request.user,
          action: permission.action,
          resource: { type: permission.type, uri: parsed.uri },
          tenant,
        });
      }
      if (!ok) lacking.push(permission.text);
    }
    if (lacking.length > 0) missing.push({ resource: text, permissions: lacking });
  }
  return { passed: missing.length === 0, missing };
}

/**
 * `getUserPermissions`: the roles that apply at `resource` (tenant-wide
 * roles, roles on the instance or on any ancestor-or-self URI) and the
 * permissions they carry (closure included) plus direct grants there. For a
 * `<type>:<key>` resource only permissions of that type are listed, so a
 * listed permission is exactly one a check on that resource would allow.
 */
export function userPermissions(
  state: State,
  uris: UriCache,
  user: string,
  resource: string,
  options?: { tenant?: string },
): UserPermissions {
  assertKey(user, 'user');
  const tenant = options?.tenant ?? DEFAULT_TENANT;
  assertKey(tenant, 'tenant');
  const parsed = parseResourceInstance(resource);
  const locations = parsed.kind === 'uri' ? uris.ancestors(parsed.uri) : [parsed.value];
  const held = state.holdings(user, tenant);
  const roles = new Set(held?.roles);
  const permissions = new Set<string>();
  for (const location of held === undefined ? [] : locations) {
    for (const role of held?.instanceRoles.get(location) ?? []) roles.add(role);
    for (const permission of held?.grants.get(location) ?? []) permissions.add(permission);
  }
  for (const role of roles) for (const permission of state.closure.permissions(role)) permissions.add(permission);
  // Condition rules: a permission is listed when a check of it on this resource (with no check-time
  // attributes and no context) would allow; for a URI, the resource's type is the permission's.
  for (const permission of state.conditions.index?.byPermission.keys() ?? []) {
    if (permissions.has(permission)) continue;
    const { type } = parsePermission(permission);
    const target: ConditionResource =
      parsed.kind === 'instance'
        ? { type, key: parsed.type === type ? parsed.key : undefined }
        : { type, uri: locations[locations.length - 1] };
    if (parsed.kind === 'instance' && parsed.type !== type) continue;
    if (matchConditionRule(state, user, user, target, tenant, permission, undefined) !== undefined) {
      permissions.add(permission);
    }
  }
  if (held === undefined && permissions.size === 0) return { permissions: [], roles: [] };
  let list = [...permissions];
  if (parsed.kind === 'instance') {
    const prefix = `${parsed.type}:`;
    list = list.filter((p) => p.startsWith(prefix));
  }
  return { permissions: list.sort(compareKeys), roles: [...roles].sort(compareKeys) };
}

function question(request: CheckRequest): Question {
  if (typeof request !== 'object' || request === null) throw invalid('Invalid check request: expected an object.');
  const resource: unknown = request.resource;
  const user = userKeyOf(request.user);
  if (typeof resource === 'string') {
    return {
      user,
      action: request.action,
      type: resource,
      key: undefined,
      uri: undefined,
      tenant: request.tenant ?? DEFAULT_TENANT,
      attributes: undefined,
    };
  }
  if (typeof resource !== 'object' || resource === null) {
    throw invalid('Invalid resource: expected a resource type or {type, key?, uri?, tenant?}.');
  }
  const r = resource as Record<string, unknown>;
  return {
    user,
    action: request.action,
    type: r.type,
    key: r.key ?? undefined,
    uri: r.uri ?? undefined,
    tenant: r.tenant ?? request.tenant ?? DEFAULT_TENANT,
    attributes: r.attributes,
  };
}

function userKeyOf(user: unknown): unknown {
  if (typeof user === 'object' && user !== null) return (user as { key?: unknown }).key;
  return user;
}

/** Full validation of a question (the deny and explain paths). */
function assertKeys(q: Question): void {
  assertKey(q.user, 'user');
  assertKey(q.type, 'resource type');
  assertKey(q.action, 'action');
  assertKey(q.tenant, 'tenant');
  if (q.key !== undefined) assertKey(q.key, 'instance key');
}

function withIndex(error: unknown, index: number): unknown {
  if (error instanceof PermissioValidationError) {
    return new PermissioValidationError(`checks[${index}]: ${error.message}`, {
      details: { index, details: error.details },
      cause: error,
    });
  }
  return error;
}

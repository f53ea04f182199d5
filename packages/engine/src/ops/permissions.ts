/**
 * The permission catalogue (#16): a view over resource types' actions plus
 * their descriptions. A permission `<type>:<action>` (or `<type>.<action>`,
 * split on the last dot) is the action `<action>` of resource type `<type>`:
 *
 * - create is idempotent: it creates the resource type when missing, the
 *   action when missing, and sets the description when one is given;
 * - update renames the action within its type and rewrites every role, direct
 *   grant and condition set rule that named the old permission;
 * - delete is idempotent and cascades like deleting the action.
 */
import { assertKey, parsePermission } from '@permissio/core/internal';
import type {
  Permission,
  PermissionCreate,
  PermissionListParams,
  PermissionsOperations,
  PermissionUpdate,
} from '@permissio/core';
import { compareKeys } from '../closure.js';
import { ruleId } from '../condition-store.js';
import { matchesSearch, pageRequest, paginate, searchTerm } from '../pagination.js';
import type { ActionRecord, ResourceRecord, State } from '../state.js';
import { assertObject, conflict, invalid, notFound, optionalString } from '../values.js';
import type { Host } from './host.js';
import { createResource, deleteAction } from './resources.js';

export function permissionOut(resource: ResourceRecord, action: ActionRecord): Permission {
  const out: Permission = { name: action.permission, resourceType: resource.key, action: action.key };
  if (action.description !== undefined) out.description = action.description;
  return out;
}

function find(state: State, name: unknown): { resource: ResourceRecord; action: ActionRecord } {
  const { type, action } = parsePermission(name);
  const resource = state.resources.get(type);
  const record = resource?.actions.get(action);
  if (resource === undefined || record === undefined) throw notFound('permission', `${type}:${action}`);
  return { resource, action: record };
}

export function createPermission(state: State, input: PermissionCreate): Permission {
  assertObject(input, 'permission');
  const { type, action } = parsePermission(input.name);
  const description = optionalString(input.description, 'description');
  const resource = state.resources.get(type) ?? createResource(state, { key: type });
  let record = resource.actions.get(action);
  if (record === undefined) {
    record = { key: action, name: action, permission: `${type}:${action}` };
    resource.actions.set(action, record);
  }
  if (description !== undefined) record.description = description;
  return permissionOut(resource, record);
}

export function updatePermission(state: State, name: string, update: PermissionUpdate): Permission {
  const found = find(state, name);
  assertObject(update, 'permission update');
  const description = optionalString(update.description, 'description');
  let target: string | undefined;
  if (update.name !== undefined) {
    const next = parsePermission(update.name);
    if (next.type !== found.resource.key) {
      throw invalid(
        `Cannot rename ${JSON.stringify(found.action.permission)} to ${JSON.stringify(update.name)}: a permission keeps its resource type; rename the action only (e.g. "${found.resource.key}:${next.action}").`,
        { permission: found.action.permission, name: update.name },
      );
    }
    if (next.action !== found.action.key) {
      if (found.resource.actions.has(next.action)) {
        throw conflict(`Permission ${JSON.stringify(`${next.type}:${next.action}`)} already exists.`, {
          name: `${next.type}:${next.action}`,
        });
      }
      target = next.action;
    }
  }
  let record = found.action;
  if (target !== undefined) record = renameAction(state, found.resource, record, target);
  if (description !== undefined) record.description = description;
  return permissionOut(found.resource, record);
}

/** Renames an action in place (keeping its position) and rewrites every reference to its permission. */
function renameAction(state: State, resource: ResourceRecord, from: ActionRecord, to: string): ActionRecord {
  const before = from.permission;
  const after = `${resource.key}:${to}`;
  const renamed: ActionRecord = { ...from, key: to, name: from.name === from.key ? to : from.name, permission: after };
  const actions = new Map<string, ActionRecord>();
  for (const [key, action] of resource.actions) {
    if (key === from.key) actions.set(to, renamed);
    else actions.set(key, action);
  }
  resource.actions = actions;
  const replace = (set: Set<string>): boolean => {
    if (!set.has(before)) return false;
    const list = [...set];
    set.clear();
    for (const permission of list) set.add(permission === before ? after : permission);
    return true;
  };
  const changed: string[] = [];
  for (const role of state.roles.values()) if (replace(role.permissions)) changed.push(role.key);
  if (changed.length > 0) state.closure.refresh(changed);
  state.forEachHolding((_user, _tenant, held) => {
    for (const bucket of held.grants.values()) replace(bucket);
  });
  const rules = state.conditions.rules;
  let rulesChanged = false;
  for (const [id, rule] of [...rules]) {
    if (rule.permission !== before) continue;
    rules.delete(id);
    const next = { ...rule, permission: after };
    rules.set(ruleId(next), next);
    rulesChanged = true;
  }
  if (rulesChanged) state.conditions.reindex();
  return renamed;
}

/** Idempotent: a missing permission (or resource type) is fine; the name is still validated. */
export function deletePermission(state: State, name: string): void {
  const { type, action } = parsePermission(name);
  deleteAction(state, type, action);
}

function listPermissions(state: State, params: PermissionListParams | undefined) {
  const request = pageRequest(params);
  const term = searchTerm(params);
  const only = params?.resourceType;
  if (only !== undefined) assertKey(only, 'resource type');
  const items: Permission[] = [];
  for (const resource of state.resources.values()) {
    if (only !== undefined && resource.key !== only) continue;
    for (const action of resource.actions.values()) {
      if (matchesSearch(term, action.permission, action.description)) items.push(permissionOut(resource, action));
    }
  }
  items.sort((a, b) => compareKeys(a.name, b.name));
  return paginate(items, request);
}

export function permissionsOperations(host: Host): PermissionsOperations {
  return {
    async list(params) {
      return listPermissions(host.state, params);
    },
    async get(name) {
      const { resource, action } = find(host.state, name);
      return permissionOut(resource, action);
    },
    async create(input) {
      const out = createPermission(host.state, input);
      host.emit({ op: 'permissions.create', args: [input] });
      return out;
    },
    async update(name, update) {
      const out = updatePermission(host.state, name, update);
      host.emit({ op: 'permissions.update', args: [name, update] });
      return out;
    },
    async delete(name) {
      deletePermission(host.state, name);
      host.emit({ op: 'permissions.delete', args: [name] });
    },
  };
}

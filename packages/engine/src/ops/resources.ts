/**
 * Resource types with their actions and attributes. A permission
 * `<type>:<action>` exists iff the type declares the action, so deleting a
 * type or an action removes that permission from every role and every
 * direct grant; deleting a type also removes the role assignments on its
 * instances (`<type>:<key>`).
 */
import { assertKey } from '@permissio/core/internal';
import type {
  AttributeType,
  ResourceAction,
  ResourceAttribute,
  ResourcesOperations,
  ResourceType,
  ResourceTypeCreate,
  ResourceTypeUpdate,
} from '@permissio/core';
import { filterBuckets } from '../state.js';
import type { ActionRecord, ResourceRecord, State } from '../state.js';
import { assertObject, conflict, invalid, notFound, optionalArray, optionalString } from '../values.js';
import { crudOperations } from './crud.js';
import { assertUnused, dropResourceSetsOf, dropRules } from './conditions.js';
import type { Host } from './host.js';

const ATTRIBUTE_TYPES: ReadonlySet<string> = new Set<AttributeType>([
  'string',
  'number',
  'bool',
  'json',
  'array',
  'time',
  'object',
]);

export function resourceOut(record: ResourceRecord): ResourceType {
  const resource: ResourceType = {
    key: record.key,
    name: record.name,
    actions: [...record.actions.values()].map(actionOut),
    attributes: [...record.attributes.values()].map((a) => ({ ...a })),
  };
  if (record.description !== undefined) resource.description = record.description;
  return resource;
}

function actionOut(record: ActionRecord): ResourceAction {
  const action: ResourceAction = { key: record.key, name: record.name };
  if (record.description !== undefined) action.description = record.description;
  return action;
}

function parseAction(type: string, input: unknown): ActionRecord {
  if (typeof input === 'string') {
    assertKey(input, 'action');
    return { key: input, name: input, permission: `${type}:${input}` };
  }
  assertObject(input, 'action');
  assertKey(input.key, 'action');
  const name = optionalString(input.name, 'action name') ?? input.key;
  const description = optionalString(input.description, 'action description');
  const action: ActionRecord = { key: input.key, name, permission: `${type}:${input.key}` };
  if (description !== undefined) action.description = description;
  return action;
}

function parseActions(type: string, list: unknown[]): Map<string, ActionRecord> {
  const actions = new Map<string, ActionRecord>();
  for (const item of list) {
    const action = parseAction(type, item);
    actions.set(action.key, action);
  }
  return actions;
}

export function parseAttribute(input: unknown): ResourceAttribute {
  assertObject(input, 'attribute');
  assertKey(input.key, 'attribute');
  if (typeof input.type !== 'string' || !ATTRIBUTE_TYPES.has(input.type)) {
    throw invalid(
      `Invalid attribute type ${JSON.stringify(input.type)}: use one of ${[...ATTRIBUTE_TYPES].join(', ')}.`,
      {
        attribute: input.key,
      },
    );
  }
  return { key: input.key, type: input.type as AttributeType };
}

function parseAttributes(list: unknown[]): Map<string, ResourceAttribute> {
  const attributes = new Map<string, ResourceAttribute>();
  for (const item of list) {
    const attribute = parseAttribute(item);
    attributes.set(attribute.key, attribute);
  }
  return attributes;
}

export function getResource(state: State, key: unknown): ResourceRecord {
  assertKey(key, 'resource type');
  const record = state.resources.get(key);
  if (record === undefined) throw notFound('resource type', key);
  return record;
}

export function createResource(state: State, input: ResourceTypeCreate): ResourceRecord {
  assertObject(input, 'resource type');
  assertKey(input.key, 'resource type');
  const key = input.key;
  if (state.resources.has(key)) throw conflict(`Resource type ${JSON.stringify(key)} already exists.`, { key });
  const record: ResourceRecord = {
    key,
    name: optionalString(input.name, 'name') ?? key,
    actions: parseActions(key, optionalArray(input.actions, 'actions') ?? []),
    attributes: parseAttributes(optionalArray(input.attributes, 'attributes') ?? []),
  };
  const description = optionalString(input.description, 'description');
  if (description !== undefined) record.description = description;
  state.resources.set(key, record);
  return record;
}

/** Replaces the fields present; a new `actions` list drops the permissions of removed actions. */
export function updateResource(state: State, key: string, update: ResourceTypeUpdate): ResourceRecord {
  const record = getResource(state, key);
  assertObject(update, 'resource type update');
  const name = optionalString(update.name, 'name');
  const description = optionalString(update.description, 'description');
  const actionsIn = optionalArray(update.actions, 'actions');
  const attributesIn = optionalArray(update.attributes, 'attributes');
  const actions = actionsIn === undefined ? undefined : parseActions(key, actionsIn);
  const attributes = attributesIn === undefined ? undefined : parseAttributes(attributesIn);
  if (attributes !== undefined) {
    const changed = (attribute: string): boolean =>
      attributes.get(attribute)?.type !== record.attributes.get(attribute)?.type;
    assertUnused(
      state,
      `the attributes of ${JSON.stringify(key)}`,
      (set) => set.set.resourceType === key && [...set.uses.resource].some(changed),
    );
  }
  if (name !== undefined) record.name = name;
  if (description !== undefined) record.description = description;
  if (attributes !== undefined) record.attributes = attributes;
  if (actions !== undefined) {
    const removed = new Set<string>();
    for (const action of record.actions.values()) if (!actions.has(action.key)) removed.add(action.permission);
    for (const action of actions.values()) {
      // A new list that names an action without a description keeps the catalogue's description.
      const before = record.actions.get(action.key)?.description;
      if (action.description === undefined && before !== undefined) action.description = before;
    }
    record.actions = actions;
    if (removed.size > 0) {
      dropPermissions(state, (permission) => removed.has(permission));
      dropRules(state, (rule) => removed.has(rule.permission));
    }
  }
  return record;
}

export function syncResource(state: State, key: string, update: ResourceTypeUpdate): ResourceRecord {
  assertKey(key, 'resource type');
  if (state.resources.has(key)) return updateResource(state, key, update);
  assertObject(update, 'resource type');
  return createResource(state, { ...update, key });
}

/** Deletes the type: its permissions leave every role and grant, its instances' assignments go (idempotent). */
export function deleteResource(state: State, key: string): void {
  assertKey(key, 'resource type');
  if (!state.resources.delete(key)) return;
  const prefix = `${key}:`;
  dropPermissions(state, (permission) => permission.startsWith(prefix));
  dropResourceSetsOf(state, key);
  state.forEachHolding((_user, _tenant, held) => {
    for (const instance of held.instanceRoles.keys())
      if (instance.startsWith(prefix)) held.instanceRoles.delete(instance);
  });
}

export function createAction(
  state: State,
  type: string,
  input: { key: string; name?: string; description?: string },
): ActionRecord {
  const record = getResource(state, type);
  const action = parseAction(type, input);
  if (record.actions.has(action.key)) {
    throw conflict(`Action ${JSON.stringify(action.key)} of ${JSON.stringify(type)} already exists.`, {
      type,
      action: action.key,
    });
  }
  record.actions.set(action.key, action);
  return action;
}

/** Deletes the action and its permission from every role and grant (idempotent). */
export function deleteAction(state: State, type: string, action: string): void {
  assertKey(type, 'resource type');
  assertKey(action, 'action');
  const record = state.resources.get(type);
  const existing = record?.actions.get(action);
  if (record === undefined || existing === undefined) return;
  record.actions.delete(action);
  dropPermissions(state, (permission) => permission === existing.permission);
  dropRules(state, (rule) => rule.permission === existing.permission);
}

/** Removes matching permissions from every role (refreshing closures) and every direct grant. */
export function dropPermissions(state: State, drop: (permission: string) => boolean): void {
  const changed: string[] = [];
  for (const role of state.roles.values()) {
    let touched = false;
    for (const permission of role.permissions) {
      if (drop(permission)) {
        role.permissions.delete(permission);
        touched = true;
      }
    }
    if (touched) changed.push(role.key);
  }
  if (changed.length > 0) state.closure.refresh(changed);
  state.forEachHolding((_user, _tenant, held) =>
    filterBuckets(held.grants, (_instance, permission) => drop(permission)),
  );
}

export function resourcesOperations(host: Host): ResourcesOperations {
  return {
    ...crudOperations(host, {
      group: 'resources',
      records: (state) => state.resources,
      searchable: (r) => [r.key, r.name],
      out: resourceOut,
      get: getResource,
      create: createResource,
      update: updateResource,
      remove: deleteResource,
      sync: syncResource,
    }),
    async listActions(type) {
      return [...getResource(host.state, type).actions.values()].map(actionOut);
    },
    async createAction(type, action) {
      const record = createAction(host.state, type, action);
      host.emit({ op: 'resources.createAction', args: [type, action] });
      return actionOut(record);
    },
    async deleteAction(type, action) {
      deleteAction(host.state, type, action);
      host.emit({ op: 'resources.deleteAction', args: [type, action] });
    },
    async listAttributes(type) {
      return [...getResource(host.state, type).attributes.values()].map((a) => ({ ...a }));
    },
    async createAttribute(type, attribute) {
      const record = getResource(host.state, type);
      const parsed = parseAttribute(attribute);
      if (record.attributes.has(parsed.key)) {
        throw conflict(`Attribute ${JSON.stringify(parsed.key)} of ${JSON.stringify(type)} already exists.`, {
          type,
          attribute: parsed.key,
        });
      }
      record.attributes.set(parsed.key, parsed);
      host.emit({ op: 'resources.createAttribute', args: [type, attribute] });
      return { ...parsed };
    },
    async deleteAttribute(type, key) {
      assertKey(type, 'resource type');
      assertKey(key, 'attribute');
      const record = host.state.resources.get(type);
      if (record?.attributes.has(key) === true) {
        assertUnused(
          host.state,
          `attribute ${JSON.stringify(key)} of ${JSON.stringify(type)}`,
          (set) => set.set.resourceType === type && set.uses.resource.has(key),
        );
        record.attributes.delete(key);
      }
      host.emit({ op: 'resources.deleteAttribute', args: [type, key] });
    },
  };
}

/**
 * ABAC management: declared user attributes, condition sets and condition
 * set rules (docs/MODEL.md, "Conditions"). Sets are validated (422 naming the
 * set and the JSON path) and compiled once, here; the rule index is rebuilt
 * after every write. Cascades: deleting a set deletes its rules; deleting a
 * declared attribute that a condition reads is a 409 naming the set.
 */
import { assertKey, canonicalPermission, parsePermission } from '@permissio/core/internal';
import type {
  AttributeDeclaration,
  ConditionSet,
  ConditionSetRule,
  ConditionSetRuleFilter,
  ConditionSetRulesOperations,
  ConditionSetsOperations,
  ConditionSetUpdate,
  ListParams,
} from '@permissio/core';
import { compareKeys } from '../closure.js';
import { ruleId } from '../condition-store.js';
import { compileConditionSet } from '../conditions/index.js';
import type { CompiledConditionSet } from '../conditions/index.js';
import { matchesSearch, pageRequest, paginate, searchTerm } from '../pagination.js';
import type { State } from '../state.js';
import { assertObject, conflict, invalid, notFound } from '../values.js';
import type { Host } from './host.js';
import { parseAttribute } from './resources.js';

// ------------------------------------------------------------------ declared user attributes

export function listUserAttributes(state: State): AttributeDeclaration[] {
  return [...state.conditions.userAttributes]
    .sort((a, b) => compareKeys(a[0], b[0]))
    .map(([key, type]) => ({ key, type }));
}

export function createUserAttribute(state: State, input: AttributeDeclaration): AttributeDeclaration {
  const parsed = parseAttribute(input);
  // Closed like the REST body: a misspelt field is an error, not silently dropped.
  for (const field of Object.keys(input)) {
    if (field !== 'key' && field !== 'type') {
      throw invalid(`Invalid user attribute: unknown field \`${field}\`; a declaration has key and type.`, { field });
    }
  }
  if (state.conditions.userAttributes.has(parsed.key)) {
    throw conflict(`User attribute ${JSON.stringify(parsed.key)} already exists.`, { attribute: parsed.key });
  }
  state.conditions.userAttributes.set(parsed.key, parsed.type);
  return parsed;
}

export function deleteUserAttribute(state: State, key: string): void {
  assertKey(key, 'attribute');
  if (!state.conditions.userAttributes.has(key)) return;
  assertUnused(state, `user attribute ${JSON.stringify(key)}`, (set) => set.uses.user.has(key));
  state.conditions.userAttributes.delete(key);
}

/**
 * Throws a 409 naming the first condition set (by key) for which `reads` is
 * true: a declared attribute a condition reads cannot be deleted or retyped.
 */
export function assertUnused(state: State, what: string, reads: (set: CompiledConditionSet) => boolean): void {
  const users = [...state.conditions.sets.values()].filter(reads).map((s) => s.set.key);
  if (users.length === 0) return;
  users.sort(compareKeys);
  throw conflict(
    `Cannot change ${what}: condition set ${JSON.stringify(users[0])} uses it${users.length > 1 ? ` (and ${users.length - 1} more)` : ''}. Change or delete the condition set first.`,
    { conditionSet: users[0], conditionSets: users },
  );
}

// ------------------------------------------------------------------ condition sets

function compile(state: State, input: unknown): CompiledConditionSet {
  return compileConditionSet(input, state.conditions.catalog(state.resources));
}

export function getConditionSet(state: State, key: unknown): CompiledConditionSet {
  assertKey(key, 'condition set');
  const set = state.conditions.sets.get(key);
  if (set === undefined) throw notFound('condition set', key);
  return set;
}

export function createConditionSet(state: State, input: ConditionSet): CompiledConditionSet {
  const compiled = compile(state, input);
  const key = compiled.set.key;
  if (state.conditions.sets.has(key)) throw conflict(`Condition set ${JSON.stringify(key)} already exists.`, { key });
  state.conditions.sets.set(key, compiled);
  state.conditions.reindex();
  return compiled;
}

/** Replaces a set (same key); the rules that use it must still fit, or nothing changes (409). */
function replaceConditionSet(state: State, compiled: CompiledConditionSet): CompiledConditionSet {
  const key = compiled.set.key;
  const previous = state.conditions.sets.get(key);
  state.conditions.sets.set(key, compiled);
  try {
    state.conditions.reindex();
  } catch (error) {
    if (previous !== undefined) state.conditions.sets.set(key, previous);
    state.conditions.reindex();
    const message = error instanceof Error ? error.message : String(error);
    throw conflict(`Condition set ${JSON.stringify(key)} cannot change that way: its rules would not fit. ${message}`, {
      key,
    });
  }
  return compiled;
}

export function updateConditionSet(state: State, key: string, update: ConditionSetUpdate): CompiledConditionSet {
  const existing = getConditionSet(state, key);
  assertObject(update, 'condition set update');
  for (const field of Object.keys(update)) {
    if (field !== 'name' && field !== 'conditions') {
      throw invalid(
        `Invalid condition set update: unknown field \`${field}\`; an update may change name and conditions (type and resourceType are fixed: delete and re-create the set).`,
        { field },
      );
    }
  }
  const next: Record<string, unknown> = { ...existing.set };
  if (update.name !== undefined) next.name = update.name;
  if (update.conditions !== undefined) next.conditions = update.conditions;
  return replaceConditionSet(state, compile(state, next));
}

export function syncConditionSet(state: State, key: string, input: Omit<ConditionSet, 'key'>): CompiledConditionSet {
  assertKey(key, 'condition set');
  assertObject(input, 'condition set');
  const compiled = compile(state, { ...input, key });
  return replaceConditionSet(state, compiled);
}

/** Deletes the set and every rule that names it (idempotent). */
export function deleteConditionSet(state: State, key: string): void {
  assertKey(key, 'condition set');
  if (!state.conditions.sets.delete(key)) return;
  dropRules(state, (rule) => rule.userSet === key || rule.resourceSet === key);
}

/** Deletes every resourceset of `type` and their rules (the resource type is gone). */
export function dropResourceSetsOf(state: State, type: string): void {
  const { sets } = state.conditions;
  const gone = new Set<string>();
  for (const [key, set] of sets) if (set.set.type === 'resourceset' && set.set.resourceType === type) gone.add(key);
  for (const key of gone) sets.delete(key);
  dropRules(state, (rule) => gone.has(rule.resourceSet) || rule.permission.startsWith(`${type}:`));
}

/** Deletes the rules matching `drop` and re-indexes (always, so the index follows the sets). */
export function dropRules(state: State, drop: (rule: ConditionSetRule) => boolean): void {
  for (const [id, rule] of state.conditions.rules) if (drop(rule)) state.conditions.rules.delete(id);
  state.conditions.reindex();
}

// ------------------------------------------------------------------ condition set rules

const RULE_FIELDS: ReadonlySet<string> = new Set(['userSet', 'permission', 'resourceSet', 'tenant']);

/** Validates a rule's shape and references; returns a private copy. */
export function parseRule(state: State, input: unknown): ConditionSetRule {
  assertObject(input, 'condition set rule');
  for (const field of Object.keys(input)) {
    if (!RULE_FIELDS.has(field)) {
      throw invalid(
        `Invalid condition set rule: unknown field \`${field}\`; a rule has userSet, permission, resourceSet, tenant.`,
        { field },
      );
    }
  }
  assertKey(input.userSet, 'condition set');
  assertKey(input.resourceSet, 'condition set');
  const { type, action } = parsePermission(input.permission);
  const rule: ConditionSetRule = {
    userSet: input.userSet,
    permission: `${type}:${action}`,
    resourceSet: input.resourceSet,
  };
  if (input.tenant !== undefined && input.tenant !== null) {
    assertKey(input.tenant, 'tenant');
    rule.tenant = input.tenant;
  }
  if (!state.conditions.sets.has(rule.userSet)) throw notFound('condition set', rule.userSet);
  if (!state.conditions.sets.has(rule.resourceSet)) throw notFound('condition set', rule.resourceSet);
  const resource = state.resources.get(type);
  if (resource === undefined) throw notFound('resource type', type);
  if (!resource.actions.has(action)) {
    throw invalid(`Invalid permission ${JSON.stringify(rule.permission)}: ${type} has no action "${action}".`, {
      field: 'permission',
    });
  }
  return rule;
}

export function createRule(state: State, input: ConditionSetRule): ConditionSetRule {
  const rule = parseRule(state, input);
  const id = ruleId(rule);
  if (state.conditions.rules.has(id)) {
    throw conflict(
      `Condition set rule ${rule.userSet} → ${rule.permission} → ${rule.resourceSet}${rule.tenant === undefined ? '' : ` in ${rule.tenant}`} already exists.`,
      { rule },
    );
  }
  state.conditions.rules.set(id, rule);
  try {
    state.conditions.reindex();
  } catch (error) {
    state.conditions.rules.delete(id);
    state.conditions.reindex();
    throw error;
  }
  return rule;
}

/** Idempotent: deleting a missing rule succeeds (the input is still validated). */
export function deleteRule(state: State, input: ConditionSetRule): void {
  assertObject(input, 'condition set rule');
  assertKey(input.userSet, 'condition set');
  assertKey(input.resourceSet, 'condition set');
  const permission = canonicalPermission(input.permission);
  if (input.tenant !== undefined && input.tenant !== null) assertKey(input.tenant, 'tenant');
  const rule: ConditionSetRule = {
    userSet: input.userSet,
    permission,
    resourceSet: input.resourceSet,
  };
  if (typeof input.tenant === 'string') rule.tenant = input.tenant;
  if (state.conditions.rules.delete(ruleId(rule))) state.conditions.reindex();
}

/** Every rule in the documented order (userSet, resourceSet, permission, tenant-specific first). */
export function sortedRules(state: State): ConditionSetRule[] {
  return [...state.conditions.rules.values()].sort(
    (a, b) =>
      compareKeys(a.userSet, b.userSet) ||
      compareKeys(a.resourceSet, b.resourceSet) ||
      compareKeys(a.permission, b.permission) ||
      (a.tenant === undefined ? 1 : 0) - (b.tenant === undefined ? 1 : 0) ||
      compareKeys(a.tenant ?? '', b.tenant ?? ''),
  );
}

function ruleOut(rule: ConditionSetRule): ConditionSetRule {
  return { ...rule };
}

export function setOut(compiled: CompiledConditionSet): ConditionSet {
  return structuredClone(compiled.set);
}

// ------------------------------------------------------------------ operations

export function conditionSetsOperations(host: Host): ConditionSetsOperations {
  return {
    async list(params?: ListParams) {
      const request = pageRequest(params);
      const term = searchTerm(params);
      const items = [...host.state.conditions.sets.values()]
        .filter((s) => matchesSearch(term, s.set.key, s.set.name))
        .sort((a, b) => compareKeys(a.set.key, b.set.key));
      const page = paginate(items, request);
      return { ...page, data: page.data.map(setOut) };
    },
    async get(key) {
      return setOut(getConditionSet(host.state, key));
    },
    async create(set) {
      const compiled = createConditionSet(host.state, set);
      host.emit({ op: 'conditionSets.create', args: [set] });
      return setOut(compiled);
    },
    async update(key, update) {
      const compiled = updateConditionSet(host.state, key, update);
      host.emit({ op: 'conditionSets.update', args: [key, update] });
      return setOut(compiled);
    },
    async delete(key) {
      deleteConditionSet(host.state, key);
      host.emit({ op: 'conditionSets.delete', args: [key] });
    },
    async sync(key, set) {
      const compiled = syncConditionSet(host.state, key, set);
      host.emit({ op: 'conditionSets.sync', args: [key, set] });
      return setOut(compiled);
    },
  };
}

export function conditionSetRulesOperations(host: Host): ConditionSetRulesOperations {
  return {
    async list(filter?: ConditionSetRuleFilter & Omit<ListParams, 'search'>) {
      const request = pageRequest(filter);
      const { userSet, resourceSet, permission } = filter ?? {};
      const items = sortedRules(host.state).filter(
        (r) =>
          (userSet === undefined || r.userSet === userSet) &&
          (resourceSet === undefined || r.resourceSet === resourceSet) &&
          (permission === undefined || r.permission === permission),
      );
      const page = paginate(items, request);
      return { ...page, data: page.data.map(ruleOut) };
    },
    async create(rule) {
      const created = createRule(host.state, rule);
      host.emit({ op: 'conditionSetRules.create', args: [rule] });
      return ruleOut(created);
    },
    async delete(rule) {
      deleteRule(host.state, rule);
      host.emit({ op: 'conditionSetRules.delete', args: [rule] });
    },
  };
}

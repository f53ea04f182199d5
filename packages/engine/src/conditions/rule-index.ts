/**
 * Condition set rules indexed by permission, and rule 5 of the decision:
 * "some rule has the asked permission, its tenant is absent or equals the
 * check's tenant, the user matches its userset and the resource matches its
 * resourceset".
 *
 * Order (deterministic, and the rule reported in explanations): rules are
 * tried by userSet key, then resourceSet key (both by UTF-16 code units, not
 * locale), then a tenant-specific rule before the same rule without tenant.
 * Within one call every condition set is evaluated at most once.
 */
import { PermissioValidationError } from '@permissio/core';
import { parsePermission } from '@permissio/core/internal';
import type { CompiledConditionSet } from './condition-set.js';
import { Tri } from './tri.js';
import type { ConditionSetRule, EvalInput } from './types.js';

interface IndexedRule {
  readonly rule: ConditionSetRule;
  readonly tenant: string | undefined;
  readonly userSet: number;
  readonly resourceSet: number;
}

/** The rules of one permission that share a userset, in order. */
interface RuleGroup {
  readonly userSet: number;
  readonly rules: readonly IndexedRule[];
  /** The userset has a discriminator: the group is tried only when a filter marked it in this call. */
  readonly filtered: boolean;
}

/** Groups whose usersets discriminate on one path, by the value that lets them through. */
interface GroupFilter {
  readonly get: (input: EvalInput) => unknown;
  readonly byValue: ReadonlyMap<unknown, readonly number[]>;
}

/** The rules of one permission. */
interface PermissionRules {
  readonly groups: readonly RuleGroup[];
  readonly filters: readonly GroupFilter[];
  /** groupStamp[g] equals the call's epoch when a filter let group g through. */
  readonly groupStamp: Float64Array;
}

/** Rules by permission (grouped by userset), with per-set memo slots for one call. */
export interface ConditionRuleIndex {
  readonly byPermission: ReadonlyMap<string, PermissionRules>;
  readonly sets: readonly CompiledConditionSet[];
  /** memo[i] holds resource set i's result when stamp[i] equals the current call's epoch. */
  readonly memo: Int8Array;
  readonly stamp: Float64Array;
  epoch: number;
}

/**
 * Checks a rule against the sets: the userSet is a userset, the resourceSet a
 * resourceset, and the permission's type is the resourceset's type.
 * Throws `PermissioValidationError`.
 */
export function validateConditionSetRule(
  rule: ConditionSetRule,
  sets: ReadonlyMap<string, CompiledConditionSet>,
): void {
  const label = `conditionSetRules[${rule.userSet} → ${rule.permission} → ${rule.resourceSet}]`;
  const fail = (message: string, field: string): never => {
    throw new PermissioValidationError(`Invalid condition set rule ${label}: ${message}.`, { details: { field } });
  };
  const { type } = parsePermission(rule.permission);
  const userSet = sets.get(rule.userSet);
  if (userSet === undefined) fail(`condition set ${JSON.stringify(rule.userSet)} does not exist`, 'userSet');
  else if (userSet.set.type !== 'userset') fail(`${JSON.stringify(rule.userSet)} is not a userset`, 'userSet');
  const resourceSet = sets.get(rule.resourceSet);
  if (resourceSet === undefined) {
    fail(`condition set ${JSON.stringify(rule.resourceSet)} does not exist`, 'resourceSet');
  } else if (resourceSet.set.type !== 'resourceset') {
    fail(`${JSON.stringify(rule.resourceSet)} is not a resourceset`, 'resourceSet');
  } else if (resourceSet.set.resourceType !== type) {
    fail(
      `the permission is on ${JSON.stringify(type)} but resource set ${JSON.stringify(rule.resourceSet)} holds ${JSON.stringify(resourceSet.set.resourceType)} resources`,
      'permission',
    );
  }
}

/** Builds the index; every rule must pass {@link validateConditionSetRule}. */
export function buildConditionRuleIndex(
  sets: Iterable<CompiledConditionSet>,
  rules: Iterable<ConditionSetRule>,
): ConditionRuleIndex {
  const list = [...sets];
  const ordinal = new Map<string, number>();
  const byKey = new Map<string, CompiledConditionSet>();
  list.forEach((s, i) => {
    ordinal.set(s.set.key, i);
    byKey.set(s.set.key, s);
  });
  const flat = new Map<string, IndexedRule[]>();
  for (const rule of rules) {
    validateConditionSetRule(rule, byKey);
    const entry: IndexedRule = {
      rule,
      tenant: rule.tenant,
      userSet: ordinal.get(rule.userSet) as number,
      resourceSet: ordinal.get(rule.resourceSet) as number,
    };
    const bucket = flat.get(rule.permission);
    if (bucket === undefined) flat.set(rule.permission, [entry]);
    else bucket.push(entry);
  }
  const byPermission = new Map<string, PermissionRules>();
  for (const [permission, bucket] of flat) {
    bucket.sort(compareRules);
    const groups: { userSet: number; rules: IndexedRule[]; filtered: boolean }[] = [];
    for (const entry of bucket) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last.userSet === entry.userSet) last.rules.push(entry);
      else groups.push({ userSet: entry.userSet, rules: [entry], filtered: false });
    }
    const filters = new Map<string, { get: (input: EvalInput) => unknown; byValue: Map<unknown, number[]> }>();
    groups.forEach((group, position) => {
      const discriminator = list[group.userSet]?.discriminator;
      if (discriminator === undefined) return;
      group.filtered = true;
      let filter = filters.get(discriminator.path);
      if (filter === undefined) {
        filter = { get: discriminator.get, byValue: new Map() };
        filters.set(discriminator.path, filter);
      }
      for (const value of discriminator.values) {
        const positions = filter.byValue.get(value);
        if (positions === undefined) filter.byValue.set(value, [position]);
        else positions.push(position);
      }
    });
    byPermission.set(permission, {
      groups,
      filters: [...filters.values()],
      groupStamp: new Float64Array(groups.length),
    });
  }
  return {
    byPermission,
    sets: list,
    memo: new Int8Array(list.length),
    stamp: new Float64Array(list.length),
    epoch: 0,
  };
}

function compareRules(a: IndexedRule, b: IndexedRule): number {
  return (
    cmp(a.rule.userSet, b.rule.userSet) ||
    cmp(a.rule.resourceSet, b.rule.resourceSet) ||
    (a.tenant === undefined ? 1 : 0) - (b.tenant === undefined ? 1 : 0) ||
    cmp(a.tenant ?? '', b.tenant ?? '')
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first rule (in the documented order) that grants `permission` in
 * `tenant` for `input`, or undefined. Synchronous; not re-entrant.
 */
export function findMatchingRule(
  index: ConditionRuleIndex,
  permission: string,
  tenant: string,
  input: EvalInput,
): ConditionSetRule | undefined {
  const rules = index.byPermission.get(permission);
  if (rules === undefined) return undefined;
  const epoch = ++index.epoch;
  const { groups, filters, groupStamp } = rules;
  for (const filter of filters) {
    const passed = filter.byValue.get(filter.get(input));
    if (passed !== undefined) for (const position of passed) groupStamp[position] = epoch;
  }
  for (let position = 0; position < groups.length; position++) {
    const group = groups[position] as RuleGroup;
    if (group.filtered && groupStamp[position] !== epoch) continue;
    // Each userset heads exactly one group of a permission: evaluated at most once, and only if a rule applies.
    let userMatched: boolean | undefined;
    for (const entry of group.rules) {
      if (entry.tenant !== undefined && entry.tenant !== tenant) continue;
      if (userMatched === undefined) {
        userMatched = (index.sets[group.userSet] as CompiledConditionSet).evaluate(input) === Tri.TRUE;
      }
      if (!userMatched) break;
      if (result(index, entry.resourceSet, epoch, input) === Tri.TRUE) return entry.rule;
    }
  }
  return undefined;
}

function result(index: ConditionRuleIndex, set: number, epoch: number, input: EvalInput): Tri {
  if (index.stamp[set] === epoch) return index.memo[set] as Tri;
  const value = (index.sets[set] as CompiledConditionSet).evaluate(input);
  index.stamp[set] = epoch;
  index.memo[set] = value;
  return value;
}

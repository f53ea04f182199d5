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
import type { ConditionEvaluator } from './tri.js';
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
  /** The userset's compiled condition. */
  readonly matches: ConditionEvaluator<EvalInput>;
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
export interface PermissionRules {
  readonly groups: readonly RuleGroup[];
  readonly filters: readonly GroupFilter[];
  /**
   * When every group is filtered by one and the same path (the usual shape), that filter: the groups a
   * check tries are then exactly its list for the path's value, already in order.
   */
  readonly only: GroupFilter | undefined;
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
    const groups: {
      userSet: number;
      matches: ConditionEvaluator<EvalInput>;
      rules: IndexedRule[];
      filtered: boolean;
    }[] = [];
    for (const entry of bucket) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last.userSet === entry.userSet) last.rules.push(entry);
      else {
        // A userset with a discriminator is tried only when the discriminator's value let it through (below):
        // that comparison is then TRUE, so the rest of the condition decides.
        const set = list[entry.userSet] as CompiledConditionSet;
        const matches = set.discriminator === undefined ? set.evaluate : (set.evaluateRest ?? set.evaluate);
        groups.push({ userSet: entry.userSet, matches, rules: [entry], filtered: false });
      }
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
    const filterList = [...filters.values()];
    const everyFiltered = groups.every((group) => group.filtered);
    byPermission.set(permission, {
      groups,
      filters: filterList,
      only: filterList.length === 1 && everyFiltered ? filterList[0] : undefined,
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
  return findRuleIn(index, rules, tenant, input);
}

/** {@link findMatchingRule} with the permission's rules already looked up. */
export function findRuleIn(
  index: ConditionRuleIndex,
  rules: PermissionRules,
  tenant: string,
  input: EvalInput,
): ConditionSetRule | undefined {
  const epoch = ++index.epoch;
  const { groups, only } = rules;
  if (only !== undefined) {
    // One discriminating path for every group: try exactly the groups its value lets through, in order.
    const passed = only.byValue.get(only.get(input));
    if (passed === undefined) return undefined;
    for (let i = 0; i < passed.length; i++) {
      const found = tryGroup(index, groups[passed[i] as number] as RuleGroup, tenant, epoch, input);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const { filters, groupStamp } = rules;
  for (const filter of filters) {
    const passed = filter.byValue.get(filter.get(input));
    if (passed !== undefined) for (const position of passed) groupStamp[position] = epoch;
  }
  for (let position = 0; position < groups.length; position++) {
    const group = groups[position] as RuleGroup;
    if (group.filtered && groupStamp[position] !== epoch) continue;
    const found = tryGroup(index, group, tenant, epoch, input);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The group's first rule that applies in `tenant` and whose sets match, or undefined. */
function tryGroup(
  index: ConditionRuleIndex,
  group: RuleGroup,
  tenant: string,
  epoch: number,
  input: EvalInput,
): ConditionSetRule | undefined {
  // Each userset heads exactly one group of a permission: evaluated at most once, and only if a rule applies.
  let userMatched = false;
  const rules = group.rules;
  for (let i = 0; i < rules.length; i++) {
    const entry = rules[i] as IndexedRule;
    if (entry.tenant !== undefined && entry.tenant !== tenant) continue;
    if (!userMatched) {
      if (group.matches(input) !== Tri.TRUE) return undefined;
      userMatched = true;
    }
    if (result(index, entry.resourceSet, epoch, input) === Tri.TRUE) return entry.rule;
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

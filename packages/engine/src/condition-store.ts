/**
 * The ABAC part of the engine's state: declared user attributes, condition
 * sets (validated and compiled once, at write time) and condition set rules
 * with their permission index. The index is rebuilt after every write to sets
 * or rules and is `undefined` while there are no rules, so a check on a
 * policy without condition rules pays one property read on its deny path.
 */
import type { AttributeType, ConditionSetRule } from '@permissio/core';
import { buildConditionRuleIndex, resolveCatalog } from './conditions/index.js';
import type { CompiledConditionSet, ConditionRuleIndex, ResolvedCatalog } from './conditions/index.js';
import type { ResourceRecord } from './state.js';

export class ConditionStore {
  /** Declared user attributes. */
  readonly userAttributes = new Map<string, AttributeType>();
  /** Condition sets by key. */
  readonly sets = new Map<string, CompiledConditionSet>();
  /** Condition set rules by identity ({@link ruleId}). */
  readonly rules = new Map<string, ConditionSetRule>();
  /** Rules by permission; `undefined` while there are no rules. */
  index: ConditionRuleIndex | undefined;

  /** Rebuilds the rule index (throws `PermissioValidationError` on a rule that no longer fits its sets). */
  reindex(): void {
    this.index = this.rules.size === 0 ? undefined : buildConditionRuleIndex(this.sets.values(), this.rules.values());
  }

  /** The declarations conditions are validated against (tenant attributes are untyped). */
  catalog(resources: ReadonlyMap<string, ResourceRecord>): ResolvedCatalog {
    const resourceTypes = new Map<string, Iterable<{ key: string; type: AttributeType }>>();
    for (const [key, record] of resources) resourceTypes.set(key, record.attributes.values());
    const user = [...this.userAttributes].map(([key, type]) => ({ key, type }));
    return resolveCatalog({ user, resourceTypes });
  }
}

/** The identity of a rule: two rules with the same four fields are the same rule. */
export function ruleId(rule: ConditionSetRule): string {
  return JSON.stringify([rule.userSet, rule.permission, rule.resourceSet, rule.tenant ?? null]);
}

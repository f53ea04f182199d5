/**
 * Attribute conditions (ABAC.md): types, write-time validation, compilation
 * to closures, and the condition-rule index.
 */
export type {
  AttributeCatalog,
  AttributeDeclaration,
  AttributeType,
  AttributeUses,
  Comparison,
  Condition,
  ConditionOperator,
  ConditionSet,
  ConditionSetRule,
  ConditionSetType,
  EvalInput,
  JsonValue,
  Operand,
  OperandRef,
} from './types.js';
export { Tri } from './tri.js';
export type { ConditionEvaluator } from './tri.js';
export { compileCondition, validateCondition } from './api.js';
export type { ConditionScopeInput } from './api.js';
export { compileConditionSet } from './condition-set.js';
export type { CompiledConditionSet } from './condition-set.js';
export { buildConditionRuleIndex, findMatchingRule, validateConditionSetRule } from './rule-index.js';
export type { ConditionRuleIndex } from './rule-index.js';
export { resolveCatalog, BUILTIN_PATHS } from './paths.js';
export type { ResolvedCatalog } from './paths.js';
export { OPERATORS, OPERATORS_BY_TYPE } from './operators.js';
export { parseTime } from '@permissio/core/internal';
export {
  MAX_ARRAY_LENGTH,
  MAX_COMPARISONS,
  MAX_CONDITION_DEPTH,
  MAX_JSON_DEPTH,
  MAX_SET_BYTES,
} from './limits.js';

/**
 * One-call entry points over validation and compilation, for a condition
 * outside a full condition set (tests, tools, the later `plan`).
 */
import { compileIR } from './compile.js';
import { asResolvedCatalog } from './paths.js';
import type { ResolvedCatalog } from './paths.js';
import type { ConditionEvaluator } from './tri.js';
import type { AttributeCatalog, AttributeUses, ConditionSetType, EvalInput } from './types.js';
import { analyzeCondition } from './validate.js';
import type { ConditionScope } from './validate.js';

/** Where a condition sits: its set's key (for messages), kind and resource type, and the declarations. */
export interface ConditionScopeInput {
  setKey: string;
  setType: ConditionSetType;
  /** Required for a resourceset. */
  resourceType?: string;
  catalog: AttributeCatalog | ResolvedCatalog;
}

function scopeOf(input: ConditionScopeInput): ConditionScope {
  const catalog = asResolvedCatalog(input.catalog);
  const scope: ConditionScope = { setKey: input.setKey, setType: input.setType, catalog };
  if (input.resourceType !== undefined) scope.resourceType = input.resourceType;
  return scope;
}

/** Validates `condition` (throws `PermissioValidationError`) and returns the declared attributes it reads. */
export function validateCondition(condition: unknown, scope: ConditionScopeInput): AttributeUses {
  return analyzeCondition(condition, scopeOf(scope)).uses;
}

/** Validates and compiles `condition` into a three-valued evaluator. */
export function compileCondition(condition: unknown, scope: ConditionScopeInput): ConditionEvaluator<EvalInput> {
  return compileIR(analyzeCondition(condition, scopeOf(scope)).ir);
}

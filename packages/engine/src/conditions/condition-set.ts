/**
 * A condition set as written (`{key, name?, type, resourceType?, conditions}`),
 * validated strictly (unknown fields refused, path named) and compiled once.
 */
import { PermissioValidationError } from '@permissio/core';
import { assertKey } from '@permissio/core/internal';
import { compileIR } from './compile.js';
import { discriminatorOf } from './discriminator.js';
import type { Discriminator } from './discriminator.js';
import { cloneJson } from './equality.js';
import type { ConditionIR } from './ir.js';
import { isPlainObject, MAX_SET_BYTES, utf8Length } from './limits.js';
import { asResolvedCatalog } from './paths.js';
import type { ResolvedCatalog } from './paths.js';
import type { ConditionEvaluator } from './tri.js';
import type { AttributeCatalog, AttributeUses, Condition, ConditionSet, EvalInput } from './types.js';
import { analyzeCondition, setLabel } from './validate.js';
import type { ConditionScope } from './validate.js';

/** A validated, compiled condition set. */
export interface CompiledConditionSet {
  /** A private copy of the set as written. */
  readonly set: ConditionSet;
  /** The compiled condition; the set matches an input only on `Tri.TRUE`. */
  readonly evaluate: ConditionEvaluator<EvalInput>;
  /** Declared attributes the condition reads (a delete of one of them must be refused). */
  readonly uses: AttributeUses;
  /** A comparison the set cannot be TRUE without (usersets; lets the rule index skip sets cheaply). */
  readonly discriminator?: Discriminator | undefined;
  /**
   * With a discriminator: the condition compiled without it, for a set the rule index let through on the
   * discriminator's value (the comparison is then TRUE, so the set's value is this one's).
   */
  readonly evaluateRest?: ConditionEvaluator<EvalInput> | undefined;
  /** The validated condition (data filtering partially evaluates it, see plan.ts). */
  readonly ir: ConditionIR;
}

const FIELDS: ReadonlySet<string> = new Set(['key', 'name', 'type', 'resourceType', 'conditions']);

/** Validates and compiles a condition set; throws `PermissioValidationError` naming the set and the path. */
export function compileConditionSet(input: unknown, catalog: AttributeCatalog | ResolvedCatalog): CompiledConditionSet {
  const resolved = asResolvedCatalog(catalog);
  if (!isPlainObject(input)) throw new PermissioValidationError('Invalid condition set: expected an object.');
  try {
    assertKey(input.key, 'key');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PermissioValidationError(`Invalid condition set: ${message}`, { details: { field: 'key' } });
  }
  const key = input.key;
  const label = setLabel(key);
  const fail = (field: string, message: string): never => {
    throw new PermissioValidationError(`Invalid condition set at ${label}.${field}: ${message}.`, {
      details: { conditionSet: key, path: `${label}.${field}` },
    });
  };
  for (const field of Object.keys(input)) {
    if (!FIELDS.has(field)) fail(field, `unknown field; a condition set has ${[...FIELDS].join(', ')}`);
  }
  const { name, type, resourceType, conditions } = input;
  if (name !== undefined && (typeof name !== 'string' || name.length > 256)) {
    fail('name', 'expected a string of at most 256 characters');
  }
  if (type !== 'userset' && type !== 'resourceset') fail('type', 'expected "userset" or "resourceset"');
  if (type === 'userset' && resourceType !== undefined) {
    fail('resourceType', 'a userset has no resourceType (it is required for, and only for, a resourceset)');
  }
  if (type === 'resourceset') {
    if (typeof resourceType !== 'string') fail('resourceType', 'a resourceset names its resource type');
    if (!resolved.resourceTypes.has(resourceType as string)) {
      fail('resourceType', `resource type ${JSON.stringify(resourceType)} does not exist`);
    }
  }
  if (conditions === undefined) fail('conditions', 'required');
  const head = { key, name, type, resourceType };
  const usedBytes = utf8Length(JSON.stringify(head)) + '"conditions":,'.length;
  const scope: ConditionScope = {
    setKey: key,
    setType: type as ConditionSet['type'],
    catalog: resolved,
    usedBytes: Math.min(usedBytes, MAX_SET_BYTES),
  };
  if (typeof resourceType === 'string') scope.resourceType = resourceType;
  const { ir, uses } = analyzeCondition(conditions, scope);
  const set: ConditionSet = { key, type: scope.setType, conditions: cloneJson(conditions) as Condition };
  if (typeof name === 'string') set.name = name;
  if (scope.resourceType !== undefined) set.resourceType = scope.resourceType;
  const discriminator = discriminatorOf(ir);
  const evaluateRest = discriminator === undefined ? undefined : compileIR(ir, discriminator.node);
  return { set, evaluate: compileIR(ir), uses, discriminator, evaluateRest, ir };
}

/**
 * Write-time validation of one condition tree (ABAC.md, "Validation at write
 * time"): limits first (iteratively), then grammar, scope, operator and
 * operand types, producing the {@link ConditionIR} that `compile.ts` turns
 * into closures and the set of declared attributes the condition reads.
 *
 * Every error is a `PermissioValidationError` whose message names the set and
 * the JSON path, e.g. `conditionSets[eng].conditions.allOf[1]["user.dept"].equals`.
 */
import { PermissioValidationError } from '@permissio/core';
import { cloneJson } from './equality.js';
import type { ConditionIR, OperandIR } from './ir.js';
import { checkJsonLimits, checkTreeLimits, isPlainObject, member } from './limits.js';
import type { Fail } from './limits.js';
import { BAD, describeKind, describeValue, valueNormalizer } from './normalize.js';
import { OPERATORS, OPERATORS_BY_TYPE, inferKind, isOperator, literalKind, operandNeed, refFits } from './operators.js';
import type { OperandNeed, ValueKind } from './operators.js';
import { parsePath } from './paths.js';
import type { PathInfo, ResolvedCatalog } from './paths.js';
import type { ConditionSetType } from './types.js';

/** Where a condition sits and what it may read. */
export interface ConditionScope {
  /** The condition set's key (named in messages). */
  setKey: string;
  setType: ConditionSetType;
  /** The resourceset's resource type. */
  resourceType?: string;
  catalog: ResolvedCatalog;
  /** JSON size already used by the rest of the set (for the 16 KB limit). */
  usedBytes?: number;
  /** Message prefix of the condition root; default `conditionSets[<key>].conditions`. */
  at?: string;
}

/** Declared attribute keys read by a condition, by owner. */
export interface MutableUses {
  user: Set<string>;
  resource: Set<string>;
  tenant: Set<string>;
}

/** Validates `condition`; returns its IR and the declared attributes it reads. Throws `PermissioValidationError`. */
export function analyzeCondition(condition: unknown, scope: ConditionScope): { ir: ConditionIR; uses: MutableUses } {
  const at = scope.at ?? `${setLabel(scope.setKey)}.conditions`;
  const fail: Fail = (path, message) => {
    throw new PermissioValidationError(`Invalid condition at ${at}${path}: ${message}.`, {
      details: { conditionSet: scope.setKey, path: `${at}${path}` },
    });
  };
  checkTreeLimits(condition, fail);
  checkJsonLimits(condition, MAX_BUDGET - (scope.usedBytes ?? 0), fail);
  const uses: MutableUses = { user: new Set(), resource: new Set(), tenant: new Set() };
  const ir = new Validator(scope, fail, uses).node(condition, '');
  return { ir, uses };
}

const MAX_BUDGET = 16 * 1024;

/** `conditionSets[eng]`, quoting keys that are not plain words. */
export function setLabel(key: string): string {
  return /^[\w.:@-]+$/.test(key) ? `conditionSets[${key}]` : `conditionSets[${JSON.stringify(key)}]`;
}

class Validator {
  constructor(
    private readonly scope: ConditionScope,
    private readonly fail: Fail,
    private readonly uses: MutableUses,
  ) {}

  node(node: unknown, path: string): ConditionIR {
    if (!isPlainObject(node)) {
      this.fail(
        path,
        `expected a condition object ({allOf}, {anyOf}, {not} or {"<path>": {"<operator>": operand}}), got ${describeValue(node)}`,
      );
    }
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      this.fail(
        path,
        `a condition has exactly one key (allOf, anyOf, not or a path), got ${keys.length === 0 ? 'none' : keys.map((k) => JSON.stringify(k)).join(', ')}`,
      );
    }
    const key = keys[0] as string;
    const value = node[key];
    if (key === 'allOf' || key === 'anyOf') {
      if (!Array.isArray(value)) this.fail(member(path, key), `${key} takes an array of conditions`);
      return { kind: key, children: value.map((child, i) => this.node(child, `${path}.${key}[${i}]`)) };
    }
    if (key === 'not') return { kind: 'not', child: this.node(value, `${path}.not`) };
    return this.comparison(key, value, member(path, key));
  }

  private comparison(pathText: string, body: unknown, at: string): ConditionIR {
    const path = this.path(pathText, at, false);
    if (!isPlainObject(body)) {
      this.fail(at, `a comparison is {"<operator>": operand}, got ${describeValue(body)}`);
    }
    const ops = Object.keys(body);
    if (ops.length !== 1) {
      this.fail(
        at,
        `a comparison has exactly one operator, got ${ops.length === 0 ? 'none' : ops.map((k) => JSON.stringify(k)).join(', ')}`,
      );
    }
    const opText = ops[0] as string;
    const opAt = member(at, opText);
    if (!isOperator(opText)) {
      this.fail(opAt, `unknown operator ${JSON.stringify(opText)}; use one of ${OPERATORS.join(', ')}`);
    }
    const operand = body[opText];
    if (opText === 'exists') {
      if (typeof operand !== 'boolean') this.fail(opAt, `exists takes true or false, got ${describeValue(operand)}`);
      return { kind: 'exists', path, value: operand };
    }
    const ref = refOf(operand);
    if (ref === BAD) this.fail(`${opAt}.ref`, 'ref takes a path string, e.g. {"ref": "user.key"}');
    const refPath = ref === undefined ? undefined : this.path(ref, `${opAt}.ref`, true);
    // The kind compared: the declared type, or (untyped path) taken from the operand.
    let kind: ValueKind;
    if (path.type !== undefined) kind = path.type;
    else {
      const operandType = refPath === undefined ? literalKind(operand) : refPath.type;
      if (operandType === undefined) {
        this.fail(
          opAt,
          refPath === undefined
            ? `${describeValue(operand)} is not a valid operand; use exists to test for presence`
            : `${path.text} and ${refPath.text} are both untyped; compare one of them with a literal or a declared attribute`,
        );
      }
      const inferred = inferKind(opText, operandType);
      if (!OPERATORS_BY_TYPE.has(inferred as ValueKind)) this.fail(opAt, inferred);
      kind = inferred as ValueKind;
    }
    if (OPERATORS_BY_TYPE.get(kind)?.has(opText) !== true) {
      const allowed = [...(OPERATORS_BY_TYPE.get(kind) ?? [])].join(', ');
      this.fail(opAt, `operator ${opText} is not defined for ${this.typeWords(path, kind)}; use one of ${allowed}`);
    }
    const need = operandNeed(opText, kind);
    let operandIR: OperandIR;
    if (refPath !== undefined) {
      if (refPath.type !== undefined && !refFits(need, kind, refPath.type)) {
        this.fail(
          `${opAt}.ref`,
          `${refPath.text} is of type ${refPath.type}, but ${opText} on ${this.typeWords(path, kind)} needs ${needWords(need, kind)}`,
        );
      }
      operandIR = { kind: 'ref', path: refPath };
    } else {
      operandIR = { kind: 'literal', value: this.literal(operand, need, kind, opAt, path, opText) };
    }
    return { kind: 'compare', path, op: opText, valueKind: kind, operand: operandIR };
  }

  /** Parses a path, checks it is allowed in this set, records declared attributes. */
  private path(text: string, at: string, asRef: boolean): PathInfo {
    const { scope } = this;
    const root = text.split('.', 1)[0];
    if (scope.setType === 'userset' && root === 'resource') {
      this.fail(at, `a userset cannot read ${text}: it may use user.*, tenant.* and context.*`);
    }
    if (scope.setType === 'resourceset' && !asRef && (root === 'user' || root === 'tenant')) {
      this.fail(
        at,
        `a resourceset compares resource.* and context.*; ${text} may only appear as an operand {"ref": "${text}"}`,
      );
    }
    const parsed = parsePath(text, scope.catalog, scope.setType === 'resourceset' ? scope.resourceType : undefined);
    if (typeof parsed === 'string') this.fail(at, parsed);
    if (!parsed.builtin && parsed.type !== undefined && parsed.root !== 'context')
      this.uses[parsed.root].add(parsed.name);
    return parsed;
  }

  private literal(
    operand: unknown,
    need: OperandNeed,
    kind: ValueKind,
    at: string,
    path: PathInfo,
    op: string,
  ): unknown {
    const wrong = (where: string, got: unknown, wanted: string): never =>
      this.fail(where, `${op} on ${this.typeWords(path, kind)} needs ${wanted}, got ${describeValue(got)}`);
    switch (need) {
      case 'same': {
        const value = valueNormalizer(kind)(operand);
        if (value === BAD) wrong(at, operand, describeKind(kind));
        if (kind === 'array') return scalars(operand as unknown[], at, wrong);
        return kind === 'json' || kind === 'object' ? cloneJson(operand) : value;
      }
      case 'elements': {
        if (!Array.isArray(operand)) wrong(at, operand, `an array of ${describeKind(kind)} values`);
        const normalize = valueNormalizer(kind);
        const set = new Set<unknown>();
        (operand as unknown[]).forEach((element, i) => {
          const value = normalize(element);
          if (value === BAD) wrong(`${at}[${i}]`, element, describeKind(kind));
          set.add(value);
        });
        return set;
      }
      case 'array':
        if (!Array.isArray(operand)) wrong(at, operand, 'an array of JSON scalars');
        return new Set(scalars(operand as unknown[], at, wrong));
      case 'element':
        return scalarOrFail(operand, at, wrong);
      default:
        if (typeof operand !== 'string') wrong(at, operand, 'a string');
        return operand;
    }
  }

  private typeWords(path: PathInfo, kind: ValueKind): string {
    if (path.type !== undefined) return `${path.text} (type ${path.type})`;
    return `${path.text} (untyped, compared as ${kind})`;
  }
}

function scalarOrFail(
  value: unknown,
  at: string,
  wrong: (where: string, got: unknown, wanted: string) => never,
): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  return wrong(at, value, 'a JSON scalar (string, number or boolean)');
}

function scalars(
  list: unknown[],
  at: string,
  wrong: (where: string, got: unknown, wanted: string) => never,
): unknown[] {
  return list.map((element, i) => scalarOrFail(element, `${at}[${i}]`, wrong));
}

/** The path of a `{ref: "<path>"}` operand (exactly that one key); `BAD` when it is not a string; else undefined. */
function refOf(operand: unknown): string | typeof BAD | undefined {
  if (!isPlainObject(operand)) return undefined;
  const keys = Object.keys(operand);
  if (keys.length !== 1 || keys[0] !== 'ref') return undefined;
  const ref = operand.ref;
  return typeof ref === 'string' ? ref : BAD;
}

function needWords(need: OperandNeed, kind: ValueKind): string {
  switch (need) {
    case 'same':
      return `a ${kind} path`;
    case 'elements':
    case 'array':
      return 'an array path';
    case 'element':
      return 'a string, number or bool path';
    default:
      return 'a string path';
  }
}

/**
 * A userset's discriminator: a comparison that must be TRUE for the whole
 * condition to be TRUE (the root, or a child of a root `allOf`) and that is an
 * `equals` / `in` of a string, number or boolean literal. The rule index
 * reads the discriminator's path once per check and skips every userset whose
 * discriminating values do not contain it, without evaluating it. A pure
 * filter: it never changes an answer, only avoids work.
 */
import type { ConditionIR } from './ir.js';
import type { EvalInput } from './types.js';

export interface Discriminator {
  /** The path text (discriminators on one path share one read per check). */
  readonly path: string;
  readonly get: (input: EvalInput) => unknown;
  /** The set can be TRUE only when the path's value is one of these (SameValueZero). */
  readonly values: ReadonlySet<unknown>;
  /** The comparison itself: TRUE exactly when the path's value is one of `values`. */
  readonly node: ConditionIR;
}

export function discriminatorOf(ir: ConditionIR): Discriminator | undefined {
  if (ir.kind === 'allOf') {
    for (const child of ir.children) {
      const found = discriminatorOf(child);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (ir.kind !== 'compare' || ir.operand.kind !== 'literal') return undefined;
  const { valueKind: kind, op } = ir;
  if (kind !== 'string' && kind !== 'number' && kind !== 'bool' && kind !== 'scalar') return undefined;
  if (op === 'equals') return { path: ir.path.text, get: ir.path.get, values: new Set([ir.operand.value]), node: ir };
  if (op === 'in') {
    return { path: ir.path.text, get: ir.path.get, values: ir.operand.value as ReadonlySet<unknown>, node: ir };
  }
  return undefined;
}

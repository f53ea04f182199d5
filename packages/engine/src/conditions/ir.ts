/** The validated form of a condition, between validation and compilation. */
import type { ValueKind } from './operators.js';
import type { PathInfo } from './paths.js';
import type { ConditionOperator } from './types.js';

export type OperandIR =
  /** A literal in comparable form: a scalar, epoch ms for times, a `Set` for `in`/`contains-any`/`contains-all`. */
  { readonly kind: 'literal'; readonly value: unknown } | { readonly kind: 'ref'; readonly path: PathInfo };

export type ConditionIR =
  | { readonly kind: 'allOf' | 'anyOf'; readonly children: readonly ConditionIR[] }
  | { readonly kind: 'not'; readonly child: ConditionIR }
  | { readonly kind: 'exists'; readonly path: PathInfo; readonly value: boolean }
  | {
      readonly kind: 'compare';
      readonly path: PathInfo;
      readonly op: Exclude<ConditionOperator, 'exists'>;
      /** What the value must be (else UNKNOWN). */
      readonly valueKind: ValueKind;
      readonly operand: OperandIR;
    };

/** The error `toPredicate`, `toSql` and `toDrizzle` throw when a plan cannot be compiled. */
import { PermissioValidationError } from '@permissio/core';

/**
 * A plan that cannot be turned into a filter: a field with no column, an
 * operator the field's type does not support in SQL, or a malformed plan.
 * `field` names the field (when one is at fault). Thrown at compile time,
 * never while filtering rows: nothing is ever selected by an error.
 */
export class PermissioFilterError extends PermissioValidationError {
  override name = 'PermissioFilterError';
  /** The plan field at fault, if any. */
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super(message, { code: 'FILTER_ERROR', details: field === undefined ? undefined : { field } });
    this.field = field;
  }
}

/**
 * `@permissio/filter`: turn a Permissio plan (`permissio.plan(user, action,
 * type)`) into an in-memory predicate or a SQL WHERE fragment, so list
 * endpoints return exactly what item checks allow.
 */
export { toPredicate } from './predicate.js';
export type { ResourceRow } from './predicate.js';
export { toSql } from './sql.js';
export type { ColumnMap, Dialect, SqlFilter, ToSqlOptions } from './sql.js';
export { PermissioFilterError } from './errors.js';
export type { Filter, FilterComparison, FilterOp, ResourcePlan } from '@permissio/core';

/**
 * `GET /documents` with Drizzle: the shared `documents` table (see
 * examples/shared/documents.ts) as a Drizzle table, and the list query with
 * the request scope's plans compiled by `toDrizzle` — one plan per tenant
 * that owns documents, each joined to `tenant = t`.
 */
import { and, asc, eq, getTableColumns, or } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { toDrizzle, type DrizzleColumnMap } from '@permissio/filter/drizzle';
import { DOCUMENT_COLUMNS, type DocumentStore, type DocumentSummary } from '@permissio/example-shared/documents';
import { tenantPlans, type ListQuery, type Planner } from '@permissio/example-shared/list';

/** The store's table, as Drizzle sees it (the store creates and seeds it). */
export const documentsTable = sqliteTable('documents', {
  id: text('id').primaryKey(),
  tenant: text('tenant').notNull(),
  projectId: text('project_id').notNull(),
  uri: text('uri').notNull(),
  ownerId: text('owner_id').notNull(),
  classification: text('classification').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  sharedWith: text('shared_with').notNull(),
});

/** Plan field → Drizzle column, from the shared field → column-name map (one mapping for all four examples). */
export const DRIZZLE_COLUMNS: DrizzleColumnMap = (() => {
  const byName = new Map(Object.values(getTableColumns(documentsTable)).map((column) => [column.name, column]));
  return Object.fromEntries(
    Object.entries(DOCUMENT_COLUMNS).map(([field, name]) => {
      const column = byName.get(name);
      if (column === undefined) throw new Error(`documentsTable has no column ${name} (field ${field}).`);
      return [field, column];
    }),
  );
})();

/**
 * The documents the planner's user may read, as summaries ordered by id:
 * `WHERE (tenant = ? AND <toDrizzle(plan)>) OR … [AND project_id = ?]`.
 */
export async function listDocumentsWithDrizzle(
  planner: Planner,
  store: DocumentStore,
  db: BetterSQLite3Database,
  query: ListQuery = {},
): Promise<DocumentSummary[]> {
  const plans = await tenantPlans(planner, store.tenants());
  if (plans.length === 0) return [];
  const visible = or(
    ...plans.map(({ tenant, plan }) => and(eq(documentsTable.tenant, tenant), toDrizzle(plan, DRIZZLE_COLUMNS))),
  );
  const where = query.projectId === undefined ? visible : and(visible, eq(documentsTable.projectId, query.projectId));
  return db
    .select({ id: documentsTable.id, title: documentsTable.title, projectId: documentsTable.projectId })
    .from(documentsTable)
    .where(where)
    .orderBy(asc(documentsTable.id))
    .all();
}

/**
 * `GET /documents`, the part every framework shares: the plans of the
 * request scope turned into one SQL query (`toSql`, SQLite dialect), the query
 * string, and the 401 answer.
 *
 * The list returns exactly the documents `GET /documents/:id` allows. The item
 * check runs in the document's own tenant, so the list asks one plan per
 * tenant that owns documents (`scope.plan('read', 'document', {tenant})`,
 * memoised per request) and selects `tenant = t AND <plan of t>` for each:
 * a tenant role gives every document of that tenant, instance roles their
 * ids, URI roles the documents below the URI, condition rules their condition
 * on `owner_id` / `classification` with the user's claims filled in. A plan is
 * for one tenant, so the tenant test is the app's, here.
 */
import { PermissioError, type PlanOptions, type ResourcePlan } from '@permissio/core';
import { toSql } from '@permissio/filter';
import { DOCUMENT_COLUMNS, type DocumentStore, type DocumentSummary } from './documents.js';

/** What the list needs of the request scope: `RequestScope` (all four adapters expose one) has it. */
export interface Planner {
  plan(action: string, resourceType: string, options?: PlanOptions): Promise<ResourcePlan>;
}

/** The action and type `GET /documents` lists (the same question `GET /documents/:id` asks). */
export const LIST_ACTION = 'read';
export const LIST_TYPE = 'document';

/** One tenant's plan; `never` plans are left out. */
export interface TenantPlan {
  readonly tenant: string;
  readonly plan: ResourcePlan;
}

/** The plans of every tenant in `tenants` that may select something, asked together. */
export async function tenantPlans(planner: Planner, tenants: readonly string[]): Promise<TenantPlan[]> {
  const plans = await Promise.all(tenants.map((tenant) => planner.plan(LIST_ACTION, LIST_TYPE, { tenant })));
  return tenants
    .map((tenant, i) => ({ tenant, plan: plans[i] as ResourcePlan }))
    .filter(({ plan }) => plan.kind !== 'never');
}

/** The query string `GET /documents` understands. */
export interface ListQuery {
  /** Only documents of this project (narrows the list, never widens it). */
  readonly projectId?: string;
}

const LIST_PARAMETERS = new Set(['projectId']);

/**
 * Parses the query string of `GET /documents` (from the request URL, so every
 * framework reads it the same way). Answers an error message for anything but
 * at most one non-empty `projectId` of ≤ 100 characters.
 */
export function parseListQuery(url: string): ListQuery | { error: string } {
  const params = new URL(url, 'http://localhost').searchParams;
  for (const name of params.keys()) {
    if (!LIST_PARAMETERS.has(name)) {
      return { error: `Unknown query parameter ${JSON.stringify(name)}: GET /documents accepts only projectId.` };
    }
  }
  const projectIds = params.getAll('projectId');
  if (projectIds.length === 0) return {};
  const projectId = projectIds[0] as string;
  if (projectIds.length > 1 || projectId === '' || projectId.length > 100) {
    return { error: 'projectId must be given once, as 1 to 100 characters.' };
  }
  return { projectId };
}

/**
 * The documents the scope's user may read, as summaries ordered by id:
 * `SELECT … WHERE (tenant = ? AND <plan>) OR … [AND project_id = ?]`, every
 * value a bound parameter.
 */
export async function listDocuments(
  planner: Planner,
  store: DocumentStore,
  query: ListQuery = {},
): Promise<DocumentSummary[]> {
  const plans = await tenantPlans(planner, store.tenants());
  if (plans.length === 0) return [];
  const params: unknown[] = [];
  const perTenant = plans.map(({ tenant, plan }) => {
    const filter = toSql(plan, { dialect: 'sqlite', columns: DOCUMENT_COLUMNS });
    params.push(tenant, ...filter.params);
    return `("tenant" = ? AND ${filter.sql})`;
  });
  let where = `(${perTenant.join(' OR ')})`;
  if (query.projectId !== undefined) {
    where += ' AND "project_id" = ?';
    params.push(query.projectId);
  }
  return store.summaries(where, params);
}

/** Media type of the problem bodies below (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The 401 body of the list route (the adapters' own 401 body). */
export const UNAUTHENTICATED_PROBLEM = {
  type: 'about:blank',
  title: 'Unauthorized',
  status: 401,
  detail: 'Authentication is required.',
} as const;

/** The 503 body of the list route when the PDP fails (the adapters' own answer to a PDP failure). */
export const UNAVAILABLE_PROBLEM = {
  type: 'about:blank',
  title: 'Service Unavailable',
  status: 503,
  detail: 'Authorization is temporarily unavailable.',
} as const;

/** Lists the documents of a planner's user (SQL with `listDocuments`, or the Hono example's Drizzle query). */
export type Lister = (planner: Planner, query: ListQuery) => Promise<DocumentSummary[]>;

/** What `GET /documents` answers; each framework only writes it out. */
export interface ListAnswer {
  readonly status: 200 | 400 | 401 | 503;
  readonly contentType: string;
  readonly body: unknown;
}

/**
 * The whole `GET /documents`: 401 without a user (no planner, the PDP is not
 * asked), 400 for a query string it does not take, 503 when the PDP fails
 * (never a list: fail closed), else 200 `{documents}`. Errors that are not
 * the PDP's (a bug, a broken database) are thrown to the framework.
 *
 * @param planner the request scope, or undefined when the request has no valid token
 * @param url the request target, path and query string
 */
export async function answerList(planner: Planner | undefined, url: string, list: Lister): Promise<ListAnswer> {
  if (planner === undefined) return { status: 401, contentType: PROBLEM_CONTENT_TYPE, body: UNAUTHENTICATED_PROBLEM };
  const query = parseListQuery(url);
  if ('error' in query) return { status: 400, contentType: 'application/json', body: query };
  try {
    return { status: 200, contentType: 'application/json', body: { documents: await list(planner, query) } };
  } catch (error) {
    if (error instanceof PermissioError) {
      return { status: 503, contentType: PROBLEM_CONTENT_TYPE, body: UNAVAILABLE_PROBLEM };
    }
    throw error;
  }
}

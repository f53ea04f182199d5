/** Small helpers shared by the route files. */
import type { ListParams } from '@permissio/core';
import * as S from '../schemas.js';
import type { Answer, RouteContext } from './types.js';

/** Prefix of every scoped route. */
export const P = '/v1/projects/{projectId}/environments/{environmentId}';

export const ok = (body: unknown): Answer => ({ status: 200, body });
export const created = (body: unknown): Answer => ({ status: 201, body });
export const noContent: Answer = { status: 204 };

/** Query → `ListParams`, leaving out what was not given. */
export function listParams(query: Record<string, unknown>): ListParams {
  const out: ListParams = {};
  if (typeof query.page === 'number') out.page = query.page;
  if (typeof query.perPage === 'number') out.perPage = query.perPage;
  if (typeof query.search === 'string') out.search = query.search;
  return out;
}

export function param(ctx: RouteContext, name: string): string {
  return ctx.params[name] as string;
}

/** Schema of a key path parameter. */
export const keyParam = S.keySchema;

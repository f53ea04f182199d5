/**
 * List paging (docs/MODEL.md, "Lists"): `page` 1-based (default 1), `perPage` default
 * 10 and at most 100, `search` a case-insensitive substring of key or name,
 * results ordered by key.
 */
import type { Page } from '@permissio/core';
import { invalid } from './values.js';

export const DEFAULT_PER_PAGE = 10;
export const MAX_PER_PAGE = 100;

export interface PageRequest {
  page: number;
  perPage: number;
}

/** Validates `page`/`perPage` (positive integers, perPage ≤ 100). */
export function pageRequest(params: { page?: unknown; perPage?: unknown } | undefined): PageRequest {
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    throw invalid('Invalid list parameters: expected an object.');
  }
  const page = params?.page ?? 1;
  const perPage = params?.perPage ?? DEFAULT_PER_PAGE;
  if (typeof page !== 'number' || !Number.isInteger(page) || page < 1) {
    throw invalid(`Invalid page ${String(page)}: use an integer ≥ 1.`, { field: 'page' });
  }
  if (typeof perPage !== 'number' || !Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw invalid(`Invalid perPage ${String(perPage)}: use an integer from 1 to ${MAX_PER_PAGE}.`, {
      field: 'perPage',
    });
  }
  return { page, perPage };
}

/** Validates `search`; returns its lower-case form, or `undefined` for none. */
export function searchTerm(params: { search?: unknown } | undefined): string | undefined {
  const search = params?.search;
  if (search === undefined || search === null || search === '') return undefined;
  if (typeof search !== 'string') throw invalid('Invalid search: expected a string.', { field: 'search' });
  return search.toLowerCase();
}

/** `true` iff one of `fields` contains `term` (already lower-case), ignoring case. */
export function matchesSearch(term: string | undefined, ...fields: (string | undefined)[]): boolean {
  if (term === undefined) return true;
  for (const field of fields) if (field?.toLowerCase().includes(term)) return true;
  return false;
}

/** Slices an already filtered and ordered list into a page. */
export function paginate<T>(items: readonly T[], { page, perPage }: PageRequest): Page<T> {
  const start = (page - 1) * perPage;
  return { data: items.slice(start, start + perPage), page, perPage, total: items.length };
}

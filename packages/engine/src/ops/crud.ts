/**
 * The list/get/create/update/delete/sync block every keyed entity shares
 * (users, tenants, roles, resource types): each write applies through the
 * entity's own function, then reports `<group>.<method>` with the caller's
 * arguments; reads copy records out. Lists filter by `search` over the
 * entity's searchable fields, order by key and page.
 */
import type { ListParams, Page } from '@permissio/core';
import { compareKeys } from '../closure.js';
import type { EngineChange } from '../events.js';
import { matchesSearch, pageRequest, paginate, searchTerm } from '../pagination.js';
import type { State } from '../state.js';
import type { Host } from './host.js';

/** What one entity contributes to {@link crudOperations}. */
export interface CrudSpec<R extends { key: string }, Out, Create, Update, Sync> {
  /** Operation group, the prefix of the reported change (`users.create` …). */
  group: 'users' | 'tenants' | 'roles' | 'resources';
  records(state: State): ReadonlyMap<string, R>;
  /** The fields `search` matches (case-insensitive substring). */
  searchable(record: R): (string | undefined)[];
  out(record: R): Out;
  get(state: State, key: string): R;
  create(state: State, input: Create): R;
  update(state: State, key: string, update: Update): R;
  remove(state: State, key: string): void;
  sync(state: State, key: string, input: Sync): R;
}

export interface CrudOperations<Out, Create, Update, Sync> {
  list(params?: ListParams): Promise<Page<Out>>;
  get(key: string): Promise<Out>;
  create(input: Create): Promise<Out>;
  update(key: string, update: Update): Promise<Out>;
  delete(key: string): Promise<void>;
  sync(key: string, input: Sync): Promise<Out>;
}

export function crudOperations<R extends { key: string }, Out, Create, Update, Sync>(
  host: Host,
  spec: CrudSpec<R, Out, Create, Update, Sync>,
): CrudOperations<Out, Create, Update, Sync> {
  const emit = (method: string, args: unknown[]): void =>
    host.emit({ op: `${spec.group}.${method}`, args } as EngineChange);
  return {
    async list(params) {
      const request = pageRequest(params);
      const term = searchTerm(params);
      const items = [...spec.records(host.state).values()]
        .filter((record) => matchesSearch(term, ...spec.searchable(record)))
        .sort((a, b) => compareKeys(a.key, b.key));
      const page = paginate(items, request);
      return { ...page, data: page.data.map((record) => spec.out(record)) };
    },
    async get(key) {
      return spec.out(spec.get(host.state, key));
    },
    async create(input) {
      const record = spec.create(host.state, input);
      emit('create', [input]);
      return spec.out(record);
    },
    async update(key, update) {
      const record = spec.update(host.state, key, update);
      emit('update', [key, update]);
      return spec.out(record);
    },
    async delete(key) {
      spec.remove(host.state, key);
      emit('delete', [key]);
    },
    async sync(key, input) {
      const record = spec.sync(host.state, key, input);
      emit('sync', [key, input]);
      return spec.out(record);
    },
  };
}

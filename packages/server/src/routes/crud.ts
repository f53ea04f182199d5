/** The standard CRUD route set (list, create, get, update, sync, delete) of one entity. */
import * as S from '../schemas.js';
import type { JsonSchema } from '../schemas.js';
import { created, keyParam, listParams, noContent, ok, P, param } from './shared.js';
import type { RouteDef } from './types.js';

/** The standard CRUD routes of users, tenants, roles and resource types. */
export function crud(options: {
  segment: string;
  ns: 'users' | 'tenants' | 'roles' | 'resources';
  noun: string;
  tag: string;
  entity: JsonSchema;
  page: JsonSchema;
  create: JsonSchema;
  update: JsonSchema;
  sync: JsonSchema;
}): RouteDef[] {
  const { segment, ns, noun, tag } = options;
  const base = `${P}/${segment}`;
  const one = `${base}/{key}`;
  const common = { tag, auth: true, scoped: true, rateClass: 'management' as const };
  return [
    {
      ...common,
      method: 'GET',
      path: base,
      operationId: `${ns}.list`,
      summary: `List ${noun}s (paged, searchable)`,
      querystring: S.listQuerySchema,
      responses: { 200: { description: `A page of ${noun}s`, schema: options.page } },
      handler: async (ctx) => ok(await ctx.pdp()[ns].list(listParams(ctx.query))),
    },
    {
      ...common,
      method: 'POST',
      path: base,
      operationId: `${ns}.create`,
      summary: `Create a ${noun} (409 if it exists)`,
      body: options.create,
      responses: { 201: { description: `The created ${noun}`, schema: options.entity } },
      handler: async (ctx) => created(await ctx.write((tx) => tx.call(`${ns}.create`, ctx.body))),
    },
    {
      ...common,
      method: 'GET',
      path: one,
      operationId: `${ns}.get`,
      summary: `Get a ${noun}`,
      params: { key: keyParam },
      responses: { 200: { description: `The ${noun}`, schema: options.entity } },
      handler: async (ctx) => ok(await ctx.pdp()[ns].get(param(ctx, 'key'))),
    },
    {
      ...common,
      method: 'PATCH',
      path: one,
      operationId: `${ns}.update`,
      summary: `Update a ${noun} (404 if missing)`,
      params: { key: keyParam },
      body: options.update,
      responses: { 200: { description: `The updated ${noun}`, schema: options.entity } },
      handler: async (ctx) => ok(await ctx.write((tx) => tx.call(`${ns}.update`, param(ctx, 'key'), ctx.body))),
    },
    {
      ...common,
      method: 'PUT',
      path: one,
      operationId: `${ns}.sync`,
      summary: `Create or update a ${noun} (upsert)`,
      params: { key: keyParam },
      body: options.sync,
      responses: { 200: { description: `The ${noun}`, schema: options.entity } },
      handler: async (ctx) => ok(await ctx.write((tx) => tx.call(`${ns}.sync`, param(ctx, 'key'), ctx.body))),
    },
    {
      ...common,
      method: 'DELETE',
      path: one,
      operationId: `${ns}.delete`,
      summary: `Delete a ${noun} (idempotent)`,
      params: { key: keyParam },
      responses: { 204: { description: 'Deleted (or did not exist)' } },
      handler: async (ctx) => {
        await ctx.write((tx) => tx.call(`${ns}.delete`, param(ctx, 'key')));
        return noContent;
      },
    },
  ];
}

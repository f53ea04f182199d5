/** Resource type routes: CRUD, actions and attributes. */
import type { Pdp } from '@permissio/core';
import * as S from '../schemas.js';
import type { JsonSchema } from '../schemas.js';
import { crud } from './crud.js';
import { created, keyParam, noContent, ok, P, param } from './shared.js';
import type { RouteDef } from './types.js';

/** List, add (409 if it exists) and delete of a resource type's actions or attributes. */
function resourceParts(options: {
  segment: 'actions' | 'attributes';
  /** Singular noun, e.g. `action`. */
  part: string;
  /** Suffix of the operation names: `resources.list${op}s`, `create${op}`, `delete${op}`. */
  op: 'Action' | 'Attribute';
  /** Path parameter naming one part. */
  itemParam: string;
  item: JsonSchema;
  create: JsonSchema;
  deleteSummary: string;
  list: (pdp: Pdp, type: string) => Promise<unknown>;
}): RouteDef[] {
  const { segment, part, op, itemParam } = options;
  const base = `${P}/resources/{type}/${segment}`;
  const plural = `${part[0]?.toUpperCase()}${part.slice(1)}s`;
  const common = { tag: 'resources', auth: true, scoped: true, rateClass: 'management' as const };
  return [
    {
      ...common,
      method: 'GET',
      path: base,
      operationId: `resources.list${op}s`,
      summary: `${plural} of a resource type`,
      params: { type: keyParam },
      responses: { 200: { description: plural, schema: { type: 'array', items: options.item } } },
      handler: async (ctx) => ok(await options.list(ctx.pdp(), param(ctx, 'type'))),
    },
    {
      ...common,
      method: 'POST',
      path: base,
      operationId: `resources.create${op}`,
      summary: `Add an ${part} to a resource type (409 if it exists)`,
      params: { type: keyParam },
      body: options.create,
      responses: { 201: { description: `The ${part}`, schema: options.item } },
      handler: async (ctx) =>
        created(await ctx.write((tx) => tx.call(`resources.create${op}`, param(ctx, 'type'), ctx.body))),
    },
    {
      ...common,
      method: 'DELETE',
      path: `${base}/{${itemParam}}`,
      operationId: `resources.delete${op}`,
      summary: options.deleteSummary,
      params: { type: keyParam, [itemParam]: keyParam },
      responses: { 204: { description: 'Deleted' } },
      handler: async (ctx) => {
        await ctx.write((tx) => tx.call(`resources.delete${op}`, param(ctx, 'type'), param(ctx, itemParam)));
        return noContent;
      },
    },
  ];
}

/** Every route of the API, in document order. */

/** Routes tagged `resources`, in document order. */
export const resourceRoutes: readonly RouteDef[] = [
  ...crud({
    segment: 'resources',
    ns: 'resources',
    noun: 'resource type',
    tag: 'resources',
    entity: S.resourceTypeSchema,
    page: S.resourceTypePageSchema,
    create: S.resourceTypeCreateSchema,
    update: S.resourceTypeUpdateSchema,
    sync: S.resourceTypeUpdateSchema,
  }),
  ...resourceParts({
    segment: 'actions',
    part: 'action',
    op: 'Action',
    itemParam: 'action',
    item: S.resourceActionSchema,
    create: S.resourceActionCreateSchema,
    deleteSummary: 'Delete an action (and the permission from every role)',
    list: (pdp, type) => pdp.resources.listActions(type),
  }),
  ...resourceParts({
    segment: 'attributes',
    part: 'attribute',
    op: 'Attribute',
    itemParam: 'key',
    item: S.resourceAttributeSchema,
    create: S.resourceAttributeCreateSchema,
    deleteSummary: 'Delete an attribute',
    list: (pdp, type) => pdp.resources.listAttributes(type),
  }),
];

/**
 * ABAC management routes (docs/REST.md): declared user attributes, condition
 * sets and condition set rules. Every write goes through `ctx.write`
 * (journaled, durable); the engine validates and compiles condition trees,
 * and its 422 names the set and the JSON path.
 */
import {
  PermissioError,
  type ConditionSetRuleFilter,
  type ConditionSetRulesOperations,
  type ConditionSetsOperations,
  type Pdp,
} from '@permissio/core';
import * as S from '../schemas.js';
import { created, keyParam, listParams, noContent, ok, P, param } from './shared.js';
import type { RouteDef } from './types.js';

const common = { auth: true, scoped: true, rateClass: 'management' as const };

/** The scope's engine lacks an ABAC group (a custom `createPdp`): a 500 whose cause the server logs. */
function unsupported(what: string): never {
  throw new PermissioError(`This server's engine does not support ${what}.`, { code: 'NOT_SUPPORTED' });
}

function sets(pdp: Pdp): ConditionSetsOperations {
  return pdp.conditionSets ?? unsupported('condition sets');
}

function rules(pdp: Pdp): ConditionSetRulesOperations {
  return pdp.conditionSetRules ?? unsupported('condition set rules');
}

/** `GET P/condition_set_rules` query → the engine's filter, leaving out what was not given. */
function ruleFilter(query: Record<string, unknown>): ConditionSetRuleFilter & { page?: number; perPage?: number } {
  const { page, perPage } = listParams(query);
  const out: ConditionSetRuleFilter & { page?: number; perPage?: number } = {};
  if (page !== undefined) out.page = page;
  if (perPage !== undefined) out.perPage = perPage;
  for (const name of ['userSet', 'resourceSet', 'permission'] as const) {
    const value = query[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** `P/user_attributes`: the user attributes conditions may read (`user.<key>`). */
const userAttributeRoutes: RouteDef[] = [
  {
    ...common,
    tag: 'users',
    method: 'GET',
    path: `${P}/user_attributes`,
    operationId: 'users.listAttributes',
    summary: 'Declared user attributes, by key',
    responses: {
      200: { description: 'Declared user attributes', schema: { type: 'array', items: S.userAttributeSchema } },
    },
    handler: async (ctx) => ok(await ctx.pdp().users.listAttributes()),
  },
  {
    ...common,
    tag: 'users',
    method: 'POST',
    path: `${P}/user_attributes`,
    operationId: 'users.createAttribute',
    summary: 'Declare a user attribute (409 if it exists)',
    body: S.userAttributeCreateSchema,
    responses: { 201: { description: 'The declared attribute', schema: S.userAttributeSchema } },
    handler: async (ctx) => created(await ctx.write((tx) => tx.call('users.createAttribute', ctx.body))),
  },
  {
    ...common,
    tag: 'users',
    method: 'DELETE',
    path: `${P}/user_attributes/{key}`,
    operationId: 'users.deleteAttribute',
    summary: 'Delete a declared user attribute (idempotent; 409 naming the condition set that reads it)',
    params: { key: keyParam },
    responses: { 204: { description: 'Deleted (or was not declared)' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('users.deleteAttribute', param(ctx, 'key')));
      return noContent;
    },
  },
];

const setsBase = `${P}/condition_sets`;
const oneSet = `${setsBase}/{key}`;

/** `P/condition_sets`: CRUD; a delete takes the set's rules with it. */
const conditionSetRoutes: RouteDef[] = [
  {
    ...common,
    tag: 'conditionSets',
    method: 'GET',
    path: setsBase,
    operationId: 'conditionSets.list',
    summary: 'List condition sets (paged, searchable by key and name)',
    querystring: S.listQuerySchema,
    responses: { 200: { description: 'A page of condition sets', schema: S.conditionSetPageSchema } },
    handler: async (ctx) => ok(await sets(ctx.pdp()).list(listParams(ctx.query))),
  },
  {
    ...common,
    tag: 'conditionSets',
    method: 'POST',
    path: setsBase,
    operationId: 'conditionSets.create',
    summary: 'Create a condition set (409 if it exists; 422 naming the set and the JSON path)',
    body: S.conditionSetCreateSchema,
    responses: { 201: { description: 'The created condition set', schema: S.conditionSetSchema } },
    handler: async (ctx) => created(await ctx.write((tx) => tx.call('conditionSets.create', ctx.body))),
  },
  {
    ...common,
    tag: 'conditionSets',
    method: 'GET',
    path: oneSet,
    operationId: 'conditionSets.get',
    summary: 'Get a condition set',
    params: { key: keyParam },
    responses: { 200: { description: 'The condition set', schema: S.conditionSetSchema } },
    handler: async (ctx) => ok(await sets(ctx.pdp()).get(param(ctx, 'key'))),
  },
  {
    ...common,
    tag: 'conditionSets',
    method: 'PATCH',
    path: oneSet,
    operationId: 'conditionSets.update',
    summary: 'Update the name or conditions of a condition set (404 if missing; 409 if its rules would not fit)',
    params: { key: keyParam },
    body: S.conditionSetUpdateSchema,
    responses: { 200: { description: 'The updated condition set', schema: S.conditionSetSchema } },
    handler: async (ctx) => ok(await ctx.write((tx) => tx.call('conditionSets.update', param(ctx, 'key'), ctx.body))),
  },
  {
    ...common,
    tag: 'conditionSets',
    method: 'PUT',
    path: oneSet,
    operationId: 'conditionSets.sync',
    summary: 'Create or replace a condition set (upsert; 409 if its rules would not fit)',
    params: { key: keyParam },
    body: S.conditionSetSyncSchema,
    responses: { 200: { description: 'The condition set', schema: S.conditionSetSchema } },
    handler: async (ctx) => ok(await ctx.write((tx) => tx.call('conditionSets.sync', param(ctx, 'key'), ctx.body))),
  },
  {
    ...common,
    tag: 'conditionSets',
    method: 'DELETE',
    path: oneSet,
    operationId: 'conditionSets.delete',
    summary: 'Delete a condition set and every rule that names it (idempotent)',
    params: { key: keyParam },
    responses: { 204: { description: 'Deleted (or did not exist)' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('conditionSets.delete', param(ctx, 'key')));
      return noContent;
    },
  },
];

const rulesBase = `${P}/condition_set_rules`;

/** `P/condition_set_rules`: list, create (409 on an identical rule), delete by value (idempotent). */
const conditionSetRuleRoutes: RouteDef[] = [
  {
    ...common,
    tag: 'conditionSetRules',
    method: 'GET',
    path: rulesBase,
    operationId: 'conditionSetRules.list',
    summary: 'List condition set rules (paged; filter by userSet, resourceSet, permission)',
    querystring: S.conditionSetRulesQuerySchema,
    responses: { 200: { description: 'A page of condition set rules', schema: S.conditionSetRulePageSchema } },
    handler: async (ctx) => ok(await rules(ctx.pdp()).list(ruleFilter(ctx.query))),
  },
  {
    ...common,
    tag: 'conditionSetRules',
    method: 'POST',
    path: rulesBase,
    operationId: 'conditionSetRules.create',
    summary: 'Create a condition set rule (409 if the identical rule exists; 404 for a missing set or type)',
    body: S.conditionSetRuleCreateSchema,
    responses: { 201: { description: 'The created rule', schema: S.conditionSetRuleSchema } },
    handler: async (ctx) => created(await ctx.write((tx) => tx.call('conditionSetRules.create', ctx.body))),
  },
  {
    ...common,
    tag: 'conditionSetRules',
    method: 'POST',
    path: `${rulesBase}/delete`,
    operationId: 'conditionSetRules.delete',
    summary: 'Delete the condition set rule equal to the body (idempotent)',
    body: S.conditionSetRuleCreateSchema,
    responses: { 204: { description: 'Deleted (or did not exist)' } },
    handler: async (ctx) => {
      await ctx.write((tx) => tx.call('conditionSetRules.delete', ctx.body));
      return noContent;
    },
  },
];

/** Every ABAC management route, in document order. */
export const conditionRoutes: readonly RouteDef[] = [
  ...userAttributeRoutes,
  ...conditionSetRoutes,
  ...conditionSetRuleRoutes,
];

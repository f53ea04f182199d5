/** API key routes: list, create and revoke the keys of this project/environment (`admin` scope). */
import type { KeyScope } from '../key-scopes.js';
import * as S from '../schemas.js';
import { created, noContent, ok, P } from './shared.js';
import type { RouteContext, RouteDef } from './types.js';

function store(ctx: RouteContext) {
  if (ctx.apiKeys === undefined) throw new Error('API key management is not available on this server.');
  return ctx.apiKeys;
}

const common = { tag: 'apiKeys', auth: true, scoped: true, scope: 'admin' as const, rateClass: 'management' as const };

/** Routes tagged `apiKeys`, in document order. */
export const apiKeyRoutes: readonly RouteDef[] = [
  {
    ...common,
    method: 'GET',
    path: `${P}/api_keys`,
    operationId: 'apiKeys.list',
    summary: 'The API keys of this project/environment: id, prefix, scopes, created (never a key)',
    responses: { 200: { description: 'The keys', schema: S.apiKeyListSchema } },
    handler: async (ctx) => ok({ keys: await store(ctx).list(ctx.scope) }),
  },
  {
    ...common,
    method: 'POST',
    path: `${P}/api_keys`,
    operationId: 'apiKeys.create',
    summary: 'Create an API key with these scopes; the answer is the only time the key is shown',
    body: S.apiKeyCreateSchema,
    responses: { 201: { description: 'The new key (shown once) and its listing', schema: S.createdApiKeySchema } },
    handler: async (ctx) => created(await store(ctx).create(ctx.scope, (ctx.body as { scopes: KeyScope[] }).scopes)),
  },
  {
    ...common,
    method: 'DELETE',
    path: `${P}/api_keys/{id}`,
    operationId: 'apiKeys.revoke',
    summary: 'Revoke an API key by its id (8 or more hex characters of it): refused from the next request on',
    params: { id: S.apiKeyIdSchema },
    responses: { 204: { description: 'Revoked' } },
    handler: async (ctx) => {
      await store(ctx).revoke(ctx.scope, ctx.params.id as string);
      return noContent;
    },
  },
];

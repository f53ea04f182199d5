/** Server routes: health, the OpenAPI document, the key scope. */
import { effectiveScopes } from '../key-scopes.js';
import * as S from '../schemas.js';
import { ok } from './shared.js';
import type { RouteDef } from './types.js';

/** Routes tagged `server`, in document order. */
export const serverRoutes: readonly RouteDef[] = [
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness and readiness: 200 once the server is ready; a replica says whether it is degraded',
    tag: 'server',
    auth: false,
    scoped: false,
    responses: { 200: { description: 'Ready', schema: S.healthSchema } },
    handler: (ctx) => ok(ctx.health()),
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This OpenAPI 3.1 document',
    tag: 'server',
    auth: false,
    scoped: false,
    responses: { 200: { description: 'The OpenAPI document', schema: S.anyObjectSchema } },
    handler: (ctx) => ok(ctx.openapi()),
  },
  {
    method: 'GET',
    path: '/v1/api-key/scope',
    operationId: 'apiKey.scope',
    summary: 'The project and environment the API key is bound to, and its scopes',
    tag: 'server',
    auth: true,
    scoped: false,
    // Every key may learn its own project, environment and scopes.
    scope: 'check',
    rateClass: 'management',
    responses: { 200: { description: 'The key scope', schema: S.apiKeyScopeSchema } },
    handler: (ctx) =>
      ok({
        projectId: ctx.key?.projectId,
        environmentId: ctx.key?.environmentId,
        scopes: effectiveScopes(ctx.key?.scopes ?? []),
      }),
  },
];

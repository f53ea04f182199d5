/**
 * The OpenAPI operation of `GET …/decisions` (the recent-decisions route,
 * installed by `install.ts` when `recentDecisions` > 0). Written here, next
 * to the route, and merged into the document by `openapi.ts`.
 */
import type { JsonSchema } from '../schemas.js';

/** The route's path in OpenAPI syntax. */
export const DECISIONS_OPENAPI_PATH = '/v1/projects/{projectId}/environments/{environmentId}/decisions';

const attributes: JsonSchema = { type: 'object', additionalProperties: true };

/** One decision event (`DecisionEvent` of `@permissio/core`, as the server records it). */
export const decisionEventSchema = {
  type: 'object',
  required: ['id', 'timestamp', 'user', 'action', 'resource', 'allowed', 'source', 'latencyMs'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'Unique within the server process.' },
    timestamp: { type: 'number', description: 'When the decision was answered, epoch milliseconds.' },
    user: { type: 'string' },
    userAttributes: attributes,
    action: { type: 'string' },
    resource: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { type: 'string' },
        key: { type: 'string' },
        uri: { type: 'string' },
        tenant: { type: 'string' },
        attributes,
      },
    },
    tenant: { type: 'string', description: 'The effective tenant, when known.' },
    context: attributes,
    allowed: { type: 'boolean' },
    reason: { type: 'string', description: 'The decision reason, when explained.' },
    via: { type: 'object', additionalProperties: true, description: 'What granted it, when explained and allowed.' },
    source: { type: 'string', enum: ['cache', 'pdp', 'batch'] },
    latencyMs: { type: 'number', description: 'Engine time, milliseconds.' },
    route: {
      type: 'object',
      required: ['method', 'path'],
      additionalProperties: false,
      properties: { method: { type: 'string' }, path: { type: 'string' } },
    },
    revision: { type: ['string', 'number'] },
  },
} as const satisfies JsonSchema;

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** The `get` operation of {@link DECISIONS_OPENAPI_PATH}. */
export function decisionsOperation(pathParameter: (name: string) => Record<string, unknown>): Record<string, unknown> {
  return {
    operationId: 'decisions.list',
    summary:
      'The last decisions of this project/environment, newest first (development aid; only when the server keeps ' +
      'recent decisions: recentDecisions > 0, CLI --recent-decisions; otherwise 404 ROUTE_NOT_FOUND).',
    tags: ['observability'],
    security: [{ bearerAuth: [] }],
    parameters: [
      pathParameter('projectId'),
      pathParameter('environmentId'),
      { name: 'user', in: 'query', required: false, schema: { type: 'string', minLength: 1 } },
      { name: 'allowed', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
      {
        name: 'since',
        in: 'query',
        required: false,
        description: 'Epoch milliseconds or an ISO 8601 date: only decisions at or after it.',
        schema: { type: 'string' },
      },
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Most decisions answered (default 100).',
        schema: { type: 'integer', minimum: 1, maximum: 1000 },
      },
    ],
    responses: {
      '200': {
        description: 'Matching decisions, newest first.',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['decisions'],
              additionalProperties: false,
              properties: { decisions: { type: 'array', items: decisionEventSchema } },
            },
          },
        },
      },
      '401': ref('Unauthorized'),
      '403': ref('Forbidden'),
      '422': ref('ValidationError'),
      default: ref('Error'),
    },
  };
}

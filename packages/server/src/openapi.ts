/**
 * The OpenAPI 3.1 document, built from the route table: the schemas in it are
 * the very objects Fastify validates requests with. `openapi/openapi.json` is
 * this function's output (`pnpm --filter @permissio/server openapi` rewrites
 * it; a test fails when it is stale).
 */
import { DECISIONS_OPENAPI_PATH, decisionsOperation } from './observe/decisions-doc.js';
import { defaultRouteScope, type KeyScope } from './key-scopes.js';
import { routes as allRoutes, type RouteDef } from './routes/index.js';
import { componentSchemas, errorSchema, keySchema, type JsonSchema } from './schemas.js';
import { SERVER_VERSION } from './version.js';
import { serviceErrorResponses, serviceErrorSchema, serviceOpenApiPaths } from './service/openapi.js';

/** `{name}` placeholders of an OpenAPI path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}

/** The schema of one path parameter of a route. */
export function paramSchema(route: RouteDef, name: string): JsonSchema {
  return route.params?.[name] ?? keySchema;
}

const errorContent = { 'application/json': { schema: errorSchema } };

/** Shared error responses, written once under `components.responses`. */
const errorResponseDefs: Record<string, Record<string, unknown>> = {
  BadRequest: { description: 'Unparseable JSON (code BAD_REQUEST)', content: errorContent },
  Unauthorized: { description: 'Missing or invalid API key (code UNAUTHORIZED)', content: errorContent },
  Forbidden: {
    description:
      'The API key lacks the scope the operation needs (code MISSING_SCOPE, details {requiredScope, keyScopes}; ' +
      'the scope is in x-permissio-scope), or it is bound to another project/environment (code FORBIDDEN)',
    content: errorContent,
  },
  NotFound: { description: 'Entity not found (code NOT_FOUND)', content: errorContent },
  Conflict: { description: 'Already exists, or a role cycle (code CONFLICT)', content: errorContent },
  ValidationError: {
    description: 'Validation error; the message names the field (code VALIDATION_ERROR)',
    content: errorContent,
  },
  RateLimited: {
    description: 'Rate limited (code RATE_LIMITED)',
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 1 } } },
    content: errorContent,
  },
  Unavailable: {
    description:
      'Replicas on PostgreSQL: the replica cannot reach the asked revision in time (code STALE_REPLICA), ' +
      'or its database does not answer a write (code STORAGE_UNAVAILABLE); nothing was changed',
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 1 } } },
    content: errorContent,
  },
  Error: { description: 'Any other error', content: errorContent },
};

/** `Permissio-Revision` on every scoped answer. */
const revisionHeader = {
  description:
    "The scope's revision (opaque; increases with every write): a write's own, or the one a read was answered at. " +
    'Send it back as consistency {atLeast} to read your writes on any replica.',
  schema: { type: 'string' },
};

/** How each scope reads in an operation's description. */
const SCOPE_READING: Record<KeyScope, string> = {
  check: 'or read, or admin',
  read: 'or admin',
  admin: 'only admin keys',
};

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

function errorResponses(route: RouteDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (route.body !== undefined) out['400'] = ref('BadRequest');
  if (route.auth) {
    out['401'] = ref('Unauthorized');
    out['403'] = ref('Forbidden');
  }
  if (route.scoped && route.rateClass !== 'checks') {
    out['404'] = ref('NotFound');
    if (route.method !== 'GET') out['409'] = ref('Conflict');
  }
  if (route.body !== undefined || route.querystring !== undefined || route.scoped) out['422'] = ref('ValidationError');
  if (route.rateClass !== undefined) out['429'] = ref('RateLimited');
  if (route.consistency || (route.scoped && route.method !== 'GET')) out['503'] = ref('Unavailable');
  out.default = ref('Error');
  return out;
}

function operation(route: RouteDef): Record<string, unknown> {
  const parameters: unknown[] = pathParams(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    description: 'Percent-encoded (encodeURIComponent); may contain "/", "@", ":" and spaces.',
    schema: paramSchema(route, name),
  }));
  const query = route.querystring as { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    parameters.push({ name, in: 'query', required: query?.required?.includes(name) ?? false, schema });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, def] of Object.entries(route.responses)) {
    const answer: Record<string, unknown> = { description: def.description };
    if (route.scoped) answer.headers = { 'Permissio-Revision': revisionHeader };
    if (def.schema !== undefined) answer.content = { 'application/json': { schema: def.schema } };
    responses[status] = answer;
  }
  Object.assign(responses, errorResponses(route));
  const op: Record<string, unknown> = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
  };
  if (route.rateClass !== undefined) op['x-rate-limit-class'] = route.rateClass;
  if (route.auth) {
    const scope = defaultRouteScope(route);
    op['x-permissio-scope'] = scope;
    op.description = `Needs an API key with the "${scope}" scope (${SCOPE_READING[scope]}).`;
  }
  op.security = route.auth ? [{ bearerAuth: [] }] : [];
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body !== undefined) {
    op.requestBody = { required: true, content: { 'application/json': { schema: route.body } } };
  }
  op.responses = responses;
  return op;
}

const refByObject = new Map<unknown, string>(
  Object.entries(componentSchemas).map(([name, schema]) => [schema, `#/components/schemas/${name}`]),
);

/**
 * A JSON copy of `value` in which every named component schema (by object
 * identity) is written as `{"$ref": "#/components/schemas/<Name>"}`; `self`
 * is copied in full (a component's own definition).
 */
function withRefs(value: unknown, self?: unknown): unknown {
  if (value !== self && refByObject.has(value)) return { $ref: refByObject.get(value) };
  if (Array.isArray(value)) return value.map((v) => withRefs(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRefs(v)]));
  }
  return value;
}

/** Builds the OpenAPI 3.1 document of the routes. */
export function buildOpenApiDocument(routes: readonly RouteDef[] = allRoutes): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    item[route.method.toLowerCase()] = operation(route);
  }
  if (routes === allRoutes) {
    // The recent-decisions route is installed by the observability options, outside the route table.
    // Needs the `read` scope (observe/install.ts registers it with requireScope(key, 'read', …)).
    paths[DECISIONS_OPENAPI_PATH] = {
      get: {
        ...decisionsOperation((name) => ({
          name,
          in: 'path',
          required: true,
          description: 'Percent-encoded (encodeURIComponent).',
          schema: keySchema,
        })),
        'x-permissio-scope': 'read',
        description: `Needs an API key with the "read" scope (${SCOPE_READING.read}).`,
      },
    };
  }
  // The permissions-service-compatible facade (docs/SERVICE.md), registered outside the route table.
  if (routes === allRoutes) Object.assign(paths, serviceOpenApiPaths());
  return {
    openapi: '3.1.0',
    info: {
      title: 'Permissio REST API',
      version: SERVER_VERSION,
      description:
        'The Permissio PDP REST API (docs/REST.md). Errors are {"error": {"code", "message", "details"?}}. ' +
        'Everything under /v1 needs "Authorization: Bearer permis_key_…" with the scope named by x-permissio-scope ' +
        '(check ⊂ read ⊂ admin; a key without it gets 403 MISSING_SCOPE).',
    },
    servers: [{ url: 'http://127.0.0.1:7766' }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'permis_key_…' } },
      responses: { ...(withRefs(errorResponseDefs) as object), ...serviceErrorResponses() },
      schemas: {
        ...Object.fromEntries(
          Object.entries(componentSchemas).map(([name, schema]) => [name, withRefs(schema, schema)]),
        ),
        ServiceError: serviceErrorSchema,
      },
    },
    paths: withRefs(paths),
  };
}

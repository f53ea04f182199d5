/**
 * The REST facade in the OpenAPI document (tag `permissions-service`): paths,
 * inputs and answers of docs/SERVICE.md. The facade validates its input in the
 * service layer (one validation for REST and gRPC), so these schemas describe
 * it; the REST tests validate every answer of the documented flow against them.
 */
import type { JsonSchema } from '../schemas.js';
import { HTTP_STATUS, ServiceCode } from './codes.js';
import { serviceOperation } from './operations.js';
import { SERVICE_PREFIX, serviceRoutes } from './rest.js';

const str: JsonSchema = { type: 'string' };
const strings: JsonSchema = { type: 'array', items: str };
const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required,
});

const permission = obj({ name: str, description: str }, ['name', 'description']);
const role = obj({ name: str, description: str, permissions: strings }, ['name', 'description', 'permissions']);
const empty = obj({});
const cursor = { next_cursor: { type: 'string', description: 'Absent on the last page.' } };
const page = { limit: { type: 'integer', minimum: 1, maximum: 100 }, cursor: str };
const project = { project_name: { type: 'string', description: "Optional; must name the key's environment." } };

/** Per operation: query parameters (reads) or body (writes), and the answer. */
const SHAPES: Record<string, { query?: Record<string, JsonSchema>; body?: JsonSchema; answer: JsonSchema }> = {
  CreatePermission: {
    body: obj({ ...project, name: str, description: str }, ['name']),
    answer: obj({ permission }, ['permission']),
  },
  ListPermissions: {
    query: { ...project, ...page },
    answer: obj({ permissions: { type: 'array', items: permission }, ...cursor }, ['permissions']),
  },
  GetPermission: { query: project, answer: obj({ permission }, ['permission']) },
  UpdatePermission: {
    body: obj({ ...project, new_name: str, description: str }),
    answer: obj({ permission }, ['permission']),
  },
  DeletePermission: { query: project, answer: empty },
  CreateRole: {
    body: obj({ ...project, name: str, description: str, permissions: strings }, ['name']),
    answer: obj({ role }, ['role']),
  },
  ListRoles: {
    query: { ...project, ...page },
    answer: obj({ roles: { type: 'array', items: role }, ...cursor }, ['roles']),
  },
  GetRole: { query: project, answer: obj({ role }, ['role']) },
  UpdateRole: { body: obj({ ...project, description: str, permissions: strings }), answer: obj({ role }, ['role']) },
  DeleteRole: { query: project, answer: empty },
  GrantPermission: {
    body: obj(
      { ...project, principal_id: str, resource_uri: str, permissions: strings, roles: strings, principal_type: str },
      ['principal_id', 'resource_uri'],
    ),
    answer: empty,
  },
  RevokePermission: {
    body: obj({ ...project, principal_id: str, resource_uri: str, permissions: strings, roles: strings }, [
      'principal_id',
      'resource_uri',
    ]),
    answer: empty,
  },
  ListPrincipals: {
    query: { ...project, ...page, search: str, principal_type: str },
    answer: obj({ principals: { type: 'array', items: obj({ id: str, type: str }, ['id', 'type']) }, ...cursor }, [
      'principals',
    ]),
  },
  GetPrincipalPermissions: {
    query: { ...project, resource_uri: str },
    answer: obj({ permissions: strings, roles: strings }, ['permissions', 'roles']),
  },
  GetPrincipalAssignments: {
    query: project,
    answer: obj(
      {
        assignments: {
          type: 'array',
          items: obj({ resource_uri: str, permissions: strings, roles: strings }, [
            'resource_uri',
            'permissions',
            'roles',
          ]),
        },
      },
      ['assignments'],
    ),
  },
  CheckPermission: {
    body: obj({ ...project, principal_id: str, resource_uri: str, resource_uris: strings, permissions: strings }, [
      'principal_id',
      'permissions',
    ]),
    answer: obj(
      {
        passed: { type: 'boolean' },
        missing_permissions: {
          type: 'array',
          items: obj({ resource_uri: str, missing_permissions: strings }, ['resource_uri', 'missing_permissions']),
        },
      },
      ['passed', 'missing_permissions'],
    ),
  },
};

/** The facade's error body: `{"error": {"code": N, "message": "…"}}`. */
export const serviceErrorSchema: JsonSchema = obj(
  { error: obj({ code: { type: 'integer', enum: Object.values(ServiceCode) }, message: str }, ['code', 'message']) },
  ['error'],
);

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT (code 3)',
  401: 'UNAUTHENTICATED (code 16)',
  403: "PERMISSION_DENIED (code 7): missing key scope, or project_name not the key's",
  404: 'NOT_FOUND (code 5)',
  409: 'ALREADY_EXISTS (code 6)',
  429: 'RESOURCE_EXHAUSTED (code 8), with Retry-After',
  500: 'INTERNAL (code 13)',
  501: 'UNIMPLEMENTED (code 12)',
  503: 'UNAVAILABLE (code 14), with Retry-After',
};

/** The facade's error answers, for `components.responses` (`ServiceError<status>`). */
export function serviceErrorResponses(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const status of new Set(Object.values(HTTP_STATUS))) {
    out[`ServiceError${status}`] = {
      description: STATUS_TEXT[status] ?? `code for HTTP ${status}`,
      ...(status === 429 || status === 503
        ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 1 } } } }
        : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ServiceError' } } },
    };
  }
  return out;
}

/** The facade's paths for the OpenAPI document (errors as `#/components/responses/ServiceError<status>`). */
export function serviceOpenApiPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errors: Record<string, unknown> = {};
  for (const status of new Set(Object.values(HTTP_STATUS))) {
    errors[String(status)] = { $ref: `#/components/responses/ServiceError${status}` };
  }
  for (const route of serviceRoutes) {
    const op = serviceOperation(route.operation);
    const shape = SHAPES[route.operation];
    if (shape === undefined) throw new Error(`No OpenAPI shape for ${route.operation}.`);
    const path = SERVICE_PREFIX + route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: str,
    }));
    for (const [name, schema] of Object.entries(shape.query ?? {})) {
      parameters.push({ name, in: 'query', required: false, schema });
    }
    const item = paths[path] ?? {};
    paths[path] = item;
    item[route.method.toLowerCase()] = {
      operationId: `service.${route.operation}`,
      summary: `${route.operation} (gRPC permissions.v1.PermissionsService/${route.operation}); docs/SERVICE.md`,
      tags: ['permissions-service'],
      'x-rate-limit-class': op.rateClass,
      'x-permissio-scope': op.scope,
      description: `Needs an API key with the "${op.scope}" scope. Errors are {"error": {"code": N, "message"}}.`,
      security: [{ bearerAuth: [] }],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(shape.body === undefined
        ? {}
        : { requestBody: { required: true, content: { 'application/json': { schema: shape.body } } } }),
      responses: {
        200: { description: 'Done', content: { 'application/json': { schema: shape.answer } } },
        ...errors,
      },
    };
  }
  return paths;
}

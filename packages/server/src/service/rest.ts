/**
 * The service-compatible REST facade under `/permissions-service/v1`: the
 * service's paths, snake_case bodies, `{"error": {"code": N, "message": "…"}}`
 * errors (N from `codes.ts`). A thin mapping onto the service operations; the
 * same bearer API keys, scopes and rate limits as the native API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_STATUS, invalidArgument, toServiceError } from './codes.js';
import { authorize, execute, type ServiceDeps } from './context.js';
import type { ServiceInput } from './input.js';
import { serviceOperation } from './operations.js';

/** The facade's path prefix. */
export const SERVICE_PREFIX = '/permissions-service/v1';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One REST route: method, path (Fastify syntax, below the prefix) and the operation it calls. */
export interface ServiceRoute {
  method: Method;
  path: string;
  operation: string;
}

/** Every route of the facade. Reads take their fields from the query, writes from the JSON body; path params win. */
export const serviceRoutes: readonly ServiceRoute[] = [
  { method: 'POST', path: '/permissions', operation: 'CreatePermission' },
  { method: 'GET', path: '/permissions', operation: 'ListPermissions' },
  { method: 'GET', path: '/permissions/:name', operation: 'GetPermission' },
  { method: 'PATCH', path: '/permissions/:name', operation: 'UpdatePermission' },
  { method: 'DELETE', path: '/permissions/:name', operation: 'DeletePermission' },
  { method: 'POST', path: '/roles', operation: 'CreateRole' },
  { method: 'GET', path: '/roles', operation: 'ListRoles' },
  { method: 'GET', path: '/roles/:name', operation: 'GetRole' },
  { method: 'PATCH', path: '/roles/:name', operation: 'UpdateRole' },
  { method: 'DELETE', path: '/roles/:name', operation: 'DeleteRole' },
  { method: 'POST', path: '/grant', operation: 'GrantPermission' },
  { method: 'POST', path: '/revoke', operation: 'RevokePermission' },
  { method: 'GET', path: '/principals', operation: 'ListPrincipals' },
  { method: 'GET', path: '/principals/:principal_id/permissions', operation: 'GetPrincipalPermissions' },
  { method: 'GET', path: '/principals/:principal_id/assignments', operation: 'GetPrincipalAssignments' },
  { method: 'POST', path: '/check', operation: 'CheckPermission' },
];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The operation's input: the body (writes) or query (reads), then the path parameters. */
function inputOf(request: FastifyRequest, method: Method): ServiceInput {
  const source = method === 'GET' || method === 'DELETE' ? request.query : request.body;
  if (source !== undefined && !isObject(source)) throw invalidArgument('The request body must be a JSON object.');
  const fromBody = method === 'DELETE' && isObject(request.body) ? request.body : {};
  return { ...fromBody, ...(source ?? {}), ...(request.params as Record<string, string>) };
}

/** Every error of a facade route in the service's format. */
function answerError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const failure = toServiceError(error);
  if (failure.internal) request.log.error({ err: error }, 'service request failed');
  if (failure.retryAfter !== undefined) void reply.header('retry-after', String(failure.retryAfter));
  void reply.code(HTTP_STATUS[failure.code]).send({ error: { code: failure.code, message: failure.message } });
}

/** Registers the facade's routes on `app`. */
export function registerServiceRoutes(app: FastifyInstance, deps: ServiceDeps): void {
  for (const route of serviceRoutes) {
    const op = serviceOperation(route.operation);
    app.route({
      method: route.method,
      url: SERVICE_PREFIX + route.path,
      config: { permissioScope: op.scope },
      errorHandler: answerError,
      // Authenticated, authorized and counted on arrival, before the body is read (as the native routes).
      onRequest: async (request) => {
        request.permissioKey = authorize(deps, op, request.headers.authorization);
      },
      handler: async (request, reply) => {
        const key = request.permissioKey;
        if (key === null) throw new Error('The facade route ran without its onRequest hook.');
        const answer = await execute(deps, op, key, inputOf(request, route.method));
        void reply.code(200);
        return answer;
      },
    });
  }
}

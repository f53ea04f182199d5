/**
 * `startServer`: the engine behind the REST API of docs/REST.md, on Fastify 5,
 * with API keys, per-scope engines, SQLite persistence and rate limits.
 */
import { createEngine } from '@permissio/engine';
import {
  PermissioAuthenticationError,
  PermissioPermissionError,
  PermissioRateLimitError,
  type Pdp,
  type PolicySnapshot,
} from '@permissio/core';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { assertApiKeyFormat, hashApiKey, KeyRing, type ApiKeyConfig, type AuthenticatedKey } from './auth.js';
import { errorBody, toErrorAnswer } from './errors.js';
import { buildOpenApiDocument, paramSchema, pathParams } from './openapi.js';
import { RateLimiter, resolveRateLimits, type RateLimitOptions } from './rate-limit.js';
import { ScopeRegistry, type PdpFactory } from './registry.js';
import { routes, type RouteContext, type RouteDef } from './routes.js';
import { SqliteStorage, type Scope, type Storage } from './storage.js';

/** Logger options: `true` for Fastify's JSON logger at `info`, or pino options (`level`, `stream` …). */
export type ServerLoggerOptions =
  | boolean
  | ({ level?: string; stream?: { write(msg: string): void } } & Record<string, unknown>);

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @defaultValue 7766 */
  port?: number;
  /** SQLite file path, or `':memory:'` (nothing survives a restart). @defaultValue ':memory:' */
  database?: string;
  /** API keys to accept (stored hashed; keys stored by earlier runs stay valid). */
  apiKeys?: ApiKeyConfig[];
  /**
   * Policy loaded into an empty database only (never over existing data), into
   * the scope of every key in `apiKeys` (or `seedScopes`).
   */
  seed?: PolicySnapshot;
  /** Scopes the seed goes to. @defaultValue the distinct scopes of `apiKeys` */
  seedScopes?: Scope[];
  /** Per-key limits, or `false` to switch them off (local development). @defaultValue the seed's figures */
  rateLimits?: false | RateLimitOptions;
  /** Request logging; the Authorization header is always redacted. @defaultValue false */
  logger?: ServerLoggerOptions;
  /** Compact a scope's journal into a snapshot after this many writes. @defaultValue 1000 */
  compactEvery?: number;
  /** Largest request body in bytes (`PUT …/snapshot` allows 32 MiB). @defaultValue 1 MiB */
  bodyLimit?: number;
  /** Milliseconds to receive a whole request. @defaultValue 30_000 */
  requestTimeout?: number;
  /** Milliseconds an idle keep-alive connection stays open (above common 60 s proxy idle timeouts). @defaultValue 72_000 */
  keepAliveTimeout?: number;
  /** Advanced: the engine of each scope. @defaultValue `createEngine()` from `@permissio/engine` */
  createPdp?: PdpFactory;
  /** Advanced: a storage implementation instead of SQLite at `database`. */
  storage?: Storage;
}

/** A running server. */
export interface PermissioServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** The Fastify instance (for `inject` in tests, or extra routes before traffic). */
  readonly app: FastifyInstance;
  /** Stops accepting connections, finishes in-flight requests, then closes the database. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated API key (routes under `/v1`). */
    permissioKey: AuthenticatedKey | null;
  }
}

const SCOPE_PARAMS = ['projectId', 'environmentId'] as const;

/** Turns `{name}` into Fastify's `:name`. */
function fastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** Query parameters declared as integers arrive as strings; convert clean integers before validation. */
function integerQueryParams(route: RouteDef): string[] {
  const props = (route.querystring as { properties?: Record<string, { type?: string }> } | undefined)?.properties;
  return Object.entries(props ?? {})
    .filter(([, schema]) => schema.type === 'integer')
    .map(([name]) => name);
}

function paramsSchema(route: RouteDef): Record<string, unknown> | undefined {
  const names = pathParams(route.path);
  if (names.length === 0) return undefined;
  return {
    type: 'object',
    required: names,
    properties: Object.fromEntries(names.map((n) => [n, paramSchema(route, n)])),
  };
}

function loggerOptions(logger: ServerLoggerOptions | undefined): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const base = logger === true ? {} : logger;
  return {
    level: 'info',
    ...base,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' },
    serializers: {
      // Method, URL and peer only: never headers (the API key travels in one).
      req: (req: FastifyRequest) => ({ method: req.method, url: req.url, remoteAddress: req.ip }),
    },
  } as FastifyServerOptions['logger'];
}

/**
 * Starts the local PDP server. Resolves once the database is open, every
 * scope's engine is rebuilt and the port is bound.
 */
export async function startServer(options: ServerOptions = {}): Promise<PermissioServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7766;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`Invalid port ${String(port)}.`);
  const apiKeys = options.apiKeys ?? [];
  for (const key of apiKeys) {
    assertApiKeyFormat(key.key);
    for (const field of SCOPE_PARAMS) {
      if (typeof key[field] !== 'string' || key[field].length === 0) {
        throw new TypeError(`apiKeys[].${field} must be a non-empty string.`);
      }
    }
  }
  const limits = options.rateLimits === false ? undefined : resolveRateLimits(options.rateLimits ?? {});
  const compactEvery = options.compactEvery ?? 1000;
  const createPdp: PdpFactory = options.createPdp ?? (() => createEngine() as Pdp);

  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout: options.requestTimeout ?? 30_000,
    keepAliveTimeout: options.keepAliveTimeout ?? 72_000,
    forceCloseConnections: 'idle',
    // Requests still arriving on open connections while closing are served (with
    // `Connection: close`, see below) rather than refused in Fastify's own format.
    return503OnClosing: false,
    routerOptions: { maxParamLength: 4096, ignoreTrailingSlash: false },
    // Malformed percent-escapes in the URL: same error format as everything else.
    frameworkErrors: (error, _request, reply) => {
      const answer = toErrorAnswer(error);
      void (reply as unknown as FastifyReply).code(answer.status).send(answer.body);
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
  });

  const storage = options.storage ?? new SqliteStorage(options.database ?? ':memory:');
  const registry = new ScopeRegistry({ storage, createPdp, compactEvery, logger: app.log });
  const keys = new KeyRing();
  const limiter = limits === undefined ? undefined : new RateLimiter(limits);
  let openapi: Record<string, unknown> | undefined;

  try {
    for (const key of apiKeys) {
      storage.putApiKey({ hash: hashApiKey(key.key), projectId: key.projectId, environmentId: key.environmentId });
    }
    for (const stored of storage.listApiKeys()) keys.add(stored);

    if (options.seed !== undefined && storage.isEmpty()) {
      const scopes = options.seedScopes ?? distinctScopes(apiKeys);
      await registry.seed(
        scopes.length > 0 ? scopes : [{ projectId: 'default', environmentId: 'default' }],
        options.seed,
      );
    } else {
      await registry.restore();
    }
  } catch (error) {
    storage.close();
    throw error;
  }

  app.decorateRequest('permissioKey', null);

  // While closing, answer in-flight requests with `Connection: close`, so their
  // keep-alive sockets end with the response and close() does not wait for them.
  let shuttingDown = false;
  app.addHook('onSend', function closeWhenShuttingDown(_request, reply, payload, done) {
    if (shuttingDown) void reply.header('connection', 'close');
    done(null, payload);
  });

  // An empty body with a JSON content type is "no body" (PUT …/extends/{parent} has none).
  // `__proto__` and `constructor` keys are ordinary data (docs/MODEL.md, "Keys"), as in
  // the embedded engine: JSON.parse makes them own properties, and nothing here
  // assigns a body into another object (the engine defines keys, never assigns them).
  const jsonParser = app.getDefaultJsonParser('ignore', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    jsonParser(request, text, done);
  });

  app.setErrorHandler((error, request, reply) => {
    const answer = toErrorAnswer(error);
    if (answer.internal) request.log.error({ err: error }, 'request failed');
    if (answer.headers) void reply.headers(answer.headers);
    void reply.code(answer.status).send(answer.body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(errorBody('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`));
  });

  for (const route of routes) {
    const integers = integerQueryParams(route);
    const schema: Record<string, unknown> = {};
    const params = paramsSchema(route);
    if (params) schema.params = params;
    if (route.querystring) schema.querystring = route.querystring;
    if (route.body) schema.body = route.body;
    if (route.compiledResponse) {
      // fast-json-stringify instead of JSON.stringify (a 50-item bulk answer: ≈1 µs instead of ≈4 µs).
      const response: Record<string, unknown> = {};
      for (const [status, def] of Object.entries(route.responses)) if (def.schema) response[status] = def.schema;
      schema.response = response;
    }

    const authHook = route.auth
      ? async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
          const key = authenticateRequest(keys, request);
          if (route.scoped) {
            const p = request.params as Record<string, string>;
            if (p.projectId !== key.projectId || p.environmentId !== key.environmentId) {
              throw new PermissioPermissionError(
                'This API key is not allowed on this project/environment; call GET /v1/api-key/scope to see its scope.',
              );
            }
          }
          if (limiter !== undefined && route.rateClass !== undefined) {
            const decision = limiter.hit(key.id, route.rateClass);
            if (!decision.ok) {
              throw new PermissioRateLimitError(
                `Rate limit of ${decision.limit} ${route.rateClass} requests per window exceeded; retry in ${decision.retryAfter} s.`,
                { retryAfter: decision.retryAfter, details: { class: route.rateClass, limit: decision.limit } },
              );
            }
            void reply.header('x-ratelimit-limit', decision.limit);
            void reply.header('x-ratelimit-remaining', decision.remaining);
          }
          request.permissioKey = key;
        }
      : undefined;

    const coerce =
      integers.length > 0
        ? async function coerceIntegers(request: FastifyRequest): Promise<void> {
            const query = request.query as Record<string, unknown>;
            for (const name of integers) {
              const value = query[name];
              if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) query[name] = Number(value);
            }
          }
        : undefined;

    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      schema,
      ...(route.bodyLimit === undefined ? {} : { bodyLimit: route.bodyLimit }),
      ...(authHook ? { onRequest: authHook } : {}),
      ...(coerce ? { preValidation: coerce } : {}),
      handler: async function handle(request, reply) {
        const p = request.params as Record<string, string>;
        const scope: Scope = { projectId: p.projectId ?? '', environmentId: p.environmentId ?? '' };
        const ctx: RouteContext = {
          params: p,
          query: request.query as Record<string, unknown>,
          body: request.body,
          key: request.permissioKey ?? undefined,
          scope,
          pdp: () => registry.get(scope).pdp,
          write: (work) => registry.write(scope, work),
          registry,
          openapi: () => (openapi ??= buildOpenApiDocument()),
        };
        const answer = await route.handler(ctx);
        void reply.code(answer.status);
        return answer.body === undefined ? reply.send() : reply.send(answer.body);
      },
    });
  }

  let address: string;
  try {
    address = await app.listen({ host, port });
  } catch (error) {
    await app.close().catch(() => undefined);
    await registry.close().catch(() => undefined);
    storage.close();
    throw error;
  }
  const bound = app.server.address();
  const actualPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  void address;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      shuttingDown = true;
      await app.close();
      await registry.close();
      storage.close();
    })());

  return { url, port: actualPort, app, close, [Symbol.asyncDispose]: close };
}

function authenticateRequest(keys: KeyRing, request: FastifyRequest): AuthenticatedKey {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw new PermissioAuthenticationError('Missing API key: send "Authorization: Bearer permis_key_…".');
  }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (match === null) {
    throw new PermissioAuthenticationError('Malformed Authorization header: expected "Bearer permis_key_…".');
  }
  const key = keys.authenticate(match[1] as string);
  if (key === undefined) throw new PermissioAuthenticationError('Invalid API key.');
  return key;
}

function distinctScopes(keys: readonly ApiKeyConfig[]): Scope[] {
  const seen = new Map<string, Scope>();
  for (const k of keys) {
    seen.set(`${k.projectId}\u0000${k.environmentId}`, { projectId: k.projectId, environmentId: k.environmentId });
  }
  return [...seen.values()];
}

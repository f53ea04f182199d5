/**
 * Wires the server's observability: engines that report decisions, the
 * decision log, the recent-decisions ring and its route, and `GET /metrics`.
 * Nothing is installed when everything is off.
 */
import {
  createDecisionLog,
  PermissioPermissionError,
  PermissioValidationError,
  type DecisionEvent,
} from '@permissio/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyRing } from '../auth.js';
import { errorBody } from '../errors.js';
import type { PdpFactory, ScopeRegistry } from '../registry.js';
import type { RouteDef } from '../routes/types.js';
import { authenticateRequest } from '../server/authenticate.js';
import { requireScope } from '../server/require-scope.js';
import type { Scope } from '../storage.js';
import { DecisionRing } from './decision-ring.js';
import { ServerMetrics } from './metrics.js';
import { observedFactory } from './observed-pdp.js';
import { type ObservabilityOptions, type ResolvedObservability, resolveObservability } from './options.js';

/** The path of the recent-decisions route (Fastify syntax). */
export const DECISIONS_PATH = '/v1/projects/:projectId/environments/:environmentId/decisions';
/** Most decisions one query answers. */
const MAX_LIMIT = 1000;

interface Logger {
  error(message: string): void;
}

/** The server's observability, once resolved. */
export interface Observability {
  readonly metrics: ServerMetrics | undefined;
  /** Engines that report their decisions. */
  wrapFactory(base: PdpFactory): PdpFactory;
  /** The registry whose engines the per-scope statistics read. */
  attach(registry: ScopeRegistry): void;
  /** The request hooks (before the routes are registered). */
  installHooks(app: FastifyInstance, routes: readonly RouteDef[]): void;
  /** `GET /metrics` and `GET …/decisions`. */
  installRoutes(app: FastifyInstance, keys: KeyRing): void;
}

function fastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** A client on the loopback interface. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/** Builds the observability of a server, or undefined when everything is off. */
export function createObservability(options: ObservabilityOptions, logger: Logger): Observability | undefined {
  const resolved: ResolvedObservability = resolveObservability(options);
  if (resolved.metrics === undefined && resolved.decisionLog === undefined && resolved.recentDecisions === 0) {
    return undefined;
  }
  const scopes = new Map<string, Scope>();
  let registry: ScopeRegistry | undefined;
  const engines = () =>
    registry === undefined
      ? []
      : [...scopes.values()].map((scope) => ({ scope, pdp: (registry as ScopeRegistry).get(scope).pdp }));
  const metrics = resolved.metrics === undefined ? undefined : new ServerMetrics(engines);
  const ring = resolved.recentDecisions > 0 ? new DecisionRing(resolved.recentDecisions) : undefined;
  const log = resolved.decisionLog === undefined ? undefined : createDecisionLog(resolved.decisionLog);

  const listener = (scope: Scope, event: DecisionEvent): void => {
    metrics?.decision(event);
    ring?.add(scope, event);
    log?.({ ...event, project: scope.projectId, environment: scope.environmentId } as DecisionEvent);
  };

  return {
    metrics,
    wrapFactory: (base) => observedFactory(base, listener, logger, scopes),
    attach: (scopeRegistry) => {
      registry = scopeRegistry;
    },
    installHooks(app, routes) {
      if (metrics === undefined) return;
      const byRoute = new Map<string, RouteDef>();
      for (const route of routes) byRoute.set(`${route.method} ${fastifyPath(route.path)}`, route);
      app.addHook('onResponse', function permissioMetrics(request, reply, done) {
        const url = request.routeOptions.url;
        if (url !== undefined && url !== '/metrics') {
          const status = reply.statusCode;
          metrics.requests.observe(
            { method: request.method, route: url, status: String(status) },
            reply.elapsedTime / 1000,
          );
          const route = byRoute.get(`${request.method} ${url}`);
          if (route !== undefined) {
            if (status === 429 && route.rateClass !== undefined) metrics.rateLimited.inc({ class: route.rateClass });
            if (status < 400 && route.method !== 'GET' && route.tag !== 'checks') {
              metrics.writes.inc({ operation: route.operationId });
            }
          }
        }
        done();
      });
    },
    installRoutes(app, keys) {
      if (metrics !== undefined) {
        const access = resolved.metrics;
        // Its own access rule (loopback, api-key — any scope —, open), not a key scope.
        app.get(
          '/metrics',
          { config: { permissioScope: access === 'api-key' ? 'check' : null } },
          async (request, reply) => {
            if (access === 'api-key') authenticateRequest(keys, request);
            if (access === 'loopback' && !isLoopback(request.socket.remoteAddress)) {
              return reply
                .code(403)
                .send(
                  errorBody(
                    'FORBIDDEN',
                    'GET /metrics answers clients on the loopback interface only; start the server with metrics access "api-key" or "open" to scrape it from elsewhere.',
                  ),
                );
            }
            const text = await metrics.registry.metrics();
            return reply.code(200).header('content-type', metrics.registry.contentType).send(text);
          },
        );
      }
      if (ring !== undefined) {
        // Recent decisions show who was allowed what: reading, like the policy (`read`).
        app.get(DECISIONS_PATH, { config: { permissioScope: 'read' } }, async (request, reply) => {
          const scope = authorizeScope(keys, request);
          const query = parseDecisionQuery(request.query as Record<string, unknown>);
          return reply.code(200).send({ decisions: ring.query(scope, query) });
        });
      }
    },
  };
}

function authorizeScope(keys: KeyRing, request: FastifyRequest): Scope {
  const key = authenticateRequest(keys, request);
  const p = request.params as Record<string, string>;
  if (p.projectId !== key.projectId || p.environmentId !== key.environmentId) {
    throw new PermissioPermissionError(
      'This API key is not allowed on this project/environment; call GET /v1/api-key/scope to see its scope.',
    );
  }
  requireScope(key, 'read', 'GET /v1/projects/{projectId}/environments/{environmentId}/decisions');
  return { projectId: key.projectId, environmentId: key.environmentId };
}

function parseDecisionQuery(query: Record<string, unknown>): {
  user?: string;
  allowed?: boolean;
  since?: number;
  limit: number;
} {
  const { user, allowed, since, limit } = query;
  const out: { user?: string; allowed?: boolean; since?: number; limit: number } = { limit: 100 };
  if (user !== undefined) {
    if (typeof user !== 'string' || user.length === 0) throw new PermissioValidationError('"user" must be a user key.');
    out.user = user;
  }
  if (allowed !== undefined) {
    if (allowed !== 'true' && allowed !== 'false')
      throw new PermissioValidationError('"allowed" must be true or false.');
    out.allowed = allowed === 'true';
  }
  if (since !== undefined) {
    const time = typeof since === 'string' ? (/^\d+$/.test(since) ? Number(since) : Date.parse(since)) : Number.NaN;
    if (!Number.isFinite(time))
      throw new PermissioValidationError('"since" must be epoch milliseconds or an ISO 8601 date.');
    out.since = time;
  }
  if (limit !== undefined) {
    const n = typeof limit === 'string' && /^\d{1,7}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(n >= 1 && n <= MAX_LIMIT))
      throw new PermissioValidationError(`"limit" must be an integer from 1 to ${MAX_LIMIT}.`);
    out.limit = n;
  }
  return out;
}

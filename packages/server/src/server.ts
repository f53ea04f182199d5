/**
 * `startServer`: the engine behind the REST API of docs/REST.md, on Fastify 5,
 * with API keys, per-scope engines, SQLite or PostgreSQL persistence and rate
 * limits. On PostgreSQL, several replicas share the database; each follows
 * the others' writes (`follower.ts`).
 *
 * The steps live in `server/`: option validation (`options.ts`), the Fastify
 * app (`app.ts`), route registration (`register-routes.ts`) and `listen.ts`.
 */
import type { FastifyInstance } from 'fastify';
import { ApiKeyStore } from './api-key-store.js';
import { hashApiKey, KeyRing, type ApiKeyConfig } from './auth.js';
import { isPostgresUrl } from './database-url.js';
import { Follower } from './follower.js';
import { PostgresStorage } from './postgres-storage.js';
import { RateLimiter } from './rate-limit.js';
import { ScopeRegistry } from './registry.js';
import { routes } from './routes/index.js';
import { createApp } from './server/app.js';
import { listen } from './server/listen.js';
import { resolveServerOptions, type ServerOptions } from './server/options.js';
import { registerRoutes } from './server/register-routes.js';
import { SqliteStorage, type Scope, type Storage } from './storage.js';
import { createObservability } from './observe/install.js';
import { type ServiceGrpcServer, startGrpcService } from './service/grpc.js';
import { registerServiceRoutes } from './service/rest.js';

export type { ServerLoggerOptions, ServerOptions } from './server/options.js';

/** A running server. */
export interface PermissioServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** The gRPC service's port (option `grpcPort`); `undefined` without one. */
  readonly grpcPort: number | undefined;
  /** The Fastify instance (for `inject` in tests, or extra routes before traffic). */
  readonly app: FastifyInstance;
  /** Stops accepting connections, finishes in-flight requests, then closes the database. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Stores the configured keys, then seeds an empty store or rebuilds every scope from it. */
async function loadState(
  options: ServerOptions,
  apiKeys: readonly ApiKeyConfig[],
  storage: Storage,
  keys: KeyRing,
  registry: ScopeRegistry,
): Promise<void> {
  // Replicas starting together on one PostgreSQL: one at a time stores keys and seeds.
  const startup = async (): Promise<boolean> => {
    for (const key of apiKeys) {
      await storage.putApiKey({
        hash: hashApiKey(key.key),
        projectId: key.projectId,
        environmentId: key.environmentId,
        scopes: key.scopes ?? ['admin'],
      });
    }
    for (const stored of await storage.listApiKeys()) keys.add(stored);
    if (options.seed === undefined || !(await storage.isEmpty())) return false;
    const scopes = options.seedScopes ?? distinctScopes(apiKeys);
    await registry.seed(
      scopes.length > 0 ? scopes : [{ projectId: 'default', environmentId: 'default' }],
      options.seed,
    );
    return true;
  };
  const seeded = storage.startupLock ? await storage.startupLock(startup) : await startup();
  if (!seeded) await registry.restore();
}

/** The storage `options` name: a given one, PostgreSQL for a `postgres://` URL, else SQLite. */
async function openStorage(options: ServerOptions): Promise<Storage> {
  if (options.storage !== undefined) return options.storage;
  const database = options.database ?? ':memory:';
  if (isPostgresUrl(database)) return await PostgresStorage.connect(database);
  return new SqliteStorage(database);
}

/**
 * Starts the local PDP server. Resolves once the database is open, every
 * scope's engine is rebuilt and the port is bound.
 */
export async function startServer(options: ServerOptions = {}): Promise<PermissioServer> {
  const resolved = resolveServerOptions(options);
  const { app, startShutdown } = createApp(options);
  const observability = createObservability(options, app.log);

  const storage = await openStorage(options);
  const registry = new ScopeRegistry({
    storage,
    createPdp: observability === undefined ? resolved.createPdp : observability.wrapFactory(resolved.createPdp),
    compactEvery: resolved.compactEvery,
    logger: app.log,
  });
  observability?.attach(registry);
  const keys = new KeyRing();
  const limiter = resolved.limits === undefined ? undefined : new RateLimiter(resolved.limits);

  try {
    await loadState(options, resolved.apiKeys, storage, keys, registry);
  } catch (error) {
    await storage.close();
    throw error;
  }

  const follower =
    storage.shared === undefined
      ? undefined
      : new Follower({ registry, journal: storage.shared, pollInterval: resolved.pollInterval, logger: app.log });
  await follower?.start();
  if (follower !== undefined && observability?.metrics !== undefined) {
    observability.metrics.journalLag = () => follower.lag();
  }
  // Shared database: keys created, rescoped or revoked there (`permissio-server keys`) apply here within a poll.
  const keyRefresh =
    storage.shared === undefined
      ? undefined
      : setInterval(() => {
          const changes = keys.changes;
          Promise.resolve(storage.listApiKeys()).then(
            (stored) => keys.replaceAll(stored, changes),
            // The database is down: keep the keys we have (the follower reports the outage).
            () => undefined,
          );
        }, resolved.pollInterval);
  keyRefresh?.unref();

  observability?.installHooks(app, routes);
  registerRoutes(app, routes, {
    keys,
    limiter,
    registry,
    apiKeys: new ApiKeyStore(storage, keys),
    consistencyTimeout: resolved.consistencyTimeout,
    ...(follower === undefined ? {} : { health: () => follower.health() }),
  });
  const serviceDeps = { keys, limiter, registry };
  registerServiceRoutes(app, serviceDeps);
  observability?.installRoutes(app, keys);

  let bound: { url: string; port: number };
  let grpcServer: ServiceGrpcServer | undefined;
  try {
    bound = await listen(app, resolved.host, resolved.port);
    if (resolved.grpcPort !== undefined) {
      grpcServer = await startGrpcService(serviceDeps, resolved.host, resolved.grpcPort, app.log);
    }
  } catch (error) {
    clearInterval(keyRefresh);
    await follower?.close();
    await app.close().catch(() => undefined);
    await registry.close().catch(() => undefined);
    await storage.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      startShutdown();
      clearInterval(keyRefresh);
      await Promise.all([app.close(), grpcServer?.close()]);
      await follower?.close();
      await registry.close();
      await storage.close();
    })());

  return {
    url: bound.url,
    port: bound.port,
    grpcPort: grpcServer?.port,
    app,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function distinctScopes(keys: readonly ApiKeyConfig[]): Scope[] {
  const scopes: Scope[] = [];
  for (const k of keys) {
    if (!scopes.some((s) => s.projectId === k.projectId && s.environmentId === k.environmentId)) {
      scopes.push({ projectId: k.projectId, environmentId: k.environmentId });
    }
  }
  return scopes;
}

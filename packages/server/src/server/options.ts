/** Options of `startServer`, and their validation (at start, never on the first request). */
import { createEngine } from '@permissio/engine';
import type { Pdp, PolicySnapshot } from '@permissio/core';
import { type ApiKeyConfig, assertApiKeyFormat, assertScopeId } from '../auth.js';
import { parseKeyScopes } from '../key-scopes.js';
import { resolveRateLimits, type RateLimitOptions, type ResolvedRateLimits } from '../rate-limit.js';
import type { PdpFactory } from '../registry.js';
import type { Scope, Storage } from '../storage.js';
import type { ObservabilityOptions } from '../observe/options.js';

/** Logger options: `true` for Fastify's JSON logger at `info`, or pino options (`level`, `stream` …). */
export type ServerLoggerOptions =
  | boolean
  | ({ level?: string; stream?: { write(msg: string): void } } & Record<string, unknown>);

/** Options of `startServer` (observability: `metrics`, `decisionLog`, `recentDecisions`, see `observe/options.ts`). */
export interface ServerOptions extends ObservabilityOptions {
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @defaultValue 7766 */
  port?: number;
  /**
   * Serve the permissions service over gRPC (`proto/permissions_service.proto`)
   * on this TCP port of `host` as well; 0 picks a free one
   * (`PermissioServer.grpcPort`). @defaultValue no gRPC
   */
  grpcPort?: number;
  /**
   * SQLite file path, `':memory:'` (nothing survives a restart), or a
   * PostgreSQL URL `postgres://user:pass@host:5432/db` shared by several
   * replicas (README, "Running several replicas"). @defaultValue ':memory:'
   */
  database?: string;
  /**
   * PostgreSQL: milliseconds between polls of the journal head (the fallback
   * for lost notifications). @defaultValue 1000
   */
  pollInterval?: number;
  /**
   * Milliseconds a check with `consistency: 'full'` or `{atLeast}` may wait
   * for this replica to catch up before answering 503 `STALE_REPLICA`.
   * @defaultValue 5000
   */
  consistencyTimeout?: number;
  /**
   * API keys to accept (stored hashed; keys stored by earlier runs stay valid),
   * each with its `scopes` (`check`, `read`, `admin`; default `['admin']`).
   */
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
  /**
   * Milliseconds an idle keep-alive connection stays open (above common 60 s
   * proxy idle timeouts). @defaultValue 72_000
   */
  keepAliveTimeout?: number;
  /** Advanced: the engine of each scope. @defaultValue `createEngine()` from `@permissio/engine` */
  createPdp?: PdpFactory;
  /** Advanced: a storage implementation instead of the one `database` names. */
  storage?: Storage;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedServerOptions {
  host: string;
  port: number;
  /** `undefined`: no gRPC service. */
  grpcPort: number | undefined;
  apiKeys: ApiKeyConfig[];
  /** `undefined` when rate limits are off. */
  limits: ResolvedRateLimits | undefined;
  compactEvery: number;
  createPdp: PdpFactory;
  pollInterval: number;
  consistencyTimeout: number;
}

const SCOPE_PARAMS = ['projectId', 'environmentId'] as const;

/** Validates `options` and fills in defaults; throws a `TypeError` naming the bad option. */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7766;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`Invalid port ${String(port)}.`);
  const grpcPort = options.grpcPort;
  if (grpcPort !== undefined && (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65535)) {
    throw new TypeError(`Invalid grpcPort ${String(grpcPort)}: an integer from 0 to 65535.`);
  }
  const apiKeys = (options.apiKeys ?? []).map((key, index) => {
    assertApiKeyFormat(key.key);
    for (const field of SCOPE_PARAMS) assertScopeId(key[field], `apiKeys[].${field}`);
    // Names the key by its position, never by its value.
    return { ...key, scopes: parseKeyScopes(key.scopes, `apiKeys[${index}].scopes`) };
  });
  const pollInterval = options.pollInterval ?? 1000;
  if (!Number.isInteger(pollInterval) || pollInterval < 10 || pollInterval > 3_600_000) {
    throw new TypeError(`pollInterval must be an integer number of milliseconds from 10 to 3600000.`);
  }
  const consistencyTimeout = options.consistencyTimeout ?? 5000;
  if (!Number.isInteger(consistencyTimeout) || consistencyTimeout < 0 || consistencyTimeout > 600_000) {
    throw new TypeError(`consistencyTimeout must be an integer number of milliseconds from 0 to 600000.`);
  }
  for (const scope of options.seedScopes ?? []) {
    for (const field of SCOPE_PARAMS) assertScopeId(scope[field], `seedScopes[].${field}`);
  }
  return {
    host,
    port,
    grpcPort,
    apiKeys,
    limits: options.rateLimits === false ? undefined : resolveRateLimits(options.rateLimits ?? {}),
    compactEvery: options.compactEvery ?? 1000,
    createPdp: options.createPdp ?? (() => createEngine() as Pdp),
    pollInterval,
    consistencyTimeout,
  };
}

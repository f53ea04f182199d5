/**
 * `permissio-server` as a function: `main({argv, env, stdout, stderr})`
 * resolves to the exit code, so tests run it in-process.
 *
 * Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM, or `stop`) or `--help`;
 * 2 for a usage error (unknown flag, bad value); 1 when the server cannot
 * start (unreadable seed, invalid snapshot, port in use, bad database).
 */
import { createWriteStream } from 'node:fs';
import type { PolicySnapshot } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { type ApiKeyConfig, generateApiKey } from '../auth.js';
import { type PermissioServer, startServer } from '../server.js';
import { isPostgresUrl, redactDatabaseUrl } from '../database-url.js';
import { PostgresStorage } from '../postgres-storage.js';
import { SqliteBindingError } from '../sqlite-driver.js';
import { SqliteStorage, type Storage } from '../storage.js';
import { SERVER_VERSION } from '../version.js';
import { type CliIo, type CliOptions, parseCli, UsageError } from './args.js';
import { parseKeysCommand, runKeysCommand } from './keys.js';
import { describeSnapshot, readSeed } from './seed.js';
import { runTypes } from './types.js';

/** A writable stream, as far as the CLI needs one. */
export interface CliStream {
  write(text: string): unknown;
}

/** Everything the CLI takes from its process. */
export interface CliRuntime {
  /** Arguments without node and the script. */
  argv: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  stdout: CliStream;
  stderr: CliStream;
  /**
   * Resolves (with a signal name) when the server should stop.
   * @defaultValue the first SIGINT or SIGTERM of this process
   */
  stop?: Promise<string>;
  /** Called once the server listens (tests use it to reach the server). */
  onListening?: (server: PermissioServer) => void;
}

function describeStartError(error: unknown, options: CliOptions): string {
  const e = error as NodeJS.ErrnoException & { name?: string };
  if (e?.code === 'EADDRINUSE') return `Port ${options.port} on ${options.host} is already in use.`;
  if (e?.code === 'EADDRNOTAVAIL') return `Cannot listen on ${options.host}: address not available.`;
  if (e?.code === 'EACCES') return `Not allowed to listen on ${options.host}:${options.port}.`;
  if (e?.name === 'PermissioValidationError') {
    return `Invalid seed snapshot${options.seed ? ` in ${JSON.stringify(options.seed)}` : ''}: ${e.message}`;
  }
  return e instanceof Error ? e.message : String(error);
}

/** The first SIGINT/SIGTERM of this process; `dispose` removes the listeners. */
function processSignals(): { stopped: Promise<string>; dispose: () => void } {
  let dispose: () => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      dispose();
      resolve(signal);
    };
    dispose = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return { stopped, dispose };
}

async function openStorage(db: string): Promise<Storage> {
  // PostgreSQL errors name the database by its redacted URL already (never the password).
  if (isPostgresUrl(db)) return await PostgresStorage.connect(db);
  try {
    return new SqliteStorage(db);
  } catch (error) {
    if (error instanceof SqliteBindingError) throw error;
    throw new Error(`Cannot open the database ${JSON.stringify(db)}: ${(error as Error).message}`);
  }
}

async function start(options: CliOptions, io: CliIo, logStream: CliStream): Promise<PermissioServer> {
  const seed: PolicySnapshot | undefined = options.seed === undefined ? undefined : readSeed(options.seed);
  const apiKeys: ApiKeyConfig[] = options.apiKeys.map((key) => ({
    key,
    projectId: options.project,
    environmentId: options.environment,
    scopes: options.apiKeyScopes,
  }));
  const storage = await openStorage(options.db);
  try {
    return await startOn(storage, seed, apiKeys, options, io, logStream);
  } catch (error) {
    await storage.close();
    throw error;
  }
}

async function startOn(
  storage: Storage,
  seed: PolicySnapshot | undefined,
  apiKeys: ApiKeyConfig[],
  options: CliOptions,
  io: CliIo,
  logStream: CliStream,
): Promise<PermissioServer> {
  let generated: string | undefined;
  if (apiKeys.length === 0 && (await storage.listApiKeys()).length === 0) {
    generated = generateApiKey();
    apiKeys.push({ key: generated, projectId: options.project, environmentId: options.environment });
  }
  const storedKeys = (await storage.listApiKeys()).length;
  const scope = { projectId: options.project, environmentId: options.environment };
  const db = JSON.stringify(redactDatabaseUrl(options.db));
  let seeding = false;
  if (seed !== undefined) {
    if (options.reset && !(await storage.isEmpty())) {
      // Validated first: an invalid seed must not cost the stored policy.
      createEngine(seed);
      await storage.reset?.();
      io.out(`--reset: emptied the policy stored in ${db} (API keys kept).`);
    }
    seeding = await storage.isEmpty();
    if (!seeding) {
      io.out(
        `Seed ${JSON.stringify(options.seed)} NOT loaded: the database ${db} already holds a policy ` +
          '(a seed only fills an empty database). Run with --reset to replace the stored policy with the seed.',
      );
    }
  }
  const restored = seeding ? 0 : ((await storage.scopeCount?.()) ?? 0);
  const decisionLogStream =
    options.decisionLog === undefined
      ? undefined
      : options.decisionLog === 'stdout'
        ? logStream
        : createWriteStream(options.decisionLog, { flags: 'a' });
  let server: PermissioServer;
  try {
    server = await startServer({
      host: options.host,
      port: options.port,
      ...(options.grpcPort === undefined ? {} : { grpcPort: options.grpcPort }),
      storage,
      pollInterval: options.pollInterval,
      apiKeys,
      ...(seed === undefined ? {} : { seed, seedScopes: [scope] }),
      rateLimits: options.rateLimit ? {} : false,
      metrics: options.metrics === 'off' ? false : { access: options.metrics },
      recentDecisions: options.recentDecisions,
      ...(decisionLogStream === undefined ? {} : { decisionLog: { to: decisionLogStream } }),
      logger:
        options.logLevel === 'silent'
          ? false
          : { level: options.logLevel, stream: { write: (msg) => logStream.write(msg) } },
    });
  } catch (error) {
    storage.close();
    throw error;
  }
  io.out(`Permissio server ${SERVER_VERSION} listening on ${server.url}`);
  const health = await fetch(`${server.url}/healthz`).then(
    (r) => `${r.status} ${r.statusText}`,
    (e: unknown) => `unreachable (${(e as Error).message})`,
  );
  io.out(`Health: ${server.url}/healthz → ${health}`);
  io.out(`OpenAPI: ${server.url}/openapi.json`);
  if (server.grpcPort !== undefined) io.out(`gRPC permissions service on ${options.host}:${server.grpcPort}`);
  io.out(`Scope of API keys: project "${options.project}", environment "${options.environment}"`);
  if (seeding && seed !== undefined) {
    io.out(
      `Loaded seed ${JSON.stringify(options.seed)} into project "${options.project}", ` +
        `environment "${options.environment}": ${describeSnapshot(seed)}.`,
    );
  } else if (restored > 0) {
    io.out(`Restored the policy of ${restored} project/environment scope(s) from ${db}.`);
  } else {
    io.out(
      `No policy loaded: the database ${db} is empty. Start with --seed <file> ` +
        '(example: "Seed file" in the README of @permissio/server).',
    );
  }
  if (generated !== undefined) {
    io.out(`Generated API key (shown once, store it now): ${generated}`);
  } else if (options.apiKeys.length === 0) {
    io.out(`Using ${storedKeys} API key(s) stored in the database.`);
  }
  if (!options.rateLimit) io.out('Rate limits are OFF.');
  return server;
}

/** `permissio-server keys …`: 0 when done, 2 for a usage error, 1 when the database fails. */
async function keys(runtime: CliRuntime, io: CliIo): Promise<number> {
  let command: ReturnType<typeof parseKeysCommand>;
  try {
    command = parseKeysCommand(runtime.argv.slice(1), io, runtime.env ?? {});
  } catch (error) {
    io.err(`permissio-server keys: ${(error as Error).message}\nRun "permissio-server keys --help" for usage.`);
    return 2;
  }
  if (command === undefined) return 0;
  let storage: Storage;
  try {
    storage = await openStorage(command.db);
  } catch (error) {
    io.err(`permissio-server keys: ${(error as Error).message}`);
    return 1;
  }
  try {
    return await runKeysCommand(command, storage, io);
  } catch (error) {
    io.err(`permissio-server keys: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await storage.close();
  }
}

/** Runs the CLI; resolves to the exit code once the server has stopped (or failed to start). */
export async function main(runtime: CliRuntime): Promise<number> {
  const io: CliIo = {
    out: (line) => runtime.stdout.write(`${line}\n`),
    err: (line) => runtime.stderr.write(`${line}\n`),
  };
  if (runtime.argv[0] === 'keys') return await keys(runtime, io);
  // `permissio-server types …`: the policy's declaration file, no server started.
  if (runtime.argv[0] === 'types') return runTypes(runtime.argv.slice(1), io, runtime.env ?? {});
  let options: CliOptions | undefined;
  try {
    options = parseCli(runtime.argv, io, runtime.env ?? {});
  } catch (error) {
    io.err(`permissio-server: ${(error as Error).message}\nRun "permissio-server --help" for usage.`);
    return 2;
  }
  if (options === undefined) return 0;

  // Listening from before the start, so a signal during start-up is not lost.
  const signals = runtime.stop === undefined ? processSignals() : undefined;
  let server: PermissioServer;
  try {
    server = await start(options, io, runtime.stdout);
  } catch (error) {
    signals?.dispose();
    io.err(`permissio-server: ${describeStartError(error, options)}`);
    return 1;
  }
  runtime.onListening?.(server);

  const signal = await (runtime.stop ?? (signals as { stopped: Promise<string> }).stopped);
  io.out(`Received ${signal}, shutting down…`);
  try {
    await server.close();
    return 0;
  } catch (error) {
    io.err(`permissio-server: error while closing: ${(error as Error).message}`);
    return 1;
  }
}

/**
 * `permissio-server`: the local PDP server from the command line.
 *
 * Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM) or `--help`;
 * 2 for a usage error (unknown flag, bad value); 1 when the server cannot
 * start (unreadable seed, invalid snapshot, port in use, bad database).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { PolicySnapshot } from '@permissio/core';
import { API_KEY_PREFIX, assertApiKeyFormat, generateApiKey, type ApiKeyConfig } from './auth.js';
import { startServer, type PermissioServer } from './server.js';
import { SqliteStorage } from './storage.js';
import { SERVER_VERSION } from './version.js';

const HELP = `permissio-server ${SERVER_VERSION} — local Permissio PDP server

Usage: permissio-server [options]

Options:
  --port <n>            TCP port (default 7766; 0 picks a free one)
  --host <addr>         interface to listen on (default 127.0.0.1)
  --db <path>           SQLite database file, or :memory: (default ./permissio.db)
  --seed <file>         policy snapshot (.json, .yaml or .yml) loaded only into an empty database
  --api-key <key>       accept this API key (${API_KEY_PREFIX}…); repeatable.
                        Without one, a key is generated and printed once
                        (only when the database holds no key yet).
  --project <id>        project of the keys above (default "default")
  --environment <id>    environment of the keys above (default "default")
  --no-rate-limit       switch rate limits off (local development)
  --log-level <level>   fatal|error|warn|info|debug|trace|silent (default info)
  --version             print the version
  -h, --help            print this help

The REST API is described at <url>/openapi.json; <url>/healthz answers 200 when ready.
`;

class UsageError extends Error {}

interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Parsed command line. */
export interface CliOptions {
  port: number;
  host: string;
  db: string;
  seed?: string;
  apiKeys: string[];
  project: string;
  environment: string;
  rateLimit: boolean;
  logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parses argv (without node and script); throws `UsageError` on a bad flag or value. `undefined` = help/version printed. */
export function parseCli(argv: readonly string[], io: CliIo): CliOptions | undefined {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        seed: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        project: { type: 'string' },
        environment: { type: 'string' },
        'no-rate-limit': { type: 'boolean' },
        'log-level': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // Node's messages name the flag; none of them can contain a key value we were not given.
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    io.out(HELP);
    return undefined;
  }
  if (values.version) {
    io.out(SERVER_VERSION);
    return undefined;
  }
  const portText = (values.port as string | undefined) ?? '7766';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(portText)}.`);
  }
  const logLevel = (values['log-level'] as string | undefined) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}.`);
  }
  const apiKeys = (values['api-key'] as string[] | undefined) ?? [];
  for (const key of apiKeys) {
    try {
      assertApiKeyFormat(key);
    } catch (error) {
      throw new UsageError(`--api-key: ${(error as Error).message}`);
    }
  }
  const nonEmpty = (name: string, fallback: string): string => {
    const value = (values[name] as string | undefined) ?? fallback;
    if (value.length === 0) throw new UsageError(`--${name} must not be empty.`);
    return value;
  };
  const options: CliOptions = {
    port: Number(portText),
    host: nonEmpty('host', '127.0.0.1'),
    db: nonEmpty('db', './permissio.db'),
    apiKeys,
    project: nonEmpty('project', 'default'),
    environment: nonEmpty('environment', 'default'),
    rateLimit: !values['no-rate-limit'],
    logLevel,
  };
  if (values.seed !== undefined) options.seed = nonEmpty('seed', '');
  return options;
}

function readSeed(path: string): PolicySnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read the seed file ${JSON.stringify(path)}${code ? ` (${code})` : ''}.`);
  }
  const yaml = /\.ya?ml$/i.test(path);
  let parsed: unknown;
  try {
    parsed = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new Error(
      `The seed file ${JSON.stringify(path)} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`The seed file ${JSON.stringify(path)} must hold a JSON object (a policy snapshot).`);
  }
  return parsed as PolicySnapshot;
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

/** Runs the CLI; resolves to the exit code once the server has stopped (or failed to start). */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let options: CliOptions | undefined;
  try {
    options = parseCli(argv, io);
  } catch (error) {
    io.err(`permissio-server: ${(error as Error).message}\nRun "permissio-server --help" for usage.`);
    return 2;
  }
  if (options === undefined) return 0;

  let server: PermissioServer;
  let generated: string | undefined;
  try {
    const seed = options.seed === undefined ? undefined : readSeed(options.seed);
    const apiKeys: ApiKeyConfig[] = options.apiKeys.map((key) => ({
      key,
      projectId: options.project,
      environmentId: options.environment,
    }));
    let storage: SqliteStorage;
    try {
      storage = new SqliteStorage(options.db);
    } catch (error) {
      throw new Error(`Cannot open the database ${JSON.stringify(options.db)}: ${(error as Error).message}`);
    }
    if (apiKeys.length === 0 && storage.listApiKeys().length === 0) {
      generated = generateApiKey();
      apiKeys.push({ key: generated, projectId: options.project, environmentId: options.environment });
    }
    const storedKeys = storage.listApiKeys().length;
    try {
      server = await startServer({
        host: options.host,
        port: options.port,
        storage,
        apiKeys,
        ...(seed === undefined ? {} : { seed }),
        rateLimits: options.rateLimit ? {} : false,
        logger: options.logLevel === 'silent' ? false : { level: options.logLevel },
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
    io.out(`Scope of API keys: project "${options.project}", environment "${options.environment}"`);
    if (generated !== undefined) {
      io.out(`Generated API key (shown once, store it now): ${generated}`);
    } else if (options.apiKeys.length === 0) {
      io.out(`Using ${storedKeys} API key(s) stored in the database.`);
    }
    if (!options.rateLimit) io.out('Rate limits are OFF.');
  } catch (error) {
    io.err(`permissio-server: ${describeStartError(error, options)}`);
    return 1;
  }

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      io.out(`Received ${signal}, shutting down…`);
      server.close().then(
        () => resolve(0),
        (error: unknown) => {
          io.err(`permissio-server: error while closing: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`permissio-server: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);

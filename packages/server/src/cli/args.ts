/** The command line of `permissio-server`: flags, help text, usage errors. */
import { parseArgs } from 'node:util';
import { API_KEY_PREFIX, assertApiKeyFormat, assertScopeId } from '../auth.js';
import { type KeyScope, parseKeyScopes } from '../key-scopes.js';
import { SERVER_VERSION } from '../version.js';

const HELP = `permissio-server ${SERVER_VERSION} — local Permissio PDP server

Usage: permissio-server [options]
       permissio-server keys create|list|revoke …   (API keys in the database; keys --help)
       permissio-server types (--seed <file> | --url <url>) [--out <file>] [--check]
                        write (or check) the policy's TypeScript declaration file;
                        "permissio-server types --help" for its options

Options:
  --port <n>            TCP port (default 7766; 0 picks a free one)
  --host <addr>         interface to listen on (default 127.0.0.1)
  --grpc-port <n>       also serve the permissions service over gRPC on this port of --host
                        (proto/permissions_service.proto; 0 picks a free one; default: no gRPC).
                        Its REST twin is always at <url>/permissions-service/v1 (docs/SERVICE.md)
  --db <path>           SQLite database file, or :memory: (default ./permissio.db)
  --database <url|path> postgres://user:pass@host:5432/db: several replicas share one
                        PostgreSQL database (or a SQLite path, as --db). Default: the
                        environment variable PERMISSIO_DATABASE_URL, else --db.
  --poll-interval <t>   PostgreSQL: how often a replica polls the journal head as the
                        fallback for missed notifications: 1s, 500ms, or milliseconds
                        (default 1s)
  --seed <file>         policy snapshot (.json, .yaml or .yml) loaded only into an empty database
  --api-key <key>       accept this API key (${API_KEY_PREFIX}…); repeatable.
                        Without one, a key is generated and printed once
                        (only when the database holds no key yet).
  --api-key-scope <s>   scopes of the --api-key keys: check, read or admin (default admin;
                        check ⊂ read ⊂ admin); repeatable or comma-separated
  --project <id>        project of the keys above (default "default")
  --environment <id>    environment of the keys above (default "default")
  --reset               empty the database's policy (API keys stay) and load --seed into it
  --no-rate-limit       switch rate limits off (local development)
  --log-level <level>   fatal|error|warn|info|debug|trace|silent (default info)
  --decision-log <dest> write every decision as a JSON line to stdout or to this file (appended)
  --recent-decisions <n>  keep the last n decisions per scope for GET …/decisions (default 1000; 0 = off)
  --metrics <access>    GET /metrics for loopback|api-key|open clients, or off (default loopback)
  --version             print the version
  -h, --help            print this help

The REST API is described at <url>/openapi.json; <url>/healthz answers 200 when ready.
`;

/** A bad flag or value: exit code 2. */
export class UsageError extends Error {}

/** Where the CLI writes its lines. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Parsed command line. */
export interface CliOptions {
  port: number;
  /** `--grpc-port`: serve the gRPC service too. */
  grpcPort?: number;
  host: string;
  db: string;
  seed?: string;
  apiKeys: string[];
  /** Scopes of the `--api-key` keys. */
  apiKeyScopes: KeyScope[];
  project: string;
  environment: string;
  /** Milliseconds between journal polls (PostgreSQL). */
  pollInterval: number;
  /** Empty the stored policy before seeding. */
  reset: boolean;
  rateLimit: boolean;
  logLevel: string;
  /** \`stdout\` or a file path. */
  decisionLog?: string;
  recentDecisions: number;
  metrics: 'loopback' | 'api-key' | 'open' | 'off';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Parses argv (without node and script); throws `UsageError` on a bad flag or
 * value. `undefined` = help/version printed.
 */
export function parseCli(
  argv: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = {},
): CliOptions | undefined {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'grpc-port': { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        database: { type: 'string' },
        'poll-interval': { type: 'string' },
        seed: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        'api-key-scope': { type: 'string', multiple: true },
        project: { type: 'string' },
        environment: { type: 'string' },
        reset: { type: 'boolean' },
        'no-rate-limit': { type: 'boolean' },
        'log-level': { type: 'string' },
        'decision-log': { type: 'string' },
        'recent-decisions': { type: 'string' },
        metrics: { type: 'string' },
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
  const grpcPortText = values['grpc-port'] as string | undefined;
  if (grpcPortText !== undefined && (!/^\d{1,5}$/.test(grpcPortText) || Number(grpcPortText) > 65535)) {
    throw new UsageError(`--grpc-port must be an integer from 0 to 65535, got ${JSON.stringify(grpcPortText)}.`);
  }
  const logLevel = (values['log-level'] as string | undefined) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}.`);
  }
  const recentText = (values['recent-decisions'] as string | undefined) ?? '1000';
  if (!/^\d{1,7}$/.test(recentText) || Number(recentText) > 1_000_000) {
    throw new UsageError(`--recent-decisions must be an integer from 0 to 1000000, got ${JSON.stringify(recentText)}.`);
  }
  const metrics = (values.metrics as string | undefined) ?? 'loopback';
  if (!['loopback', 'api-key', 'open', 'off'].includes(metrics)) {
    throw new UsageError('--metrics must be one of loopback, api-key, open, off.');
  }
  const apiKeys = (values['api-key'] as string[] | undefined) ?? [];
  for (const key of apiKeys) {
    try {
      assertApiKeyFormat(key);
    } catch (error) {
      throw new UsageError(`--api-key: ${(error as Error).message}`);
    }
  }
  const scopeNames = ((values['api-key-scope'] as string[] | undefined) ?? []).flatMap((s) => s.split(','));
  let apiKeyScopes: KeyScope[] = ['admin'];
  if (scopeNames.length > 0) {
    if (apiKeys.length === 0) throw new UsageError('--api-key-scope needs --api-key (the keys it applies to).');
    try {
      apiKeyScopes = parseKeyScopes(
        scopeNames.map((name) => name.trim()),
        '--api-key-scope',
      );
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const nonEmpty = (name: string, fallback: string): string => {
    const value = (values[name] as string | undefined) ?? fallback;
    if (value.length === 0) throw new UsageError(`--${name} must not be empty.`);
    return value;
  };
  const scopeId = (name: 'project' | 'environment'): string => {
    const value = nonEmpty(name, 'default');
    try {
      assertScopeId(value, `--${name}`);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return value;
  };
  if (values.db !== undefined && values.database !== undefined) {
    throw new UsageError('Give --db or --database, not both.');
  }
  const fromEnv = env.PERMISSIO_DATABASE_URL;
  const db =
    values.database !== undefined
      ? nonEmpty('database', '')
      : values.db === undefined && fromEnv !== undefined && fromEnv !== ''
        ? fromEnv
        : nonEmpty('db', './permissio.db');
  const options: CliOptions = {
    port: Number(portText),
    ...(grpcPortText === undefined ? {} : { grpcPort: Number(grpcPortText) }),
    host: nonEmpty('host', '127.0.0.1'),
    db,
    pollInterval: parseDuration((values['poll-interval'] as string | undefined) ?? '1s', '--poll-interval'),
    apiKeys,
    apiKeyScopes,
    project: scopeId('project'),
    environment: scopeId('environment'),
    reset: values.reset === true,
    rateLimit: !values['no-rate-limit'],
    logLevel,
    recentDecisions: Number(recentText),
    metrics: metrics as CliOptions['metrics'],
  };
  if (values['decision-log'] !== undefined) options.decisionLog = nonEmpty('decision-log', '');
  if (values.seed !== undefined) options.seed = nonEmpty('seed', '');
  if (options.reset && options.seed === undefined) {
    throw new UsageError('--reset needs --seed: it replaces the stored policy with the seed.');
  }
  return options;
}

/** `1s`, `500ms`, `2.5s` or a number of milliseconds → milliseconds (10 ms to 1 h). */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  if (!Number.isFinite(ms) || ms < 10 || ms > 3_600_000) {
    throw new UsageError(
      `${flag} must be a duration from 10ms to 3600s (e.g. 1s, 500ms), got ${JSON.stringify(text)}.`,
    );
  }
  return Math.round(ms);
}

/**
 * `permissio-server keys create|list|revoke`: API keys in the server's
 * database (SQLite file or PostgreSQL), stored as SHA-256 digests only.
 * `create` prints the new key once; `list` shows its id (the start of its
 * digest), prefix, scopes and creation time, never the key; `revoke` deletes it.
 */
import { parseArgs } from 'node:util';
import { createStoredKey, type ListedKey, listedKey } from '../api-key-store.js';
import { API_KEY_PREFIX, assertScopeId, hashApiKey } from '../auth.js';
import { effectiveScopes, KEY_SCOPES, type KeyScope, parseKeyScopes } from '../key-scopes.js';
import type { Storage, StoredApiKey } from '../storage.js';
import { type CliIo, UsageError } from './args.js';

export const KEYS_HELP = `Usage: permissio-server keys <command> [options]

Commands:
  create --scope <scope>   create a key and print it once (store it then: only its SHA-256 is kept)
  list                     list the keys: id, prefix, scopes, project, environment, created (never a key)
  revoke <id|prefix>       delete the key with this id (≥ 8 hex characters of it) or prefix

Options:
  --scope <scope>       check (decisions only), read (check + reading the policy) or admin
                        (everything: writes, key management); repeatable or comma-separated
  --project <id>        project of the new key (default "default")
  --environment <id>    environment of the new key (default "default")
  --db <path>           SQLite database file (default ./permissio.db); a running server holds
                        it locked: stop it first (it reads its keys at start)
  --database <url|path> postgres://…: running replicas drop a revoked key within their
                        --poll-interval. Default: PERMISSIO_DATABASE_URL, else --db.
  --json                print JSON instead of text (create, list)
`;

/** Parsed `keys` command line. */
export interface KeysCommand {
  command: 'create' | 'list' | 'revoke';
  db: string;
  json: boolean;
  scopes: KeyScope[];
  projectId: string;
  environmentId: string;
  /** `revoke`'s argument. */
  target?: string;
}

/** Parses `keys …` (after the word `keys`); throws `UsageError`. `undefined`: help printed. */
export function parseKeysCommand(
  argv: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
): KeysCommand | undefined {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        scope: { type: 'string', multiple: true },
        project: { type: 'string' },
        environment: { type: 'string' },
        db: { type: 'string' },
        database: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command, target, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.out(KEYS_HELP);
    return undefined;
  }
  if (command !== 'create' && command !== 'list' && command !== 'revoke') {
    throw new UsageError(`Unknown keys command ${JSON.stringify(command.slice(0, 40))}: create, list or revoke.`);
  }
  if (rest.length > 0 || (target !== undefined && command !== 'revoke')) {
    throw new UsageError(`Unexpected argument after "keys ${command}".`);
  }
  if (command === 'revoke' && (target === undefined || target === '')) {
    throw new UsageError('keys revoke needs the id or prefix of a key (see "permissio-server keys list").');
  }
  const scopeNames = ((values.scope as string[] | undefined) ?? []).flatMap((s) => s.split(',').map((x) => x.trim()));
  if (command === 'create' && scopeNames.length === 0) {
    throw new UsageError(`keys create needs --scope (${KEY_SCOPES.join(', ')}).`);
  }
  if (command !== 'create' && scopeNames.length > 0) throw new UsageError('--scope is for "keys create" only.');
  let scopes: KeyScope[] = [];
  if (scopeNames.length > 0) {
    try {
      scopes = parseKeyScopes(scopeNames, '--scope');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const scopeId = (name: 'project' | 'environment'): string => {
    const value = (values[name] as string | undefined) ?? 'default';
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
    (values.database as string | undefined) ??
    (values.db === undefined && fromEnv !== undefined && fromEnv !== ''
      ? fromEnv
      : ((values.db as string | undefined) ?? './permissio.db'));
  if (db === '') throw new UsageError('--db/--database must not be empty.');
  const out: KeysCommand = {
    command,
    db,
    json: values.json === true,
    scopes,
    projectId: scopeId('project'),
    environmentId: scopeId('environment'),
  };
  if (target !== undefined) out.target = target;
  return out;
}

/** The key `target` names (an id: ≥ 8 hex characters of its digest; or its prefix); throws unless exactly one. */
function findKey(keys: readonly StoredApiKey[], target: string): StoredApiKey {
  const bare = target.startsWith(API_KEY_PREFIX) ? target.slice(API_KEY_PREFIX.length) : target;
  const prefix = bare.replace(/…$/, '');
  const byId = /^[0-9a-f]{8,64}$/i.test(target) ? keys.filter((k) => k.hash.startsWith(target.toLowerCase())) : [];
  const byPrefix = prefix.length >= 8 ? keys.filter((k) => k.prefix !== undefined && k.prefix === prefix) : [];
  const matches = [...new Set([...byId, ...byPrefix])];
  // A full key given by mistake: found by its digest, and never echoed.
  if (matches.length === 0 && target.startsWith(API_KEY_PREFIX) && target.length > API_KEY_PREFIX.length + 8) {
    const digest = hashApiKey(target);
    const exact = keys.filter((k) => k.hash === digest);
    if (exact.length === 1) return exact[0] as StoredApiKey;
  }
  if (matches.length === 0) {
    throw new UsageError('No API key has this id or prefix; "permissio-server keys list" shows them.');
  }
  if (matches.length > 1) {
    throw new UsageError(`${matches.length} API keys match; give more characters of the id.`);
  }
  return matches[0] as StoredApiKey;
}

function table(keys: readonly ListedKey[]): string[] {
  const rows = [
    ['ID', 'PREFIX', 'SCOPES', 'PROJECT', 'ENVIRONMENT', 'CREATED'],
    ...keys.map((k) => [k.id, k.prefix ?? '-', k.scopes.join(','), k.projectId, k.environmentId, k.createdAt ?? '-']),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd(),
  );
}

/** Runs a parsed `keys` command on `storage`; resolves to the exit code. */
export async function runKeysCommand(command: KeysCommand, storage: Storage, io: CliIo): Promise<number> {
  if (storage.deleteApiKey === undefined && command.command === 'revoke') {
    throw new Error('This storage cannot delete API keys.');
  }
  if (command.command === 'create') {
    const { key, listed: info } = await createStoredKey(
      storage,
      { projectId: command.projectId, environmentId: command.environmentId },
      command.scopes,
    );
    if (command.json) {
      io.out(JSON.stringify({ key, ...info }));
    } else {
      io.out(
        `Created API key ${info.id} (${info.prefix}), scopes ${effectiveScopes(info.scopes).join(', ')}, ` +
          `project "${info.projectId}", environment "${info.environmentId}".`,
      );
      io.out(`Key (shown once, store it now): ${key}`);
    }
    return 0;
  }
  const keys = await storage.listApiKeys();
  if (command.command === 'list') {
    const all = keys.map(listedKey).sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
    if (command.json) io.out(JSON.stringify(all));
    else if (all.length === 0) io.out('No API keys stored.');
    else for (const line of table(all)) io.out(line);
    return 0;
  }
  const found = findKey(keys, command.target as string);
  await storage.deleteApiKey?.(found.hash);
  const info = listedKey(found);
  io.out(
    `Revoked API key ${info.id}${info.prefix === null ? '' : ` (${info.prefix})`} of project "${info.projectId}", ` +
      `environment "${info.environmentId}".`,
  );
  return 0;
}

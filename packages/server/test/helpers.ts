import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicySnapshot } from '@permissio/core';
import { startServer, type PermissioServer, type ServerOptions } from '../src/index.js';
import { main } from '../src/cli/main.js';

export const KEY_A = 'permis_key_test_alpha_0123456789';
export const KEY_B = 'permis_key_test_bravo_0123456789';
export const SCOPE_A = { projectId: 'proj-a', environmentId: 'dev' };
export const SCOPE_B = { projectId: 'proj-b', environmentId: 'dev' };

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export const POLICY: PolicySnapshot = {
  resources: [
    {
      key: 'document',
      name: 'Document',
      actions: ['read', 'write', 'delete'],
      attributes: [{ key: 'title', type: 'string' }],
    },
    { key: 'project', actions: ['read', 'admin'] },
  ],
  roles: [
    { key: 'viewer', permissions: ['document:read'] },
    { key: 'editor', permissions: ['document:write'], extends: ['viewer'] },
    { key: 'admin', permissions: ['document:delete', 'project:admin'], extends: ['editor'] },
  ],
  tenants: [{ key: 'acme', name: 'Acme' }],
  users: [{ key: 'alice@example.com', email: 'alice@example.com' }, { key: 'team/bob' }],
  roleAssignments: [
    { user: 'alice@example.com', role: 'editor', tenant: 'acme' },
    { user: 'team/bob', role: 'viewer', tenant: 'acme', resourceInstance: 'document:doc-1' },
  ],
  grants: [{ user: 'alice@example.com', resourceUri: '/project/456', roles: ['admin'], tenant: 'acme' }],
};

/** Starts an in-memory server with keys A and B, rate limits off unless given. */
export async function startTestServer(options: ServerOptions = {}): Promise<PermissioServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [
      { key: KEY_A, ...SCOPE_A },
      { key: KEY_B, ...SCOPE_B },
    ],
    rateLimits: false,
    ...options,
  });
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export function scopePath(scope: { projectId: string; environmentId: string }): string {
  return `/v1/projects/${encodeURIComponent(scope.projectId)}/environments/${encodeURIComponent(scope.environmentId)}`;
}

/** A tiny fetch client: `api(method, path, body?)`. Paths starting with "P/" go under the key's scope. */
export function client(baseUrl: string, key: string | undefined, scope = SCOPE_A) {
  return async function api(method: string, path: string, body?: unknown, raw?: string): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const url = baseUrl + (path.startsWith('P/') ? scopePath(scope) + path.slice(1) : path);
    const response = await fetch(url, {
      method,
      headers,
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'permissio-server-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Ajv 8, reached through Fastify's own dependency tree (fastify →
 * @fastify/ajv-compiler → ajv); it is not a dependency of this package.
 */
export function loadAjv(): new (
  options: Record<string, unknown>,
) => {
  addSchema(schema: unknown, key: string): unknown;
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: unknown[] | null };
  errorsText(errors?: unknown): string;
} {
  const here = createRequire(import.meta.url);
  const fromFastify = createRequire(here.resolve('fastify'));
  const fromCompiler = createRequire(fromFastify.resolve('@fastify/ajv-compiler'));
  const mod = fromCompiler('ajv');
  return mod.default ?? mod;
}

/** A running CLI child process. */
export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  /** Resolves with the server URL once it is printed. */
  url: Promise<string>;
}

/**
 * CLI arguments for a server on an ephemeral port with `db` (none: the database comes from the environment),
 * serving SCOPE_A with KEY_A and no rate limits.
 */
export function scopeACliArgs(db: string | undefined, logLevel: 'silent' | 'warn'): string[] {
  return [
    '--port',
    '0',
    ...(db === undefined ? [] : ['--db', db]),
    '--api-key',
    KEY_A,
    '--project',
    SCOPE_A.projectId,
    '--environment',
    SCOPE_A.environmentId,
    '--no-rate-limit',
    '--log-level',
    logLevel,
  ];
}

/** Spawns `src/cli.ts` through tsx with `args`. */
export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['--conditions=@permissio/source', '--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  let out = '';
  let err = '';
  let resolveUrl: (url: string) => void;
  let rejectUrl: (error: Error) => void;
  const url = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    rejectUrl = reject;
  });
  url.catch(() => undefined);
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) resolveUrl(match[1] as string);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      rejectUrl(new Error(`CLI exited with ${code} before listening: ${err}`));
      resolve(code);
    });
  });
  return { child, stdout: () => out, stderr: () => err, exit, url };
}

/**
 * Runs the CLI in this process; `stop(signal)` plays the part of SIGINT/SIGTERM. `url` rejects if the CLI exits
 * before listening. `onCleanup` receives the stop-and-wait the test must run afterwards.
 */
export function runCliInProcess(args: string[], onCleanup: (cleanup: () => unknown) => void) {
  let out = '';
  let err = '';
  let stop: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  let listening: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const exit = main({
    argv: args,
    env: {},
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stop: stopped,
    onListening: (server) => listening(server.url),
  });
  const failed = exit.then((code) => {
    throw new Error(`CLI exited with ${code} before listening: ${err}`);
  });
  failed.catch(() => undefined);
  onCleanup(() => {
    stop('SIGTERM');
    return exit;
  });
  const ready = Promise.race([url, failed]);
  ready.catch(() => undefined);
  return { stdout: () => out, stderr: () => err, exit, url: ready, stop };
}

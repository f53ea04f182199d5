/**
 * `permissio-server keys create|list|revoke` against a SQLite file and a
 * PostgreSQL database, with a server on them: a created key works with its
 * scope, a listing never shows a key, a revoked key is refused.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { startServer } from '../src/index.js';
import { POLICY, runCliInProcess, tempDir } from './helpers.js';
import { freshDatabase } from './support/test-database.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `permissio-server keys …` in this process: exit code and output. */
async function keys(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await main({
    argv: ['keys', ...args],
    env,
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    stop: new Promise<string>(() => undefined),
  });
  return { code, out, err };
}

/** The key printed by `keys create`. */
function createdKey(out: string): string {
  const match = /Key \(shown once, store it now\): (permis_key_[A-Za-z0-9_-]{43})\n/.exec(out);
  if (match === null) throw new Error(`no key in ${out}`);
  return match[1] as string;
}

const checkBody = JSON.stringify({
  user: 'alice@example.com',
  action: 'write',
  resource: { type: 'document', tenant: 'acme' },
});

async function status(url: string, key: string, method: string, path: string): Promise<number> {
  const response = await fetch(`${url}/v1/projects/default/environments/default${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: checkBody } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Polls `probe` until it returns `want` (at most `ms`); resolves to the last value. */
async function until<T>(probe: () => Promise<T>, want: T, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let value = await probe();
  while (value !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    value = await probe();
  }
  return value;
}

describe('permissio-server keys (SQLite)', () => {
  it('creates (the key printed once), lists (never the key) and revokes; the server honours each', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'permissio.db');

    const created = await keys(['create', '--scope', 'check', '--db', db]);
    expect(created.code).toBe(0);
    const checkKey = createdKey(created.out);
    expect(created.out.split(checkKey)).toHaveLength(2); // printed exactly once
    expect(created.out).toMatch(/Created API key [0-9a-f]{12} \(permis_key_[A-Za-z0-9_-]{8}…\), scopes check,/);
    const readKey = createdKey((await keys(['create', '--scope', 'read', '--db', db])).out);
    const json = await keys(['create', '--scope', 'check,admin', '--db', db, '--json']);
    const admin = JSON.parse(json.out) as { key: string; id: string; scopes: string[]; prefix: string };
    expect(admin.scopes).toEqual(['check', 'admin']);
    expect(admin.prefix).toBe(`${admin.key.slice(0, 19)}…`);

    const listed = await keys(['list', '--db', db]);
    expect(listed.code).toBe(0);
    const lines = listed.out.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+PREFIX\s+SCOPES\s+PROJECT\s+ENVIRONMENT\s+CREATED$/);
    expect(lines).toHaveLength(4);
    expect(listed.out).toContain(checkKey.slice(0, 19));
    for (const key of [checkKey, readKey, admin.key]) expect(listed.out).not.toContain(key);
    const all = JSON.parse((await keys(['list', '--db', db, '--json'])).out) as {
      id: string;
      scopes: string[];
      createdAt: string;
    }[];
    expect(all.map((k) => k.scopes)).toEqual([['check'], ['read'], ['check', 'admin']]);
    expect(all.every((k) => /^\d{4}-\d\d-\d\dT/.test(k.createdAt))).toBe(true);

    // A server on the database: each key with its scope.
    const seed = join(dir, 'seed.json');
    (await import('node:fs')).writeFileSync(seed, JSON.stringify(POLICY));
    const args = ['--port', '0', '--db', db, '--seed', seed, '--log-level', 'silent', '--no-rate-limit'];
    const first = runCliInProcess(args, (c) => cleanups.push(c));
    const url = await first.url;
    expect(first.stdout()).toContain('Using 3 API key(s) stored in the database.');
    expect(await status(url, checkKey, 'POST', '/check')).toBe(200);
    expect(await status(url, checkKey, 'GET', '/roles')).toBe(403);
    expect(await status(url, readKey, 'GET', '/roles')).toBe(200);
    expect(await status(url, admin.key, 'GET', '/roles')).toBe(200);
    first.stop('SIGTERM');
    expect(await first.exit).toBe(0);

    // Revoke by id, and by prefix; an unknown or ambiguous target is a usage error that echoes nothing secret.
    const checkId = all[0]?.id as string;
    const revoked = await keys(['revoke', checkId, '--db', db]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Revoked API key ${checkId}`);
    const byPrefix = await keys(['revoke', `${readKey.slice(0, 19)}…`, '--db', db]);
    expect(byPrefix.code).toBe(0);
    const again = await keys(['revoke', checkId, '--db', db]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('No API key has this id or prefix');
    // The full key given by mistake: found by its digest, never echoed back.
    const whole = await keys(['revoke', admin.key, '--db', db]);
    expect(whole.code).toBe(0);
    expect(whole.out + whole.err).not.toContain(admin.key);
    expect((await keys(['list', '--db', db])).out).toContain('No API keys stored.');

    // Restarted on the database: the revoked keys are refused from the first request.
    const second = runCliInProcess(
      ['--port', '0', '--db', db, '--log-level', 'silent', '--api-key', 'permis_key_cli_keys_other_0123456789'],
      (c) => cleanups.push(c),
    );
    const url2 = await second.url;
    expect(await status(url2, checkKey, 'POST', '/check')).toBe(401);
    expect(await status(url2, readKey, 'GET', '/roles')).toBe(401);
    expect(await status(url2, admin.key, 'GET', '/roles')).toBe(401);
  });

  it('refuses bad commands and scopes with exit code 2', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'permissio.db');
    const cases: [string[], RegExp][] = [
      [['create', '--db', db], /keys create needs --scope/],
      [['create', '--scope', 'write', '--db', db], /--scope: unknown scope "write"; the scopes are check, read, admin/],
      [['create', '--scope', 'Admin', '--db', db], /unknown scope "Admin"/],
      [['list', '--scope', 'read', '--db', db], /--scope is for "keys create" only/],
      [['revoke', '--db', db], /keys revoke needs the id or prefix/],
      [['rotate', '--db', db], /Unknown keys command "rotate"/],
      [['revoke', 'abcdef12', '--db', db], /No API key has this id or prefix/],
    ];
    for (const [args, message] of cases) {
      const result = await keys(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toMatch(message);
    }
    expect((await keys(['--help'])).out).toContain('create --scope <scope>');
  });

  it('--api-key-scope gives the --api-key keys their scopes; a bad one is a usage error', async () => {
    const key = 'permis_key_cli_scope_check_0123456789';
    const server = runCliInProcess(
      ['--port', '0', '--db', ':memory:', '--log-level', 'silent', '--api-key', key, '--api-key-scope', 'check'],
      (c) => cleanups.push(c),
    );
    const url = await server.url;
    const scope = await fetch(`${url}/v1/api-key/scope`, { headers: { authorization: `Bearer ${key}` } });
    expect(await scope.json()).toEqual({ projectId: 'default', environmentId: 'default', scopes: ['check'] });
    expect(await status(url, key, 'GET', '/roles')).toBe(403);

    let err = '';
    const code = await main({
      argv: ['--api-key', key, '--api-key-scope', 'root'],
      stdout: { write: () => true },
      stderr: { write: (t: string) => (err += t) },
    });
    expect(code).toBe(2);
    expect(err).toContain('--api-key-scope: unknown scope "root"');
    expect(err).not.toContain(key);
  });
});

describe('permissio-server keys (PostgreSQL)', () => {
  it('a running replica accepts a created key and refuses a revoked one within its poll interval', async () => {
    const database = await freshDatabase();
    const server = await startServer({
      port: 0,
      database,
      apiKeys: [{ key: 'permis_key_pg_keys_bootstrap_0123456789', projectId: 'default', environmentId: 'default' }],
      seed: POLICY,
      rateLimits: false,
      pollInterval: 50,
    });
    cleanups.push(() => server.close());
    const created = await keys(['create', '--scope', 'read', '--database', database]);
    expect(created.code).toBe(0);
    const key = createdKey(created.out);
    expect(await until(() => status(server.url, key, 'GET', '/roles'), 200)).toBe(200);
    expect(await status(server.url, key, 'PUT', '/snapshot')).toBe(403);

    const [entry] = (
      JSON.parse((await keys(['list', '--json'], { PERMISSIO_DATABASE_URL: database })).out) as {
        id: string;
        scopes: string[];
      }[]
    ).filter((k) => k.scopes.join() === 'read');
    expect((await keys(['revoke', entry?.id as string, '--database', database])).code).toBe(0);
    expect(await until(() => status(server.url, key, 'GET', '/roles'), 401)).toBe(401);
  });
});

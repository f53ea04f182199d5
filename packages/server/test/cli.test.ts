/**
 * The permissio-server CLI: help, usage errors, start-up failures, the one-time generated key.
 * Most cases run `main` in-process; two spawn the real entry point (help, and a signal).
 */
import { createServer, type Server } from 'node:net';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { policy as examplePolicy } from '../../../examples/shared/policy.js';
import { readSeed } from '../src/cli/seed.js';
import { client, PACKAGE_DIR, runCliInProcess, spawnCli, tempDir } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The CLI in this process, stopped after the test. */
function run(args: string[]) {
  return runCliInProcess(args, (cleanup) => cleanups.push(cleanup));
}

function spawned(args: string[]) {
  const proc = spawnCli(args);
  cleanups.push(() => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    return proc.exit;
  });
  return proc;
}

describe('permissio-server CLI', () => {
  it('--help prints usage and exits 0 (the real entry point)', async () => {
    const proc = spawned(['--help']);
    expect(await proc.exit).toBe(0);
    expect(proc.stdout()).toContain('Usage: permissio-server');
    for (const flag of ['--port', '--host', '--db', '--seed', '--api-key', '--no-rate-limit'])
      expect(proc.stdout()).toContain(flag);
  });

  it('an unknown flag exits 2 with a clear message', async () => {
    const proc = run(['--prot', '80']);
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toMatch(/Unknown option '--prot'/);
    expect(proc.stderr()).toContain('--help');
  });

  it.each([
    [['--port', 'eighty'], /--port must be an integer/],
    [['--api-key', 'sk_live_123'], /--api-key: An API key must be a string starting with "permis_key_"/],
    [['--log-level', 'loud'], /--log-level must be one of/],
  ])('bad value %j exits 2', async (args, message) => {
    const proc = run(args);
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toMatch(message);
    expect(proc.stderr()).not.toContain('sk_live_123');
  });

  it('a port in use exits 1 saying so', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as { port: number }).port;
    const proc = run(['--port', String(port), '--db', ':memory:']);
    expect(await proc.exit).toBe(1);
    expect(proc.stderr()).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
  });

  it('an unreadable seed exits 1', async () => {
    const proc = run(['--port', '0', '--db', ':memory:', '--seed', '/nonexistent/policy.json']);
    expect(await proc.exit).toBe(1);
    expect(proc.stderr()).toMatch(/Cannot read the seed file "\/nonexistent\/policy.json" \(ENOENT\)/);
  });

  it('an unusable database path exits 1 naming it', async () => {
    const proc = run(['--port', '0', '--db', '/nonexistent-dir/permissio.db']);
    expect(await proc.exit).toBe(1);
    expect(proc.stderr()).toContain('Cannot open the database "/nonexistent-dir/permissio.db"');
  });

  it('a seed that is not JSON, or an invalid snapshot, exits 1 naming the problem', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const notJson = join(dir, 'a.json');
    writeFileSync(notJson, 'roles: [');
    const p1 = run(['--port', '0', '--db', ':memory:', '--seed', notJson]);
    expect(await p1.exit).toBe(1);
    expect(p1.stderr()).toMatch(/is not valid JSON/);

    const invalid = join(dir, 'b.json');
    writeFileSync(
      invalid,
      JSON.stringify({
        resources: [{ key: 'doc', actions: ['read'] }],
        roles: [{ key: 'r', permissions: ['doc:write'] }],
      }),
    );
    const p2 = run(['--port', '0', '--db', join(dir, 'x.db'), '--seed', invalid]);
    expect(await p2.exit).toBe(1);
    expect(p2.stderr()).toMatch(/Invalid seed snapshot in ".*b\.json": .*roles\[0\]/);
  });

  it('generates a key once, prints URL and health, serves with it, and reuses stored keys on restart', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'cli.db');
    const first = run(['--port', '0', '--db', db, '--log-level', 'silent']);
    const url = await first.url;
    expect(first.stdout()).toMatch(/Health: http:\/\/127\.0\.0\.1:\d+\/healthz → 200/);
    const key = /Generated API key \(shown once, store it now\): (permis_key_\S+)/.exec(first.stdout())?.[1];
    expect(key).toBeDefined();
    const api = client(url, key, { projectId: 'default', environmentId: 'default' });
    expect((await api('GET', '/v1/api-key/scope')).body).toEqual({
      projectId: 'default',
      environmentId: 'default',
      scopes: ['check', 'read', 'admin'],
    });
    expect((await api('POST', 'P/users', { key: 'u1' })).status).toBe(201);
    first.stop('SIGINT');
    expect(await first.exit).toBe(0);
    expect(first.stdout()).toContain('Received SIGINT, shutting down');

    const second = run(['--port', '0', '--db', db, '--log-level', 'silent']);
    const url2 = await second.url;
    expect(second.stdout()).not.toContain('Generated API key');
    expect(second.stdout()).toContain('Using 1 API key(s) stored in the database.');
    const api2 = client(url2, key, { projectId: 'default', environmentId: 'default' });
    expect((await api2('GET', 'P/users/u1')).status).toBe(200);
    second.stop('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('--no-rate-limit and an explicit key with its project/environment', async () => {
    const key = 'permis_key_cli_explicit_0123456789';
    const proc = run([
      '--port',
      '0',
      '--db',
      ':memory:',
      '--api-key',
      key,
      '--project',
      'p1',
      '--environment',
      'prod',
      '--no-rate-limit',
      '--log-level',
      'silent',
    ]);
    const url = await proc.url;
    expect(proc.stdout()).toContain('Rate limits are OFF.');
    expect(proc.stdout()).not.toContain(key);
    const api = client(url, key, { projectId: 'p1', environmentId: 'prod' });
    const answers = await Promise.all(Array.from({ length: 120 }, () => api('GET', 'P/snapshot')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });

  it('reads a YAML seed and serves its policy', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const seed = join(dir, 'policy.yaml');
    writeFileSync(
      seed,
      [
        'resources:',
        '  - key: document',
        '    actions: [read, write]',
        'roles:',
        '  - key: viewer',
        '    permissions: ["document:read"]',
        'roleAssignments:',
        '  - { user: alice, role: viewer }',
        '',
      ].join('\n'),
    );
    const key = 'permis_key_cli_yaml_0123456789';
    const proc = run(['--port', '0', '--db', ':memory:', '--seed', seed, '--api-key', key, '--log-level', 'silent']);
    const url = await proc.url;
    const api = client(url, key, { projectId: 'default', environmentId: 'default' });
    const allowed = await api('POST', 'P/check', { user: 'alice', action: 'read', resource: 'document' });
    expect(allowed.body).toEqual({ allowed: true });
    const denied = await api('POST', 'P/check', { user: 'alice', action: 'write', resource: 'document' });
    expect(denied.body).toEqual({ allowed: false });
  });

  it('the real binary stops cleanly on SIGTERM', async () => {
    const proc = spawned(['--port', '0', '--db', ':memory:', '--log-level', 'silent']);
    const url = await proc.url;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    expect(proc.stdout()).toContain('Received SIGTERM, shutting down');
  });

  it('a seed that is not valid YAML exits 1 naming the problem', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const seed = join(dir, 'broken.yml');
    writeFileSync(seed, 'roles: [unclosed\n');
    const proc = run(['--port', '0', '--db', ':memory:', '--seed', seed]);
    expect(await proc.exit).toBe(1);
    expect(proc.stderr()).toMatch(/is not valid YAML/);
  });

  describe('seed feedback and --reset', () => {
    const key = 'permis_key_cli_seed_0123456789';
    const base = (db: string) => ['--port', '0', '--db', db, '--api-key', key, '--log-level', 'silent'];
    const viewerOnly = (user: string) => ({
      resources: [{ key: 'document', actions: ['read', 'write'] }],
      roles: [{ key: 'viewer', permissions: ['document:read'] }],
      roleAssignments: [{ user, role: 'viewer' }],
    });

    it('says when a seed is loaded, skipped or replaced, and what was loaded', async () => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const db = join(dir, 'seeded.db');
      const seedA = join(dir, 'a.json');
      const seedB = join(dir, 'b.json');
      writeFileSync(seedA, JSON.stringify(viewerOnly('alice')));
      writeFileSync(seedB, JSON.stringify(viewerOnly('bob')));
      const scope = { projectId: 'default', environmentId: 'default' };
      const check = async (url: string, user: string) =>
        (await client(url, key, scope)('POST', 'P/check', { user, action: 'read', resource: 'document' })).body;

      const first = run([...base(db), '--seed', seedA]);
      await first.url;
      expect(first.stdout()).toContain(
        `Loaded seed ${JSON.stringify(seedA)} into project "default", environment "default": ` +
          '1 resource type, 1 role, 0 tenants, 0 users, 1 role assignment, 0 grants.',
      );
      first.stop('SIGTERM');
      expect(await first.exit).toBe(0);

      const second = run([...base(db), '--seed', seedB]);
      const url2 = await second.url;
      expect(second.stdout()).toContain(
        `Seed ${JSON.stringify(seedB)} NOT loaded: the database ${JSON.stringify(db)} already holds a policy`,
      );
      expect(second.stdout()).toContain('Run with --reset to replace the stored policy with the seed.');
      expect(second.stdout()).toContain(
        `Restored the policy of 1 project/environment scope(s) from ${JSON.stringify(db)}.`,
      );
      expect(await check(url2, 'alice')).toEqual({ allowed: true });
      second.stop('SIGTERM');
      await second.exit;

      // An invalid seed with --reset fails and leaves the stored policy alone.
      const invalid = join(dir, 'invalid.json');
      writeFileSync(invalid, JSON.stringify({ roles: [{ key: 'r', permissions: ['nope:read'] }] }));
      const failed = run([...base(db), '--seed', invalid, '--reset']);
      expect(await failed.exit).toBe(1);
      expect(failed.stderr()).toContain('Invalid seed snapshot');

      const third = run([...base(db), '--seed', seedB, '--reset']);
      const url3 = await third.url;
      expect(third.stdout()).toContain(`--reset: emptied the policy stored in ${JSON.stringify(db)} (API keys kept).`);
      expect(third.stdout()).toContain(`Loaded seed ${JSON.stringify(seedB)}`);
      expect(await check(url3, 'alice')).toEqual({ allowed: false });
      expect(await check(url3, 'bob')).toEqual({ allowed: true });
    });

    it('an empty database without a seed says how to load one; --reset needs --seed', async () => {
      const empty = run(['--port', '0', '--db', ':memory:', '--log-level', 'silent']);
      await empty.url;
      expect(empty.stdout()).toContain('No policy loaded: the database ":memory:" is empty. Start with --seed <file>');
      const usage = run(['--reset']);
      expect(await usage.exit).toBe(2);
      expect(usage.stderr()).toContain('--reset needs --seed');
    });

    it("examples/seed.yaml is the examples' shared policy, and loads", async () => {
      const seedFile = join(PACKAGE_DIR, '..', '..', 'examples', 'seed.yaml');
      expect(readSeed(seedFile)).toEqual(JSON.parse(JSON.stringify(examplePolicy)));
      const proc = run(['--port', '0', '--db', ':memory:', '--seed', seedFile, '--log-level', 'silent']);
      await proc.url;
      expect(proc.stdout()).toContain(': 2 resource types, 3 roles, 2 tenants, 5 users, 5 role assignments, 1 grant.');
    });
  });

  it('the committed bin shim says how to build when dist/cli.js is missing', async () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['permissio-server']).toBe('./bin/permissio-server.mjs');
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(PACKAGE_DIR, 'bin', 'permissio-server.mjs'), join(dir, 'bin', 'permissio-server.mjs'));
    const child = spawnSync(process.execPath, [join(dir, 'bin', 'permissio-server.mjs'), '--help'], {
      encoding: 'utf8',
    });
    expect(child.status).toBe(1);
    expect(child.stderr).toContain('the CLI is not built yet (dist/cli.js is missing)');
    expect(child.stderr).toContain('pnpm build');
  });
});

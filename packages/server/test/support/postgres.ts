/**
 * A throwaway PostgreSQL server for tests: a real `postgres` process on
 * 127.0.0.1, an ephemeral port and a temporary data directory, stopped (and
 * the directory removed) when the test run ends — also when the process exits
 * on a crash or a signal.
 *
 * The binaries come from the machine (Debian's `postgresql` package, installed
 * by `.ci/run` — or by {@link installPostgresIfMissing} as root — when
 * missing): the newest `/usr/lib/postgresql/<version>/bin`, or the directory
 * in `PERMISSIO_PG_BIN`. `initdb` and `postgres` refuse to
 * run as root, so as root they run as the `postgres` user through `runuser`.
 *
 * One server serves a whole test run (vitest `globalSetup`, see
 * `postgres-global-setup.ts`); each test file asks for its own fresh database
 * with {@link createTestDatabase}. Other packages import this module too.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A running throwaway server. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, no password). */
  readonly url: string;
  readonly port: number;
  /** Stops the server (immediate shutdown) and removes its data directory. Idempotent. */
  stop(): void;
}

/** The directory holding `initdb`, `pg_ctl` and `postgres`, or `undefined` when PostgreSQL is not installed. */
export function findPostgresBin(): string | undefined {
  const configured = process.env.PERMISSIO_PG_BIN;
  if (configured) return existsSync(join(configured, 'initdb')) ? configured : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions.length > 0 ? join(root, versions[0] as string, 'bin') : undefined;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * On a Debian/Ubuntu machine where we are root (CI, a fresh container),
 * installs the `postgresql` package when no binaries are found, so `pnpm test`
 * works on a fresh clone; elsewhere it does nothing. Set
 * PERMISSIO_PG_NO_INSTALL=1 to never install.
 */
export function installPostgresIfMissing(): string | undefined {
  const found = findPostgresBin();
  if (found !== undefined || !isRoot || process.env.PERMISSIO_PG_NO_INSTALL || !existsSync('/usr/bin/apt-get')) {
    return found;
  }
  process.stderr.write(
    'PostgreSQL is not installed: installing it (apt-get install postgresql) for the server tests…\n',
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 });
  spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], {
    stdio: 'ignore',
    env,
    timeout: 600_000,
  });
  return findPostgresBin();
}

/** Runs a PostgreSQL binary, as the `postgres` user when we are root. */
function asPostgres(bin: string, args: readonly string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, deadline: number): Promise<void> {
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const running = new Set<TestPostgres>();
let exitHooked = false;
function stopAllOnExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const server of running) server.stop();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const server of running) server.stop();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Starts a fresh PostgreSQL server. Settings favour speed (no fsync: the
 * tests kill replicas, never the database server).
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = installPostgresIfMissing();
  if (bin === undefined) {
    throw new Error(
      'PostgreSQL is not installed: no /usr/lib/postgresql/<version>/bin/initdb. ' +
        'Install it ("apt-get install -y postgresql"; .ci/run does this) or set PERMISSIO_PG_BIN to its bin directory.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'permissio-pg-'));
  const data = join(dir, 'data');
  if (isRoot)
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres']).toString()),
      Number(execFileSync('id', ['-g', 'postgres']).toString()),
    );
  const [initCmd, initArgs] = asPostgres(join(bin, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${init.status}): ${init.stderr || init.stdout}`);
  }

  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const [cmd, args] = asPostgres(join(bin, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=32MB',
    ]);
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (log.length < 20_000) log += chunk.toString();
    });
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await Promise.race([
        waitReady(url, Date.now() + 20_000),
        exited.then((code) => {
          throw new Error(`postgres exited (${code}) while starting: ${log}`);
        }),
      ]);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      continue;
    }
    let stopped = false;
    const server: TestPostgres = {
      url,
      port,
      stop() {
        if (stopped) return;
        stopped = true;
        running.delete(server);
        const [stopCmd, stopArgs] = asPostgres(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']);
        const result = spawnSync(stopCmd, stopArgs, { stdio: 'ignore', timeout: 10_000 });
        if (result.status !== 0) child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
    running.add(server);
    stopAllOnExit();
    child.stderr?.resume();
    return server;
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

let counter = 0;

/** Creates a new, empty database on the server at `serverUrl`; resolves to its URL. */
export async function createTestDatabase(serverUrl: string, prefix = 'permissio_test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

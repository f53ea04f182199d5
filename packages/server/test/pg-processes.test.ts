/**
 * Replicas in separate processes on one real PostgreSQL: A is the CLI in a
 * child process (database from PERMISSIO_DATABASE_URL), B a server in this
 * process. A write through A is answered with the write applied by B when
 * the check carries A's revision; SIGKILL of A during a burst of 500 writes
 * loses none that were acknowledged, on B and on a server started afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PermissioServer, startServer } from '../src/index.js';
import { type CliProcess, client, KEY_A, scopeACliArgs, spawnCli } from './helpers.js';
import { freshDatabase } from './support/test-database.js';

let database: string;
const running: CliProcess[] = [];
const servers: PermissioServer[] = [];

async function inProcess(): Promise<string> {
  const server = await startServer({ port: 0, database, rateLimits: false, pollInterval: 200 });
  servers.push(server);
  return server.url;
}

/** The CLI in a child process; the database comes from PERMISSIO_DATABASE_URL. */
function replica(): CliProcess {
  const args = [...scopeACliArgs(undefined, 'silent'), '--poll-interval', '200ms'];
  const proc = spawnCli(args, { PERMISSIO_DATABASE_URL: database });
  running.push(proc);
  return proc;
}

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const proc of running) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await proc.exit;
  }
});

// Started by the first test, killed by the second (tests of a file run in order).
let a: CliProcess;
let apiA: ReturnType<typeof client>;
let apiB: ReturnType<typeof client>;

describe('replica processes on one PostgreSQL', () => {
  it('a check through B with the revision of a write through A is answered with the write applied', {
    timeout: 60_000,
  }, async () => {
    a = replica();
    const urlA = await a.url;
    const urlB = await inProcess();
    apiA = client(urlA, KEY_A);
    apiB = client(urlB, KEY_A);

    // The policy: one resource type and a role.
    expect((await apiA('POST', 'P/resources', { key: 'doc', actions: ['read'] })).status).toBe(201);
    expect((await apiA('POST', 'P/roles', { key: 'reader', permissions: ['doc:read'] })).status).toBe(201);
    for (let i = 0; i < 8; i++) {
      const user = `ryw-${i}`;
      expect((await apiA('POST', 'P/users', { key: user })).status).toBe(201);
      const assigned = await apiA('POST', 'P/role_assignments', { user, role: 'reader' });
      expect(assigned.status).toBe(201);
      const token = assigned.headers.get('permissio-revision') as string;
      const seen = await apiB('POST', 'P/check', {
        user,
        action: 'read',
        resource: 'doc',
        consistency: { atLeast: token },
      });
      expect(seen.body).toEqual({ allowed: true });
    }
  });

  it('SIGKILL of A during a burst of 500 writes loses no acknowledged write', { timeout: 90_000 }, async () => {
    // A burst of 500 writes through A, killed on the way.
    const acknowledged: string[] = [];
    let killed = false;
    const kill = () => {
      if (!killed) {
        killed = true;
        a.child.kill('SIGKILL');
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < 500) {
        const key = `burst-${next++}`;
        try {
          const answer = await apiA('POST', 'P/users', { key });
          if (answer.status === 201) acknowledged.push(key);
          if (acknowledged.length >= 150) kill();
        } catch {
          // the connection died with the process: not acknowledged
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    kill();
    await a.exit;
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(acknowledged.length).toBeLessThan(500);

    // Every acknowledged write is on the survivor …
    expect(
      (await apiB('POST', 'P/check', { user: 'x', action: 'read', resource: 'doc', consistency: 'full' })).status,
    ).toBe(200);
    const onB = new Set(((await apiB('GET', 'P/snapshot')).body.users as { key: string }[]).map((u) => u.key));
    expect(acknowledged.filter((k) => !onB.has(k))).toEqual([]);

    // … and on A after a restart.
    const apiAgain = client(await inProcess(), KEY_A);
    const onAgain = new Set(((await apiAgain('GET', 'P/snapshot')).body.users as { key: string }[]).map((u) => u.key));
    expect(acknowledged.filter((k) => !onAgain.has(k))).toEqual([]);
    expect(onAgain).toEqual(onB);
  });
});

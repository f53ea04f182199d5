/**
 * Replicas in separate processes on one real PostgreSQL: A is the CLI in a
 * child process (database from PERMISSIO_DATABASE_URL), B a server in this
 * process. A write through A is answered with the write applied by B when
 * the check carries A's revision; SIGKILL of A during a burst of 500 writes
 * loses none that were acknowledged, on B and on a server started afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PermissioServer, startServer } from '../src/index.js';
import { type CliProcess, client, KEY_A, SCOPE_A, spawnCli } from './helpers.js';
import { freshDatabase } from './support/test-database.js';

let database: string;
const running: CliProcess[] = [];
const servers: PermissioServer[] = [];

async function inProcess(): Promise<string> {
  const server = await startServer({ port: 0, database, rateLimits: false, pollInterval: 200 });
  servers.push(server);
  return server.url;
}

function replica(viaEnv = false): CliProcess {
  const args = [
    '--port',
    '0',
    '--api-key',
    KEY_A,
    '--project',
    SCOPE_A.projectId,
    '--environment',
    SCOPE_A.environmentId,
    '--no-rate-limit',
    '--log-level',
    'silent',
    '--poll-interval',
    '200ms',
  ];
  const proc = viaEnv
    ? spawnCli(args, { PERMISSIO_DATABASE_URL: database })
    : spawnCli(['--database', database, ...args]);
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

describe('replica processes on one PostgreSQL', () => {
  it('read-your-writes with the revision; SIGKILL during 500 writes loses no acknowledged write', async () => {
    const a = replica(true);
    const urlA = await a.url;
    const urlB = await inProcess();
    const apiA = client(urlA, KEY_A);
    const apiB = client(urlB, KEY_A);

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

    // A burst of 500 writes through A, killed half-way.
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
          if (acknowledged.length >= 250) kill();
        } catch {
          // the connection died with the process: not acknowledged
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    kill();
    await a.exit;
    expect(acknowledged.length).toBeGreaterThanOrEqual(250);

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

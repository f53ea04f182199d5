/**
 * One server per SQLite file: a second server (another process, or another
 * storage in this process) on the same file refuses to start with a clear
 * message, and no write the first one acknowledged is lost.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError, SqliteStorage } from '../src/index.js';
import { client, KEY_A, SCOPE_A, scopeACliArgs, spawnCli, startTestServer, tempDir } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('exclusive lock on the database file', () => {
  it('a second process on the same file refuses to start; every acknowledged write survives', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'permissio.db');
    const first = spawnCli(scopeACliArgs(db, 'silent'));
    cleanups.push(() => {
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
      return first.exit;
    });
    const api = client(await first.url, KEY_A);
    for (let i = 0; i < 25; i++) expect((await api('POST', 'P/users', { key: `u${i}` })).status).toBe(201);

    // The second server, in this process, on the same file.
    const second = startTestServer({ database: db });
    await expect(second).rejects.toBeInstanceOf(DatabaseLockedError);
    await expect(second).rejects.toThrow(/is in use by another permissio-server.*Stop that server first/);

    for (let i = 25; i < 50; i++) expect((await api('POST', 'P/users', { key: `u${i}` })).status).toBe(201);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    // The lock went with the process; all 50 acknowledged writes are there.
    const again = await startTestServer({ database: db });
    cleanups.push(() => again.close());
    const page = await client(again.url, KEY_A)('GET', 'P/users?perPage=100');
    expect(page.body.total).toBe(50);
  });

  it('two storages in one process: the second is refused until the first closes', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'permissio.db');
    const first = new SqliteStorage(db);
    expect(() => new SqliteStorage(db)).toThrow(DatabaseLockedError);
    first.append(SCOPE_A, 'users.create', [{ key: 'u1' }]);
    first.close();
    const second = new SqliteStorage(db);
    expect(second.journalLength(SCOPE_A)).toBe(1);
    second.close();
  });
});

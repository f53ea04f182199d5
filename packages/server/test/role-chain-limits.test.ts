/**
 * Issue 10, item 2: the longest role chain the write path accepts survives
 * an export (GET snapshot), a PUT of that snapshot and a restart on the same
 * SQLite file; one role more is refused with 422 at write time.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { client, KEY_A, SCOPE_A, startTestServer, tempDir } from './helpers.js';
import type { PermissioServer } from '../src/index.js';

const MAX_DEPTH = 10_000; // the engine's MAX_INHERITANCE_DEPTH, documented in its README

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(db: string): Promise<PermissioServer> {
  const server = await startTestServer({ database: db, apiKeys: [{ key: KEY_A, ...SCOPE_A }] });
  cleanups.push(() => server.close());
  return server;
}

/** Roles r<from>…r<to>, each extending the previous one. */
function chain(from: number, to: number): { key: string; extends: string[] }[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ key: `r${from + i}`, extends: [`r${from + i - 1}`] }));
}

describe('the longest role chain the write path accepts', () => {
  it('exports, loads back through PUT snapshot and survives a restart; one more role is a 422', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'permissio.db');
    const first = await start(db);
    const api = client(first.url, KEY_A);

    // Most of the chain through one write (PUT snapshot), the last roles one by one (POST roles).
    const roles = [{ key: 'r1', permissions: ['doc:read'] }, ...chain(2, MAX_DEPTH - 100)];
    const seeded = await api('PUT', 'P/snapshot', { resources: [{ key: 'doc', actions: ['read', 'write'] }], roles });
    expect(seeded.status).toBeLessThan(300);
    for (const role of chain(MAX_DEPTH - 99, MAX_DEPTH)) {
      const answer = await api('POST', 'P/roles', role);
      if (answer.status !== 201) throw new Error(`role ${role.key}: ${answer.status} ${answer.text}`);
    }
    const refused = await api('POST', 'P/roles', { key: 'too-deep', extends: [`r${MAX_DEPTH}`] });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/limit is 10000/);
    const lengthen = await api('PUT', 'P/roles/r1', { extends: ['r500'] });
    expect(lengthen.status).toBe(409); // a cycle, not a 500
    expect((await api('POST', 'P/roles', { key: 'root' })).status).toBe(201);
    const below = await api('PUT', 'P/roles/r1', { extends: ['root'] });
    expect(below.status).toBe(422); // lengthening the chain from below
    expect((await api('DELETE', 'P/roles/root')).status).toBeLessThan(300);
    expect((await api('POST', 'P/users', { key: 'u' })).status).toBe(201);
    expect((await api('POST', 'P/role_assignments', { user: 'u', role: `r${MAX_DEPTH}` })).status).toBe(201);

    const exported = await api('GET', 'P/snapshot');
    expect(exported.status).toBe(200);
    expect(exported.body.roles).toHaveLength(MAX_DEPTH);
    const put = await api('PUT', 'P/snapshot', exported.body);
    expect(put.status).toBeLessThan(300);
    const check = { user: 'u', action: 'read', resource: 'doc' };
    expect((await api('POST', 'P/check', check)).body.allowed).toBe(true);
    await first.close();

    const second = await start(db);
    const again = client(second.url, KEY_A);
    expect((await again('POST', 'P/check', check)).body.allowed).toBe(true);
    const reexported = await again('GET', 'P/snapshot');
    expect(reexported.status).toBe(200);
    expect(reexported.body).toEqual(exported.body);
  }, 300_000);
});

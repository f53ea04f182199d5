/**
 * The permission catalogue and principal routes (#16) over real HTTP: CRUD
 * with both spellings, rename and delete cascades seen through roles, grants
 * and checks, principal types and cursor paging, typed errors, and
 * durability (the writes are journaled: a restart on the same SQLite file or
 * PostgreSQL database rebuilds them).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type PermissioServer } from '../src/index.js';
import { client, KEY_A, POLICY, SCOPE_A, startTestServer, tempDir } from './helpers.js';
import { freshDatabase } from './support/test-database.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(options: Parameters<typeof startTestServer>[0] = {}): Promise<PermissioServer> {
  const server = await startTestServer({ seed: POLICY, ...options });
  cleanups.push(() => server.close());
  return server;
}

describe('permission catalogue routes', () => {
  it('list, get (either spelling), idempotent create, rename, delete — roles, grants and checks follow', async () => {
    const server = await serve();
    const api = client(server.url, KEY_A);
    const list = await api('GET', 'P/permissions?resourceType=document');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      data: [
        { name: 'document:delete', resourceType: 'document', action: 'delete' },
        { name: 'document:read', resourceType: 'document', action: 'read' },
        { name: 'document:write', resourceType: 'document', action: 'write' },
      ],
      page: 1,
      perPage: 10,
      total: 3,
    });
    expect((await api('GET', `P/permissions/${encodeURIComponent('document:read')}`)).body).toMatchObject({
      name: 'document:read',
    });
    expect((await api('GET', 'P/permissions/document.read')).body).toMatchObject({ name: 'document:read' });

    const created = await api('POST', 'P/permissions', { name: 'billing.invoice.create', description: 'Issue' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      name: 'billing.invoice:create',
      resourceType: 'billing.invoice',
      action: 'create',
      description: 'Issue',
    });
    const again = await api('POST', 'P/permissions', { name: 'billing.invoice:create', description: 'Issue invoices' });
    expect(again.body).toMatchObject({ description: 'Issue invoices' });
    expect((await api('GET', 'P/permissions?search=invoice')).body.total).toBe(1);

    const renamed = await api('PATCH', 'P/permissions/document.read', { name: 'document.view' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'document:view', action: 'view' });
    expect((await api('GET', 'P/roles/viewer')).body.permissions).toEqual(['document:view']);
    const check = (action: string) =>
      api('POST', 'P/check', {
        user: 'alice@example.com',
        action,
        resource: { type: 'document', key: 'd1' },
        tenant: 'acme',
      });
    expect((await check('view')).body).toEqual({ allowed: true });
    expect((await check('read')).body).toEqual({ allowed: false });

    expect((await api('DELETE', 'P/permissions/document:view')).status).toBe(204);
    expect((await api('DELETE', 'P/permissions/document:view')).status).toBe(204);
    expect((await api('GET', 'P/roles/viewer')).body.permissions).toEqual([]);
    expect((await check('view')).body).toEqual({ allowed: false });
  });

  it('typed errors: 422 for a bad name or a cross-type rename, 404 for a missing permission, 409 for a taken name', async () => {
    const server = await serve();
    const api = client(server.url, KEY_A);
    const bad = await api('POST', 'P/permissions', { name: 'document' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect((await api('POST', 'P/permissions', { name: 'document:read', extra: 1 })).status).toBe(422);
    expect((await api('GET', 'P/permissions/document:print')).status).toBe(404);
    expect((await api('PATCH', 'P/permissions/document:print', { description: 'x' })).status).toBe(404);
    expect((await api('PATCH', 'P/permissions/document:read', { name: 'document:write' })).status).toBe(409);
    const cross = await api('PATCH', 'P/permissions/document:read', { name: 'project:read' });
    expect(cross.status).toBe(422);
    expect(cross.body.error.message).toContain('keeps its resource type');
  });
});

describe('principal routes', () => {
  it('principal types on users; list with cursor, search and type; assignments with direct grants', async () => {
    const server = await serve();
    const api = client(server.url, KEY_A);
    const bot = await api('POST', 'P/users', { key: 'ci-bot', type: 'service_account' });
    expect(bot.status).toBe(201);
    expect(bot.body).toMatchObject({ key: 'ci-bot', type: 'service_account' });
    expect((await api('POST', 'P/users', { key: 'x', type: '' })).status).toBe(422);

    const first = await api('GET', 'P/principals?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([
      { id: 'alice@example.com', type: 'user' },
      { id: 'ci-bot', type: 'service_account' },
    ]);
    const second = await api('GET', `P/principals?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ data: [{ id: 'team/bob', type: 'user' }] });
    expect((await api('GET', 'P/principals?type=service_account')).body.data).toEqual([
      { id: 'ci-bot', type: 'service_account' },
    ]);
    expect((await api('GET', 'P/principals?search=BOB')).body.data.map((p: { id: string }) => p.id)).toEqual([
      'team/bob',
    ]);
    expect((await api('GET', 'P/principals?cursor=zz')).status).toBe(422);
    expect((await api('GET', 'P/principals?limit=101')).status).toBe(422);

    await api('POST', 'P/grants', {
      user: 'alice@example.com',
      resourceUri: '/project/456',
      permissions: ['document.read'],
      tenant: 'acme',
    });
    const assignments = await api('GET', `P/principals/${encodeURIComponent('alice@example.com')}/assignments`);
    expect(assignments.status).toBe(200);
    expect(assignments.body).toEqual([
      { resourceUri: '*', tenant: 'acme', permissions: [], roles: ['editor'] },
      { resourceUri: '/project/456', tenant: 'acme', permissions: ['document:read'], roles: ['admin'] },
    ]);
    expect((await api('GET', 'P/principals/ci-bot/assignments?tenant=acme')).body).toEqual([]);
    expect((await api('GET', 'P/principals/ghost/assignments')).status).toBe(404);
    // The native grant keeps its 404 for an unknown principal.
    expect(
      (await api('POST', 'P/grants', { user: 'ghost', resourceUri: '/a', permissions: ['document:read'] })).status,
    ).toBe(404);
  });
});

describe('durability of catalogue writes', () => {
  const writes = async (url: string) => {
    const api = client(url, KEY_A);
    expect((await api('POST', 'P/permissions', { name: 'report.export', description: 'Export' })).status).toBe(200);
    expect((await api('PATCH', 'P/permissions/document:read', { name: 'document:view' })).status).toBe(200);
    expect((await api('DELETE', 'P/permissions/document:delete')).status).toBe(204);
    expect((await api('POST', 'P/users', { key: 'svc', type: 'service_account' })).status).toBe(201);
  };
  const expectRebuilt = async (url: string) => {
    const api = client(url, KEY_A);
    expect((await api('GET', 'P/permissions/report:export')).body).toMatchObject({ description: 'Export' });
    expect((await api('GET', 'P/roles/viewer')).body.permissions).toEqual(['document:view']);
    expect((await api('GET', 'P/roles/admin')).body.permissions).toEqual(['project:admin']);
    expect((await api('GET', 'P/users/svc')).body).toMatchObject({ type: 'service_account' });
    // The snapshot carries descriptions and principal types, and loads back.
    const snapshot = (await api('GET', 'P/snapshot')).body;
    expect(snapshot.resources.find((r: { key: string }) => r.key === 'report').actions).toEqual([
      { key: 'export', name: 'export', description: 'Export' },
    ]);
    expect(snapshot.users.find((u: { key: string }) => u.key === 'svc')).toMatchObject({ type: 'service_account' });
    expect((await api('PUT', 'P/snapshot', snapshot)).status).toBeLessThan(300);
    expect((await api('GET', 'P/snapshot')).body).toEqual(snapshot);
  };

  it('SQLite: a restart on the same file rebuilds them from the journal', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const database = join(dir, 'permissio.db');
    const first = await startTestServer({ database, seed: POLICY });
    await writes(first.url);
    await first.close();
    const second = await startTestServer({ database, seed: POLICY });
    cleanups.push(() => second.close());
    await expectRebuilt(second.url);
  });

  it('PostgreSQL: a restart on the same database rebuilds them', async () => {
    const database = await freshDatabase();
    const options = {
      port: 0,
      host: '127.0.0.1',
      database,
      apiKeys: [{ key: KEY_A, ...SCOPE_A }],
      rateLimits: false as const,
    };
    const first = await startServer({ ...options, seed: POLICY });
    await writes(first.url);
    await first.close();
    const second = await startServer(options);
    cleanups.push(() => second.close());
    await expectRebuilt(second.url);
  });
});

/**
 * Issue 11, items 4, 5 and 6 on Fastify: requireGuard (production style,
 * child contexts), the manifest recorded by `onRoute`, and validation against
 * the policy at `onReady`.
 */
import Fastify from 'fastify';
import { engineClient } from '@permissio/adapter-testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import permissioPlugin, {
  requirePermission,
  resourceFromPath,
  formatRouteManifest,
  routeManifest,
} from '../src/index.js';
import { as, closeApps, create, track, user } from './app.js';

afterEach(closeApps);

describe('requireGuard', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('production: 403 without naming the route; development: 500 naming it; the handler never runs', async () => {
    const runs: string[] = [];
    const app = await create({ requireGuard: true });
    await app.register(
      async (child) => {
        child.delete('/items/:id', async () => {
          runs.push('delete');
          return {};
        });
      },
      { prefix: '/api' },
    );
    process.env.NODE_ENV = 'production';
    const prod = await app.inject({ method: 'DELETE', url: '/api/items/1', headers: as('alice') });
    expect(prod.statusCode).toBe(403);
    expect(prod.body).not.toContain('/api/items');
    process.env.NODE_ENV = 'development';
    const dev = await app.inject({ method: 'DELETE', url: '/api/items/1' });
    expect(dev.statusCode).toBe(500);
    expect(dev.json().detail).toContain('DELETE /api/items/:id');
    expect(runs).toEqual([]);
  });

  it('config.public and a permission guard both pass; config.public must be a boolean', async () => {
    const app = await create({ requireGuard: true });
    app.get('/health', { config: { public: true } }, async () => ({ ok: true }));
    app.get('/docs', { preHandler: requirePermission('read', 'document') }, async () => ({ ok: true }));
    expect(() => app.get('/bad', { config: { public: 'yes' as never } }, async () => ({}))).toThrow(/config\.public/);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/docs', headers: as('alice') })).statusCode).toBe(200);
  });
});

describe('routeManifest', () => {
  it('lists the routes seen by onRoute with prefixes, guards and markers; HEAD mirrors are left out', async () => {
    const app = await create();
    app.get('/health', { config: { public: true } }, async () => ({}));
    app.get('/documents/:id', { config: { permission: { action: 'read', resource: 'document' } } }, async () => ({}));
    await app.register(
      async (child) => {
        child.put(
          '/:pid/documents/:id',
          { preHandler: child.requirePermission('write', resourceFromPath('document', { key: 'id' })) },
          async () => ({}),
        );
        child.route({ method: ['POST', 'DELETE'], url: '/:pid', handler: async () => ({}) });
      },
      { prefix: '/projects' },
    );
    await app.ready();
    expect(
      routeManifest(app).map((e) => [e.method, e.path, e.access, e.guards.map((g) => `${g.action} ${g.resource}`)]),
    ).toEqual([
      ['GET', '/documents/:id', 'guarded', ['read document']],
      ['GET', '/health', 'public', []],
      ['DELETE', '/projects/:pid', 'unguarded', []],
      ['POST', '/projects/:pid', 'unguarded', []],
      ['PUT', '/projects/:pid/documents/:id', 'guarded', ['write document']],
    ]);
    const table = formatRouteManifest(app).split('\n');
    expect(table.find((line) => line.includes('/projects/:pid/documents/:id'))).toMatch(/PUT.*write/);
    expect(table.find((line) => line.includes('/health'))).toMatch(/public/i);
  });

  it('throws when the plugin is not registered', () => {
    const app = Fastify();
    track(app);
    expect(() => routeManifest(app)).toThrow(/not registered/);
  });
});

describe('routeValidation at onReady', () => {
  it('warns through fastify.log by default, naming the route and a suggestion', async () => {
    const warn = vi.fn();
    const app = await create({}, { warn });
    app.get('/documents/:id', { preHandler: requirePermission('raed', 'document') }, async () => ({}));
    app.put('/documents/:id', { config: { permission: { action: 'editor', resource: 'document' } } }, async () => ({}));
    await app.ready();
    const lines = warn.mock.calls.map((call) => String(call[0]));
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes('GET /documents/:id'))).toContain('did you mean "read"');
    expect(lines.find((l) => l.includes('PUT /documents/:id'))).toContain('no action "editor"');
  });

  it('warns through the logger option when given (not fastify.log)', async () => {
    const fastifyWarn = vi.fn();
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const app = await create({ logger }, { warn: fastifyWarn });
    app.get('/documents/:id', { preHandler: requirePermission('raed', 'document') }, async () => ({}));
    await app.ready();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0]?.[0])).toContain('did you mean "read"');
    expect(fastifyWarn).not.toHaveBeenCalled();
  });

  it("'error' makes ready() reject; 'off' skips the check", async () => {
    const strict = await create({ routeValidation: 'error' });
    strict.get('/x', { preHandler: requirePermission('read', 'invoice') }, async () => ({}));
    await expect(strict.ready()).rejects.toMatchObject({ code: 'ROUTE_POLICY_MISMATCH' });

    const off = await create({ routeValidation: 'off' });
    off.get('/x', { preHandler: requirePermission('read', 'invoice') }, async () => ({}));
    await expect(off.ready()).resolves.toBeDefined();
  });

  it('rejects a misspelt mode at registration', async () => {
    const { client } = engineClient();
    const app = Fastify();
    track(app);
    await expect(app.register(permissioPlugin, { client, user, routeValidation: 'strict' as never })).rejects.toThrow(
      /"routeValidation"/,
    );
  });
});

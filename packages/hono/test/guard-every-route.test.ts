/**
 * Issue 11, items 4, 5 and 6 on Hono: requireGuard (production style,
 * path-scoped markers, sub-apps), the manifest from `app.routes`, and
 * `validateRoutes` against the policy.
 */
import { Hono, type Context } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineClient } from '@permissio/adapter-testkit';
import {
  formatRouteManifest,
  permissio,
  publicRoute,
  requirePermission,
  resourceFromPath,
  routeManifest,
  validateRoutes,
  type PermissioHonoOptions,
} from '../src/index.js';

const as = { 'x-user': 'alice', 'x-tenant': 'acme' };

function create(extra: Partial<PermissioHonoOptions> = {}) {
  const { client } = engineClient();
  const app = new Hono();
  app.use(
    '*',
    permissio({
      client,
      user: (c: Context) => c.req.header('x-user'),
      tenant: (c) => c.req.header('x-tenant'),
      ...extra,
    }),
  );
  return { app, client };
}

describe('requireGuard', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('production: 403 without naming the route; development: 500 naming it; the handler never runs', async () => {
    const runs: string[] = [];
    const { app } = create({ requireGuard: true });
    const api = new Hono();
    api.delete('/items/:id', (c) => {
      runs.push('delete');
      return c.json({});
    });
    app.route('/api', api);
    process.env.NODE_ENV = 'production';
    const prod = await app.request('/api/items/1', { method: 'DELETE', headers: as });
    expect(prod.status).toBe(403);
    expect(await prod.text()).not.toContain('/api/items');
    process.env.NODE_ENV = 'development';
    const dev = await app.request('/api/items/1', { method: 'DELETE' });
    expect(dev.status).toBe(500);
    expect(((await dev.json()) as { detail: string }).detail).toContain('DELETE /api/items/:id');
    expect(runs).toEqual([]);
  });

  it('path-scoped markers cover the routes below them; a 404 stays a 404', async () => {
    const { app } = create({ requireGuard: true });
    app.use('/open/*', publicRoute());
    app.get('/open/ping', (c) => c.json({ pong: true }));
    app.use('/docs/*', requirePermission('read', 'document'));
    app.get('/docs/list', (c) => c.json({ ok: true }));
    app.get('/other', (c) => c.json({ ok: true }));
    expect((await app.request('/open/ping')).status).toBe(200);
    expect((await app.request('/docs/list', { headers: as })).status).toBe(200);
    expect((await app.request('/other')).status).toBe(500);
    expect((await app.request('/nowhere')).status).toBe(404);
  });
});

describe('routeManifest', () => {
  it('lists endpoints from app.routes with guards, markers, scoped middleware and sub-apps', () => {
    const { app } = create();
    app.get('/health', publicRoute(), (c) => c.text('ok'));
    app.get('/documents/:id', requirePermission('read', 'document'), (c) => c.text('doc'));
    app.use('/projects/*', requirePermission('read', 'project'));
    const projects = new Hono();
    projects.put('/:pid/documents/:id', requirePermission('write', resourceFromPath('document', { key: 'id' })), (c) =>
      c.text('ok'),
    );
    app.route('/projects', projects);
    app.delete('/oops', (c) => c.text('oops'));
    expect(
      routeManifest(app).map((e) => [e.method, e.path, e.access, e.guards.map((g) => `${g.action} ${g.resource}`)]),
    ).toEqual([
      ['GET', '/documents/:id', 'guarded', ['read document']],
      ['GET', '/health', 'public', []],
      ['DELETE', '/oops', 'unguarded', []],
      ['PUT', '/projects/:pid/documents/:id', 'guarded', ['read project', 'write document']],
    ]);
    expect(formatRouteManifest(app)).toMatch(/DELETE\s+\/oops\s+UNGUARDED/);
  });
});

describe('validateRoutes', () => {
  it('warns about unknown actions and resource types; error mode rejects', async () => {
    const { app, client } = create();
    app.get('/documents/:id', requirePermission('raed', 'document'), (c) => c.text(''));
    app.get('/invoices', requirePermission('read', 'invoice'), (c) => c.text(''));
    app.get('/fine', requirePermission('read', 'document'), (c) => c.text(''));
    const warn = vi.fn();
    const result = await validateRoutes(app, { client, logger: { warn } });
    expect(result.issues.map((i) => i.path)).toEqual(['/documents/:id', '/invoices']);
    expect(String(warn.mock.calls[0]?.[0])).toContain('did you mean "read"');
    await expect(validateRoutes(app, { client, mode: 'error' })).rejects.toMatchObject({
      code: 'ROUTE_POLICY_MISMATCH',
    });
    await expect(validateRoutes(app, { client: undefined as never })).rejects.toThrow(TypeError);
  });
});

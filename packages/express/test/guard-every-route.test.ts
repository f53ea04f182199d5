/**
 * Issue 11, items 4, 5 and 6 on Express: requireGuard (production style,
 * app- and router-level markers), the route manifest of a real router stack,
 * and startup validation against the policy.
 */
import express, { type Request } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpClient, startFixtureServer } from '@permissio/adapter-testkit';
import {
  formatRouteManifest,
  publicRoute,
  requirePermission,
  resourceFromPath,
  routeManifest,
  validateRoutes,
} from '../src/index.js';
import { app } from './app.js';

describe('requireGuard', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('production: an unguarded route answers a generic 403 and never runs', async () => {
    const { app: a, runs } = app({ requireGuard: true });
    a.get('/admin/export', (_req, res) => {
      runs.push('export');
      res.json({ secret: true });
    });
    process.env.NODE_ENV = 'production';
    const res = await request(a).get('/admin/export').set('x-user', 'alice').set('x-tenant', 'acme');
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(res.body)).not.toContain('/admin/export');
    expect(runs).toEqual([]);
  });

  it('development: 500 naming the method and full path (router mounted under a prefix)', async () => {
    const { app: a, runs } = app({ requireGuard: true });
    const router = express.Router();
    router.delete('/items/:id', (_req, res) => {
      runs.push('delete');
      res.json({});
    });
    a.use('/api', router);
    process.env.NODE_ENV = 'development';
    const res = await request(a).delete('/api/items/1');
    expect(res.status).toBe(500);
    expect(res.body.detail).toContain('DELETE /api/items/:id');
    expect(runs).toEqual([]);
  });

  it('router- and app-level markers cover the routes after them; app.route() methods are judged one by one', async () => {
    const { app: a } = app({ requireGuard: true });
    const open = express.Router();
    open.use(publicRoute());
    open.get('/ping', (_req, res) => res.json({ pong: true }));
    a.use('/open', open);
    a.use('/docs', requirePermission('read', 'document'));
    a.get('/docs/list', (_req, res) => res.json({ ok: true }));
    a.route('/mixed')
      .get(publicRoute(), (_req, res) => res.json({ get: true }))
      .post((_req, res) => res.json({ post: true }));

    expect((await request(a).get('/open/ping')).status).toBe(200);
    expect((await request(a).get('/docs/list').set('x-user', 'alice').set('x-tenant', 'acme')).status).toBe(200);
    expect((await request(a).get('/docs/list').set('x-user', 'zed')).status).toBe(403);
    expect((await request(a).get('/mixed')).status).toBe(200);
    expect((await request(a).post('/mixed')).status).toBe(500);
    // Repeated requests keep the answer (the refusal is installed once).
    expect((await request(a).post('/mixed')).status).toBe(500);
    expect((await request(a).get('/mixed')).status).toBe(200);
  });

  it('a route covered by an earlier marker runs each of its handlers once, also under concurrency', async () => {
    const { app: a, runs } = app({ requireGuard: true });
    a.use('/m', publicRoute());
    a.get(
      '/m/chain',
      async (_req, _res, next) => {
        runs.push('h1');
        await new Promise((resolve) => setTimeout(resolve, 5));
        next();
      },
      (_req, res) => {
        runs.push('h2');
        res.json({ ok: true });
      },
    );
    a.get(
      '/bare/chain',
      (_req, _res, next) => next(),
      (_req, res) => res.json({ ran: true }),
    );
    const answers = await Promise.all([
      request(a).get('/m/chain'),
      request(a).get('/bare/chain'),
      request(a).get('/m/chain'),
      request(a).get('/bare/chain'),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 500, 200, 500]);
    expect(runs.sort()).toEqual(['h1', 'h1', 'h2', 'h2']);
  });

  it('off by default: the same unguarded route runs', async () => {
    const { app: a } = app();
    a.get('/x', (_req, res) => res.json({ ran: true }));
    expect((await request(a).get('/x')).status).toBe(200);
  });
});

describe('routeManifest', () => {
  it('lists routes from the router stack, nested routers and app-level markers included', () => {
    const { app: a } = app();
    a.get('/health', publicRoute(), (_req, res) => res.end());
    a.get('/documents/:id', requirePermission('read', 'document'), (_req, res) => res.end());
    const projects = express.Router();
    projects.use(requirePermission('read', 'project'));
    projects.put(
      '/:pid/documents/:id',
      requirePermission('write', resourceFromPath('document', { key: 'id' })),
      (_q, r) => r.end(),
    );
    projects.get('/:pid', (_req, res) => res.end());
    a.use('/projects', projects);
    a.post(
      '/reports',
      requirePermission('export', (req: Request) => ({ type: 'report', key: req.params.id as string })),
      (_q, r) => r.end(),
    );
    a.delete('/oops', (_req, res) => res.end());

    const manifest = routeManifest(a);
    expect(manifest.map((e) => [e.method, e.path, e.access])).toEqual([
      ['GET', '/documents/:id', 'guarded'],
      ['GET', '/health', 'public'],
      ['DELETE', '/oops', 'unguarded'],
      ['GET', '/projects/:pid', 'guarded'],
      ['PUT', '/projects/:pid/documents/:id', 'guarded'],
      ['POST', '/reports', 'guarded'],
    ]);
    const put = manifest.find((e) => e.method === 'PUT');
    expect(put?.guards).toEqual([
      { action: 'read', resource: 'project', resourceType: 'project' },
      { action: 'write', resource: 'document', resourceType: 'document' },
    ]);
    expect(manifest.find((e) => e.path === '/reports')?.guards[0]).toEqual({
      action: 'export',
      resource: '(resolver)',
      resourceType: undefined,
    });
    const text = formatRouteManifest(a);
    expect(text).toMatch(/DELETE\s+\/oops\s+UNGUARDED/);
    expect(text).toMatch(/GET\s+\/health\s+public/);
  });

  it('rejects something that is not an app', () => {
    expect(() => routeManifest({})).toThrow(TypeError);
  });
});

describe('validateRoutes (startup validation against the policy)', () => {
  function misspelt() {
    const { app: a, client } = app();
    a.get('/documents/:id', requirePermission('raed', 'document'), (_q, r) => r.end());
    a.put('/documents/:id', requirePermission('editor', resourceFromPath('document', { key: 'id' })), (_q, r) =>
      r.end(),
    );
    a.get('/invoices', requirePermission('read', 'invoice'), (_q, r) => r.end());
    a.get(
      '/any',
      requirePermission('frobnicate', () => 'document'),
      (_q, r) => r.end(),
    );
    a.get('/fine', requirePermission('read', { type: 'document', key: 'doc-1' }), (_q, r) => r.end());
    return { app: a, client };
  }

  it('warns about each unknown action or resource type, with a suggestion', async () => {
    const { app: a, client } = misspelt();
    const warn = vi.fn();
    const result = await validateRoutes(a, { client, logger: { warn } });
    expect(result.checked).toBe(true);
    const lines = warn.mock.calls.map((call) => String(call[0]));
    expect(lines).toHaveLength(4);
    const raed = lines.find((l) => l.includes(`GET /documents/:id: requirePermission('raed', 'document')`));
    expect(raed).toContain('did you mean "read"');
    expect(lines.some((l) => l.includes('PUT /documents/:id') && l.includes('no action "editor"'))).toBe(true);
    expect(lines.some((l) => l.includes('no resource type "invoice"'))).toBe(true);
    expect(
      lines.some(
        (l) => l.includes('GET /any') && l.includes('no resource type of the policy has an action "frobnicate"'),
      ),
    ).toBe(true);
  });

  it("'error' mode rejects with one error listing every problem", async () => {
    const { app: a, client } = misspelt();
    await expect(validateRoutes(a, { client, mode: 'error' })).rejects.toMatchObject({
      code: 'ROUTE_POLICY_MISMATCH',
      message: expect.stringContaining('raed'),
    });
  });

  it('a policy-conformant app passes silently', async () => {
    const { app: a, client } = app();
    a.get('/documents/:id', requirePermission('read', 'document'), (_q, r) => r.end());
    const warn = vi.fn();
    expect((await validateRoutes(a, { client, logger: { warn } })).issues).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('a remote PDP is not checked, and the result says why', async () => {
    const server = await startFixtureServer();
    const remote = httpClient(server.url);
    try {
      const a = express();
      a.get('/documents/:id', requirePermission('raed', 'document'), (_q, r) => r.end());
      const result = await validateRoutes(a, { client: remote.client, mode: 'error' });
      expect(result).toMatchObject({ checked: false, reason: expect.stringContaining('remote') });
    } finally {
      await remote.close();
      await server.close();
    }
  });
});

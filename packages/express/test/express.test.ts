import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Request } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { RequestScope } from '@permissio/core';
import { engineClient, faultyPdp, policySnapshot } from '@permissio/adapter-testkit';
import { Permissio, type Pdp } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { permissio, requirePermission, resourceFromPath, type PermissioExpressOptions } from '../src/index.js';

const servers: import('node:http').Server[] = [];
async function listen(app: express.Express) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

const user = (req: Request) => req.get('x-user');
const tenant = (req: Request) => req.get('x-tenant');

describe('@permissio/express specifics', () => {
  it('types: req.permissio is an optional RequestScope (undefined where permissio() did not run)', () => {
    expectTypeOf<Request['permissio']>().toEqualTypeOf<RequestScope | undefined>();
    expectTypeOf<PermissioExpressOptions['user']>().parameter(0).toEqualTypeOf<Request>();
    expectTypeOf(resourceFromPath('document')).parameter(0).toEqualTypeOf<Request>();
    expectTypeOf(requirePermission('read', 'document')).toEqualTypeOf<express.RequestHandler>();
  });

  it('req.permissio is undefined where permissio() did not run, and assignable', async () => {
    const other = express();
    other.get('/none', (req, res) => {
      res.json({ scope: req.permissio === undefined ? 'undefined' : 'set' });
    });
    const app = express();
    app.use('/other', other);
    app.use(permissio({ client: engineClient().client, user, tenant }));
    app.get('/shadow', (req, res) => {
      (req as { permissio?: unknown }).permissio = 'replaced';
      res.json({ scope: req.permissio });
    });
    const server = await listen(app);
    expect((await request(server).get('/other/none')).body).toEqual({ scope: 'undefined' });
    expect((await request(server).get('/shadow')).body).toEqual({ scope: 'replaced' });
  });

  it('keeps the per-request state non-enumerable and sets req.permissio', async () => {
    const app = express();
    app.use(permissio({ client: engineClient().client, user, tenant }));
    app.get('/x', (req, res) => {
      res.json({
        keys: Object.keys(req).filter((k) => k.includes('permissio')),
        symbols: Object.getOwnPropertySymbols(req).length,
        user: req.permissio?.user,
      });
    });
    const res = await request(await listen(app))
      .get('/x')
      .set('x-user', 'alice');
    expect(res.body).toEqual({ keys: [], symbols: expect.any(Number), user: 'alice' });
  });

  it("onError: 'next' hands the PDP error to the app's error handler, with status", async () => {
    const client = new Permissio({ pdp: faultyPdp(createEngine(policySnapshot()) as Pdp, 'throw') });
    const app = express();
    app.use(permissio({ client, user, tenant, onError: 'next' }));
    app.get('/doc', requirePermission('read', 'document'), (_req, res) => res.json({ ran: true }));
    const handler: ErrorRequestHandler = (err: Error & { status?: number }, _req, res, _next) => {
      res.status(599).json({ name: err.name, status: err.status });
    };
    app.use(handler);
    const res = await request(await listen(app))
      .get('/doc')
      .set('x-user', 'alice');
    expect(res.status).toBe(599);
    expect(res.body).toEqual({ name: 'PermissioNetworkError', status: 503 });
  });

  it('a hook calling next() without an error never runs the handler', async () => {
    const app = express();
    let ran = false;
    app.use(permissio({ client: engineClient().client, user, tenant, onDenied: (_req, _res, next) => next() }));
    app.get('/doc', requirePermission('delete', 'document'), (_req, res) => {
      ran = true;
      res.json({});
    });
    const handler: ErrorRequestHandler = (err: { status?: number }, _req, res, _next) => {
      res.status(err.status ?? 500).json({ fromErrorHandler: true });
    };
    app.use(handler);
    const res = await request(await listen(app))
      .get('/doc')
      .set('x-user', 'bob')
      .set('x-tenant', 'acme');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ fromErrorHandler: true });
    expect(ran).toBe(false);
  });

  it('a hook that writes nothing falls back to the problem response (also when async)', async () => {
    const seen: string[] = [];
    const app = express();
    app.use(
      permissio({
        client: engineClient().client,
        user,
        tenant,
        onDenied: (_req, _res, _next, outcome) => void seen.push(outcome.kind),
        onUnauthenticated: async (_req, _res, _next, outcome) => {
          await new Promise((r) => setTimeout(r, 1));
          seen.push(outcome.kind);
        },
      }),
    );
    app.get('/doc', requirePermission('delete', 'document'), (_req, res) => res.json({}));
    const server = await listen(app);
    const denied = await request(server).get('/doc').set('x-user', 'bob').set('x-tenant', 'acme');
    expect(denied.status).toBe(403);
    expect(denied.headers['content-type']).toContain('application/problem+json');
    const anonymous = await request(server).get('/doc');
    expect(anonymous.status).toBe(401);
    expect(seen).toEqual(['denied', 'unauthenticated']);
  });

  it('requirePermission without permissio() fails loudly and never runs the handler', async () => {
    const app = express();
    let ran = false;
    app.get('/doc', requirePermission('read', 'document'), (_req, res) => {
      ran = true;
      res.json({});
    });
    const res = await request(await listen(app))
      .get('/doc')
      .set('x-user', 'alice');
    expect(res.status).toBe(500);
    expect(ran).toBe(false);
  });

  it('resourceFromPath in a mounted router uses baseUrl + path, as sent', async () => {
    const app = express();
    const router = express.Router();
    app.use(permissio({ client: engineClient().client, user, tenant }));
    router.get(
      '/:pid/documents/:id',
      requirePermission('read', resourceFromPath('document', { key: 'id' })),
      (_req, res) => res.json({ ok: true }),
    );
    app.use('/projects', router);
    const server = await listen(app);
    expect(
      (await request(server).get('/projects/p1/documents/d1').set('x-user', 'dave').set('x-tenant', 'acme')).status,
    ).toBe(200);
    expect(
      (await request(server).get('/PROJECTS/p1/documents/d1').set('x-user', 'dave').set('x-tenant', 'acme')).status,
    ).toBe(403);
    expect(
      (await request(server).get('/projects/p1%2Fx/documents/d1').set('x-user', 'dave').set('x-tenant', 'acme')).status,
    ).toBe(400);
  });

  it('validates onError eagerly', () => {
    const { client } = engineClient();
    expect(() => permissio({ client, user, onError: 'throw' as never })).toThrow(/"onError"/);
  });

  it('a server listens on loopback only in these tests', async () => {
    const server = await listen(express());
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
  });
});

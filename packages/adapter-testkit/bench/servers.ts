/**
 * One benchmark server per child process: `node … servers.ts <framework> <mode>`.
 * Framework: express | fastify | hono. Mode:
 * - `bare`: the route alone;
 * - `floor`: the cheapest correct hand-written check: one route-level
 *   middleware, one `Set` lookup of the user id from a header;
 * - `protected`: `requirePermission` on the embedded engine;
 * - `casbin`: a casbin `enforce()` check (RBAC with domains) as the peer.
 * Listens on 127.0.0.1:0 and reports its port over IPC.
 */
import type { AddressInfo } from 'node:net';
import { Permissio, type Pdp } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { policySnapshot } from '../src/fixture.js';

type Mode = 'bare' | 'floor' | 'protected' | 'casbin';
const [framework, mode] = process.argv.slice(2) as [string, Mode];

const ALLOWED = new Set(['alice', 'bob', 'carol']);
const client = new Permissio({ pdp: createEngine(policySnapshot()) as Pdp });

const CASBIN_MODEL = `
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act
`;
const CASBIN_POLICY = `
p, viewer, acme, document, read
p, editor, acme, document, write
g, editor, viewer, acme
g, alice, editor, acme
g, bob, viewer, acme
`;
const enforcer =
  mode === 'casbin' ? await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(CASBIN_POLICY)) : undefined;
const enforce = (user: unknown, tenant: unknown): Promise<boolean> => {
  if (enforcer === undefined) throw new Error('casbin enforcer only exists in casbin mode');
  return enforcer.enforce(user, tenant, 'document', 'read');
};

const body = { ok: true };

async function startExpress(): Promise<number> {
  const { default: express } = await import('express');
  const { permissio, requirePermission } = await import('../../express/src/index.js');
  const app = express();
  const handler = (_req: unknown, res: { json(v: unknown): void }) => res.json(body);
  if (mode === 'bare') app.get('/documents/:id', handler);
  if (mode === 'floor') {
    app.get(
      '/documents/:id',
      (req, res, next) => (ALLOWED.has(req.headers['x-user'] as string) ? next() : void res.status(403).end()),
      handler,
    );
  }
  if (mode === 'protected') {
    app.use(
      permissio({
        client,
        user: (req) => req.headers['x-user'] as string | undefined,
        tenant: (req) => req.headers['x-tenant'] as string | undefined,
      }),
    );
    app.get(
      '/documents/:id',
      requirePermission('read', (req) => ({ type: 'document', key: req.params.id as string })),
      handler,
    );
  }
  if (mode === 'casbin') {
    app.get(
      '/documents/:id',
      (req, res, next) => {
        enforce(req.headers['x-user'], req.headers['x-tenant']).then(
          (ok) => (ok ? next() : void res.status(403).end()),
          next,
        );
      },
      handler,
    );
  }
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return (server.address() as AddressInfo).port;
}

async function startFastify(): Promise<number> {
  const { default: Fastify } = await import('fastify');
  const { default: permissioPlugin } = await import('../../fastify/src/index.js');
  const app = Fastify();
  const handler = async () => body;
  if (mode === 'bare') app.get('/documents/:id', handler);
  if (mode === 'floor') {
    app.get(
      '/documents/:id',
      {
        preHandler: (request, reply, done) => {
          if (ALLOWED.has(request.headers['x-user'] as string)) done();
          else void reply.code(403).send();
        },
      },
      handler,
    );
  }
  if (mode === 'protected') {
    await app.register(permissioPlugin, {
      client,
      user: (request) => request.headers['x-user'] as string | undefined,
      tenant: (request) => request.headers['x-tenant'] as string | undefined,
    });
    app.get(
      '/documents/:id',
      {
        config: {
          permission: {
            action: 'read',
            resource: (request) => ({ type: 'document', key: (request.params as { id: string }).id }),
          },
        },
      },
      handler,
    );
  }
  if (mode === 'casbin') {
    app.get(
      '/documents/:id',
      {
        preHandler: (request, reply, done) => {
          enforce(request.headers['x-user'], request.headers['x-tenant']).then(
            (ok) => (ok ? done() : void reply.code(403).send()),
            done,
          );
        },
      },
      handler,
    );
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

async function startHono(): Promise<number> {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const { permissio, requirePermission } = await import('../../hono/src/index.js');
  const app = new Hono();
  if (mode === 'bare') app.get('/documents/:id', (c) => c.json(body));
  if (mode === 'floor') {
    app.get(
      '/documents/:id',
      async (c, next) => {
        if (!ALLOWED.has(c.req.header('x-user') ?? '')) return c.body(null, 403);
        await next();
      },
      (c) => c.json(body),
    );
  }
  if (mode === 'protected') {
    app.use('*', permissio({ client, user: (c) => c.req.header('x-user'), tenant: (c) => c.req.header('x-tenant') }));
    app.get(
      '/documents/:id',
      requirePermission('read', (c) => ({ type: 'document', key: c.req.param('id') })),
      (c) => c.json(body),
    );
  }
  if (mode === 'casbin') {
    app.get(
      '/documents/:id',
      async (c, next) => {
        if (!(await enforce(c.req.header('x-user'), c.req.header('x-tenant')))) return c.body(null, 403);
        await next();
      },
      (c) => c.json(body),
    );
  }
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return (server.address() as AddressInfo).port;
}

const port =
  framework === 'express' ? await startExpress() : framework === 'fastify' ? await startFastify() : await startHono();
process.send?.({ port });
process.on('disconnect', () => process.exit(0));

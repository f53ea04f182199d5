/**
 * A tenant resolver that throws (or answers a non-string) fails closed on every path: the guard answers 403, and a
 * handler's own questions through `req.permissio` are refused (TENANT_UNRESOLVED) — never answered in the default
 * tenant, where this user holds a role.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Permissio, type PermissioError } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { permissio, publicRoute, requirePermission } from '../src/index.js';

const client = new Permissio({
  pdp: createEngine({
    resources: [{ key: 'document', actions: ['read'] }],
    roles: [{ key: 'reader', permissions: ['document:read'] }],
    tenants: [{ key: 'default' }, { key: 'acme' }],
    users: [{ key: 'alice' }],
    roleAssignments: [{ user: 'alice', role: 'reader', tenant: 'default' }],
  }),
});

function app(tenant: () => unknown) {
  const app = express();
  app.use(permissio({ client, user: () => 'alice', tenant: tenant as () => string }));
  app.get('/guarded', requirePermission('read', 'document'), (_req, res) => {
    res.json({ ran: true });
  });
  app.get('/handler', publicRoute(), async (req, res) => {
    const scope = req.permissio;
    const refused = async (ask: () => Promise<unknown> | undefined) => {
      try {
        return { answered: await ask() };
      } catch (error) {
        return { code: (error as PermissioError).code };
      }
    };
    res.json({
      check: await refused(() => scope?.check('read', 'document')),
      checkDetailed: await refused(() => scope?.checkDetailed('read', 'document')),
      plan: await refused(() => scope?.plan('read', 'document')),
      stats: scope?.stats,
    });
  });
  return app;
}

describe('an unresolvable tenant refuses every decision of the request', () => {
  for (const [name, tenant] of [
    [
      'a throwing tenant resolver',
      () => {
        throw new Error('tenant lookup failed');
      },
    ],
    ['a tenant resolver answering a number', () => 42],
  ] as const) {
    it(name, async () => {
      const guarded = await request(app(tenant)).get('/guarded');
      expect(guarded.status).toBe(403);
      const handler = await request(app(tenant)).get('/handler');
      expect(handler.status).toBe(200);
      expect(handler.body).toEqual({
        check: { code: 'TENANT_UNRESOLVED' },
        checkDetailed: { code: 'TENANT_UNRESOLVED' },
        plan: { code: 'TENANT_UNRESOLVED' },
        stats: { hits: 0, misses: 0, pdpCalls: 0, batches: 0 },
      });
    });
  }

  it('an async tenant resolver that rejects: no scope while resolving, then a refused one; never an allow', async () => {
    const failing = () => Promise.reject(new Error('down'));
    expect((await request(app(failing)).get('/guarded')).status).toBe(403);
    // req.permissio is undefined while async resolvers answer (documented); a later read gets the refused scope.
    const late = express();
    late.use(permissio({ client, user: () => 'alice', tenant: failing }));
    late.get('/handler', publicRoute(), async (req, res) => {
      const first = req.permissio;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const code = await req.permissio?.check('read', 'document').then(
        (allowed) => `answered ${allowed}`,
        (error: PermissioError) => error.code,
      );
      res.json({ first: first === undefined ? 'none' : 'scope', code });
    });
    expect((await request(late).get('/handler')).body).toEqual({ first: 'none', code: 'TENANT_UNRESOLVED' });
  });

  it('a resolved tenant still answers (control: the same user is allowed in the default tenant)', async () => {
    const handler = await request(app(() => undefined)).get('/handler');
    expect(handler.body.check).toEqual({ answered: true });
    expect(handler.body.plan).toEqual({ answered: { kind: 'always' } });
    const acme = await request(app(() => 'acme')).get('/handler');
    expect(acme.body.check).toEqual({ answered: false });
  });
});

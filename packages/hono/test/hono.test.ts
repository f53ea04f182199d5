import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { RequestScope } from '@permissio/core';
import { engineClient } from '@permissio/adapter-testkit';
import {
  permissio,
  requirePermission,
  resourceFromPath,
  type PermissioEnv,
  type PermissioHonoOptions,
  type PermissioVariables,
} from '../src/index.js';

const user = (c: Context) => c.req.header('x-user');
const tenant = (c: Context) => c.req.header('x-tenant');

describe('@permissio/hono specifics', () => {
  it("types: c.get('permissio') is a RequestScope (ContextVariableMap and PermissioEnv)", () => {
    const app = new Hono();
    app.get('/', (c) => {
      expectTypeOf(c.get('permissio')).toEqualTypeOf<RequestScope | undefined>();
      return c.text('');
    });
    const typed = new Hono<PermissioEnv>();
    typed.get('/', (c) => {
      expectTypeOf(c.var.permissio).toEqualTypeOf<RequestScope | undefined>();
      return c.text('');
    });
    expectTypeOf<PermissioVariables['permissio']>().toEqualTypeOf<RequestScope | undefined>();
    expectTypeOf<PermissioHonoOptions['user']>().parameter(0).toEqualTypeOf<Context>();
    expectTypeOf(resourceFromPath('document')).parameter(0).toEqualTypeOf<Context>();
    expectTypeOf(requirePermission('read', 'document')).toMatchTypeOf<MiddlewareHandler>();
  });

  it('middleware functions are named', () => {
    expect(permissio({ client: engineClient().client, user }).name).toBe('permissioMiddleware');
    expect(requirePermission('read', 'document').name).toBe('requirePermissionMiddleware');
  });

  it("refusals are HTTPExceptions the app's onError can render", async () => {
    const app = new Hono();
    app.use('*', permissio({ client: engineClient().client, user, tenant }));
    app.get('/doc', requirePermission('delete', 'document'), (c) => c.json({ ran: true }));
    app.onError((err, c) => {
      if (err instanceof HTTPException) return c.json({ custom: err.status, problem: err.message }, err.status);
      return c.json({ other: true }, 500);
    });
    const res = await app.request('/doc', { headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ custom: 403, problem: 'You do not have permission to perform this action.' });
  });

  it('by default Hono answers the exception response: problem+json', async () => {
    const app = new Hono();
    app.use('*', permissio({ client: engineClient().client, user, tenant }));
    app.get('/doc', requirePermission('read', 'document'), (c) => c.json({ ran: true }));
    const res = await app.request('/doc');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('a hook returning nothing lets the default exception through', async () => {
    const seen: number[] = [];
    const app = new Hono();
    app.use(
      '*',
      permissio({
        client: engineClient().client,
        user,
        tenant,
        onDenied: (_c, outcome) => void seen.push(outcome.status),
      }),
    );
    app.get('/doc', requirePermission('delete', 'document'), (c) => c.json({ ran: true }));
    const res = await app.request('/doc', { headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect(res.status).toBe(403);
    expect(seen).toEqual([403]);
  });

  it('requirePermission without permissio() fails (500) and never runs the handler', async () => {
    const app = new Hono();
    let ran = false;
    app.get('/doc', requirePermission('read', 'document'), (c) => {
      ran = true;
      return c.json({});
    });
    // Hono's default error handler logs the configuration error (with its fix) before answering 500.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await app.request('/doc', { headers: { 'x-user': 'alice' } })).status).toBe(500);
      expect(String(logged.mock.calls[0]?.[0])).toMatch(/permissio\(\) did not run for this request/);
    } finally {
      logged.mockRestore();
    }
    expect(ran).toBe(false);
  });

  it('has no Node-only imports', () => {
    const dir = fileURLToPath(new URL('../src/', import.meta.url));
    for (const file of readdirSync(dir)) {
      const text = readFileSync(dir + file, 'utf8');
      expect(text, file).not.toMatch(/from ['"](node:|fs|path|http|crypto|buffer|events|stream)['"/]/);
    }
  });
});

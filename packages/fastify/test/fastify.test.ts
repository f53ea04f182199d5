import Fastify, { type FastifyInstance, type FastifyRequest, type preHandlerHookHandler } from 'fastify';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { RequestScope } from '@permissio/core';
import { engineClient } from '@permissio/adapter-testkit';
import permissioPlugin, {
  permissioPlugin as named,
  requirePermission,
  resourceFromPath,
  type PermissioFastifyOptions,
  type RoutePermission,
} from '../src/index.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
function app(): FastifyInstance {
  const instance = Fastify();
  apps.push(instance);
  return instance;
}
const user = (request: FastifyRequest) => request.headers['x-user'] as string | undefined;
const tenant = (request: FastifyRequest) => request.headers['x-tenant'] as string | undefined;

describe('@permissio/fastify specifics', () => {
  it('types: request.permissio, fastify.requirePermission, config.permission', () => {
    expectTypeOf<FastifyRequest['permissio']>().toEqualTypeOf<RequestScope | undefined>();
    expectTypeOf<FastifyInstance['requirePermission']>().toEqualTypeOf<typeof requirePermission>();
    expectTypeOf(requirePermission('read', 'document')).toEqualTypeOf<preHandlerHookHandler>();
    expectTypeOf<PermissioFastifyOptions['user']>().parameter(0).toEqualTypeOf<FastifyRequest>();
    expectTypeOf(resourceFromPath('document')).parameter(0).toEqualTypeOf<FastifyRequest>();
    expectTypeOf<NonNullable<import('fastify').FastifyContextConfig['permission']>>().toEqualTypeOf<RoutePermission>();
  });

  it('is one fastify-plugin, exported default and named', () => {
    expect(permissioPlugin).toBe(named);
    const meta = (permissioPlugin as unknown as Record<symbol, { name: string; fastify: string }>)[
      Symbol.for('plugin-meta')
    ];
    expect(meta).toMatchObject({ name: '@permissio/fastify', fastify: '5.x' });
  });

  it('decorates requests with permissio (null outside, a scope inside) and shares hooks with the parent', async () => {
    const fastify = app();
    await fastify.register(permissioPlugin, { client: engineClient().client, user, tenant });
    fastify.get('/me', async (request) => ({ user: request.permissio?.user, tenant: request.permissio?.tenant }));
    fastify.get('/doc', { config: { permission: { action: 'read', resource: 'document' } } }, async () => ({
      ok: true,
    }));
    const me = await fastify.inject({ url: '/me', headers: { 'x-user': 'alice', 'x-tenant': 'acme' } });
    expect(me.json()).toEqual({ user: 'alice', tenant: 'acme' });
    expect((await fastify.inject({ url: '/doc', headers: { 'x-user': 'alice', 'x-tenant': 'acme' } })).statusCode).toBe(
      200,
    );
    expect((await fastify.inject({ url: '/doc', headers: { 'x-user': 'alice' } })).statusCode).toBe(403);
    expect((await fastify.inject({ method: 'HEAD', url: '/doc', headers: { 'x-user': 'alice' } })).statusCode).toBe(
      403,
    );
  });

  it('an invalid config.permission fails at route registration', async () => {
    const fastify = app();
    await fastify.register(permissioPlugin, { client: engineClient().client, user });
    expect(() =>
      fastify.get('/x', { config: { permission: { action: '', resource: 'document' } } }, async () => ({})),
    ).toThrow(TypeError);
  });

  it('a hook that throws hands the error to setErrorHandler; the handler never runs', async () => {
    const fastify = app();
    let ran = false;
    await fastify.register(permissioPlugin, {
      client: engineClient().client,
      user,
      tenant,
      onDenied: (_request, _reply, outcome) => {
        throw Object.assign(new Error('custom'), { statusCode: outcome.status });
      },
    });
    fastify.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      void reply.code(error.statusCode ?? 500).send({ custom: error.message });
    });
    fastify.get('/doc', { preHandler: fastify.requirePermission('delete', 'document') }, async () => {
      ran = true;
      return {};
    });
    const res = await fastify.inject({ url: '/doc', headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ custom: 'custom' });
    expect(ran).toBe(false);
  });

  it('a hook that sends nothing falls back to the problem reply', async () => {
    const fastify = app();
    await fastify.register(permissioPlugin, { client: engineClient().client, user, onUnauthenticated: () => {} });
    fastify.get('/doc', { preHandler: requirePermission('read', 'document') }, async () => ({}));
    const res = await fastify.inject({ url: '/doc' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('a preHandler outside the plugin context fails loudly and never runs the handler', async () => {
    const fastify = app();
    let ran = false;
    fastify.get('/doc', { preHandler: requirePermission('read', 'document') }, async () => {
      ran = true;
      return {};
    });
    const res = await fastify.inject({ url: '/doc', headers: { 'x-user': 'alice' } });
    expect(res.statusCode).toBe(500);
    expect(ran).toBe(false);
  });

  it('resourceFromPath uses the raw URL find-my-way matched, with a case-insensitive router too', async () => {
    const fastify = Fastify({ routerOptions: { caseSensitive: false } });
    apps.push(fastify);
    await fastify.register(permissioPlugin, { client: engineClient().client, user, tenant });
    fastify.get(
      '/files/*',
      { config: { permission: { action: 'read', resource: resourceFromPath('document') } } },
      async () => ({ ok: true }),
    );
    const headers = { 'x-user': 'dave', 'x-tenant': 'acme' };
    expect((await fastify.inject({ url: '/files/p1/a?x=1', headers })).statusCode).toBe(200);
    expect((await fastify.inject({ url: '/FILES/p1/a', headers })).statusCode).toBe(403);
    expect((await fastify.inject({ url: 'http://example.test/files/p1/a', headers })).statusCode).toBe(200);
  });
});

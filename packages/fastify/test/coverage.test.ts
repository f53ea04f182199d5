/**
 * Issue 10 item 1: a route declaring `config.permission` must never run
 * unchecked, whatever the order of registration.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { engineClient } from '@permissio/adapter-testkit';
import { NOT_REGISTERED } from '@permissio/core/internal';
import permissioPlugin from '../src/index.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
function app(): FastifyInstance {
  const instance = Fastify();
  apps.push(instance);
  return instance;
}
const options = () => ({
  client: engineClient().client,
  user: (request: FastifyRequest) => request.headers['x-user'] as string | undefined,
});
const protectedRoute = { config: { permission: { action: 'read', resource: 'document' } } };

async function readyError(fastify: FastifyInstance): Promise<unknown> {
  try {
    await fastify.ready();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('@permissio/fastify: config.permission outside the plugin', () => {
  it('a route declared before the plugin: ready() fails naming the route and the fix', async () => {
    const fastify = app();
    let ran = 0;
    fastify.get('/early', protectedRoute, async () => ++ran);
    await fastify.register(permissioPlugin, options());
    const error = (await readyError(fastify)) as { code?: string; message?: string };
    expect(error?.code).toBe(NOT_REGISTERED);
    expect(error.message).toContain('GET /early');
    expect(error.message).toContain('await app.register(permissioPlugin');
    expect(ran).toBe(0);
  });

  it('a child plugin registered before the plugin: ready() fails', async () => {
    const fastify = app();
    await fastify.register(async (child) => {
      child.delete('/child/:id', protectedRoute, async () => 'ran');
    });
    await fastify.register(permissioPlugin, options());
    const error = (await readyError(fastify)) as { code?: string; message?: string };
    expect(error?.code).toBe(NOT_REGISTERED);
    expect(error.message).toContain('DELETE /child/:id');
  });

  it('a sibling encapsulation context: ready() fails', async () => {
    const fastify = app();
    await fastify.register(async (api) => {
      await api.register(permissioPlugin, options());
      api.get('/api/doc', protectedRoute, async () => 'ok');
    });
    await fastify.register(async (other) => {
      other.get('/other/doc', protectedRoute, async () => 'ran');
    });
    const error = (await readyError(fastify)) as { code?: string; message?: string };
    expect(error?.code).toBe(NOT_REGISTERED);
    expect(error.message).toContain('GET /other/doc');
    expect(error.message).not.toContain('/api/doc');
  });

  it('no plugin at all: ready() fails (the permission is never silently dropped)', async () => {
    const fastify = app();
    fastify.get('/doc', protectedRoute, async () => 'ran');
    expect(await readyError(fastify)).toMatchObject({ code: NOT_REGISTERED });
  });

  it('the plugin first, then routes at the root and in children: ready and checked', async () => {
    const fastify = app();
    await fastify.register(permissioPlugin, options());
    fastify.get('/doc', protectedRoute, async () => 'ok');
    await fastify.register(async (child) => {
      child.get('/child/doc', protectedRoute, async () => 'ok');
    });
    await fastify.ready();
    expect((await fastify.inject({ url: '/doc' })).statusCode).toBe(401);
    expect((await fastify.inject({ url: '/child/doc' })).statusCode).toBe(401);
    expect((await fastify.inject({ url: '/child/doc', headers: { 'x-user': 'alice' } })).statusCode).toBe(403);
  });
});

describe('@permissio/fastify: late auth', () => {
  it('the user is resolved at the first decision: an auth hook after the plugin counts', async () => {
    const fastify = app();
    await fastify.register(permissioPlugin, {
      client: engineClient().client,
      user: (request: FastifyRequest) => (request as FastifyRequest & { testUser?: string }).testUser,
      tenant: () => 'acme',
    });
    // The app's auth runs after the plugin's onRequest hook.
    fastify.addHook('preValidation', async (request) => {
      (request as FastifyRequest & { testUser?: string }).testUser = request.headers['x-user'] as string | undefined;
    });
    fastify.get('/documents/:id', { config: { permission: { action: 'read', resource: 'document' } } }, async (r) => ({
      user: String(r.permissio?.user),
    }));
    const response = await fastify.inject({ url: '/documents/doc-1', headers: { 'x-user': 'alice' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user: 'alice' });
    expect((await fastify.inject({ url: '/documents/doc-1' })).statusCode).toBe(401);
  });
});

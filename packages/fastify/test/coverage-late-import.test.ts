/**
 * The request-time backstop of issue 10 item 1: an instance created before
 * `@permissio/fastify` was loaded has no ready-time coverage check, so the
 * plugin refuses uncovered `config.permission` routes of its context.
 * (No static import of the plugin here: the instance must come first.)
 */
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';

describe('@permissio/fastify loaded after the instance was created', () => {
  it('a route declared before the plugin is refused (500, ADAPTER_NOT_REGISTERED), never run', async () => {
    const app = Fastify();
    const { default: permissioPlugin } = await import('../src/index.js');
    const { engineClient } = await import('@permissio/adapter-testkit');
    let ran = 0;
    app.get('/early', { config: { permission: { action: 'read', resource: 'document' } } }, async () => ++ran);
    await app.register(permissioPlugin, {
      client: engineClient().client,
      user: (request: FastifyRequest) => request.headers['x-user'] as string | undefined,
    });
    app.get('/late', { config: { permission: { action: 'read', resource: 'document' } } }, async () => 'late');
    await app.ready();
    try {
      const early = await app.inject({ url: '/early', headers: { 'x-user': 'alice', 'x-tenant': 'acme' } });
      expect(early.statusCode).toBe(500);
      expect(early.json()).toMatchObject({ code: 'ADAPTER_NOT_REGISTERED' });
      expect(ran).toBe(0);
      expect((await app.inject({ url: '/late' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});

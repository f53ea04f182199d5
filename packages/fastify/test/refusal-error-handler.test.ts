/**
 * Issue 11, item 11 on Fastify: with `refusal: 'error'` refusals reach the
 * app's `setErrorHandler` instead of being sent directly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PermissioRefusalError, requirePermission } from '../src/index.js';
import { as, closeApps, create } from './app.js';

afterEach(closeApps);

describe("refusal: 'error' hands refusals to Fastify's error handler", () => {
  it('the app error handler renders 401, 403 and unguarded refusals', async () => {
    const seen: unknown[] = [];
    const app = await create({ refusal: 'error', requireGuard: true });
    app.setErrorHandler((error, _request, reply) => {
      seen.push(error);
      const refusal = error as unknown as PermissioRefusalError;
      void reply
        .code(refusal.statusCode)
        .send({ rendered: 'by-app', status: refusal.statusCode, problem: refusal.problem });
    });
    app.delete('/documents/:id', { preHandler: requirePermission('delete', 'document') }, async () => ({ ran: true }));
    app.get('/open', async () => ({ ran: true }));

    const denied = await app.inject({ method: 'DELETE', url: '/documents/doc-1', headers: as('bob') });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ rendered: 'by-app', problem: { status: 403, title: 'Forbidden' } });
    expect((await app.inject({ method: 'DELETE', url: '/documents/doc-1' })).json()).toMatchObject({ status: 401 });
    expect((await app.inject({ url: '/open' })).json()).toMatchObject({ rendered: 'by-app', status: 500 });
    expect(seen).toHaveLength(3);
    expect(seen.every((e) => e instanceof PermissioRefusalError)).toBe(true);
  });

  it("default ('respond') replies problem+json without the error handler", async () => {
    const app = await create();
    const handler = vi.fn();
    app.setErrorHandler(handler);
    app.delete('/documents/:id', { preHandler: requirePermission('delete', 'document') }, async () => ({ ran: true }));
    const res = await app.inject({ method: 'DELETE', url: '/documents/doc-1', headers: as('bob') });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(handler).not.toHaveBeenCalled();
  });
});

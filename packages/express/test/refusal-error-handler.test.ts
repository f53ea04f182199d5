/**
 * Issue 11, item 11 on Express: with `refusal: 'error'` refusals reach the
 * app's own error handler (`next(err)`) instead of being written directly.
 */
import type { ErrorRequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { engineClient } from '@permissio/adapter-testkit';
import { PermissioRefusalError, permissio, requirePermission } from '../src/index.js';
import { app, user } from './app.js';

describe("refusal: 'error' hands refusals to the app's error handler", () => {
  const handler: ErrorRequestHandler = (err, _req, res, _next) => {
    res
      .status(err.statusCode ?? 500)
      .json({ rendered: 'by-app', status: err.status, problem: err.problem, name: err.name });
  };

  it('401, 403 and unguarded refusals reach the handler as PermissioRefusalError', async () => {
    const seen: unknown[] = [];
    const { app: a } = app({ refusal: 'error', requireGuard: true });
    a.delete('/documents/:id', requirePermission('delete', 'document'), (_q, r) => r.json({ ran: true }));
    a.get('/open', (_q, r) => r.json({ ran: true }));
    a.use(((err, req, res, next) => {
      seen.push(err);
      handler(err, req, res, next);
    }) as ErrorRequestHandler);

    const denied = await request(a).delete('/documents/doc-1').set('x-user', 'bob').set('x-tenant', 'acme');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      rendered: 'by-app',
      status: 403,
      problem: { status: 403, title: 'Forbidden' },
    });
    const anonymous = await request(a).delete('/documents/doc-1');
    expect(anonymous.body).toMatchObject({ rendered: 'by-app', status: 401 });
    const unguarded = await request(a).get('/open');
    expect(unguarded.body).toMatchObject({ rendered: 'by-app', status: 500 });
    expect(seen.every((e) => e instanceof PermissioRefusalError)).toBe(true);
  });

  it("default ('respond') still writes problem+json without calling the error handler", async () => {
    const { app: a } = app();
    a.delete('/documents/:id', requirePermission('delete', 'document'), (_q, r) => r.json({ ran: true }));
    a.use(handler);
    const res = await request(a).delete('/documents/doc-1').set('x-user', 'bob').set('x-tenant', 'acme');
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.rendered).toBeUndefined();
  });

  it('rejects a misspelt mode', () => {
    const { client } = engineClient();
    expect(() => permissio({ client, user, refusal: 'throw' as never })).toThrow(/"refusal"/);
  });
});

/**
 * Fault injection over real sockets on 127.0.0.1: servers that misbehave on
 * purpose, and the HTTP transport's answers to them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  Permissio,
  PermissioApiError,
  PermissioAuthenticationError,
  type PermissioError,
  PermissioNetworkError,
  PermissioNotFoundError,
  PermissioRateLimitError,
  PermissioTimeoutError,
  type PermissioOptions,
} from '../src/index.js';
import { BASE, TOKEN, captureLogger, closedPortUrl, httpServer, json, silentServer } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function client(apiUrl: string, extra: Partial<PermissioOptions<true>> = {}): Permissio {
  const permissio = new Permissio({ token: TOKEN, apiUrl, projectId: 'p1', environmentId: 'e1', ...extra });
  cleanups.push(() => permissio.close());
  return permissio;
}

async function serve(...args: Parameters<typeof httpServer>) {
  const server = await httpServer(...args);
  cleanups.push(() => server.close());
  return server;
}

describe('HttpPdp over misbehaving servers', () => {
  it('connection refused → PermissioNetworkError (after retries, within budget)', async () => {
    const permissio = client(await closedPortUrl(), { checkTimeout: 1_000 });
    const started = Date.now();
    const error = await permissio.check('alice', 'read', 'document').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissioNetworkError);
    expect(error).not.toBeInstanceOf(PermissioTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_100);
  });

  it('a server that accepts and never answers → PermissioTimeoutError within checkTimeout + 100 ms', async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const permissio = client(silent.url, { checkTimeout: 400 });
    const started = Date.now();
    const error = await permissio.check('alice', 'read', 'document').catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(PermissioTimeoutError);
    // It may give up a little before the deadline when the back-off would leave
    // no room for another attempt, never after checkTimeout + 100 ms.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(500);
    expect(silent.connections()).toBeGreaterThanOrEqual(1);
  });

  it('503 then 200 → retried, succeeds', async () => {
    const server = await serve((_req, res, index) =>
      index === 0
        ? json(res, 503, { error: { code: 'UNAVAILABLE', message: 'busy' } })
        : json(res, 200, { allowed: true }),
    );
    const permissio = client(server.url);
    await expect(permissio.check('alice', 'read', 'document')).resolves.toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.url).toBe(`${BASE}/check`);
    expect(server.requests[0]?.method).toBe('POST');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests[0]?.headers['x-permissio-sdk']).toMatch(/^ts\//);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ user: 'alice', action: 'read', resource: 'document' });
  });

  it('429 with Retry-After: 1 → waits about a second, succeeds', async () => {
    const server = await serve((_req, res, index) =>
      index === 0
        ? json(res, 429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '1' })
        : json(res, 200, { allowed: false }),
    );
    const permissio = client(server.url, { checkTimeout: 3_000 });
    const started = Date.now();
    await expect(permissio.check('alice', 'read', 'document')).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('Retry-After as an HTTP date is honoured too', async () => {
    const server = await serve((_req, res, index) =>
      index === 0
        ? json(res, 503, {}, { 'retry-after': new Date(Date.now() + 1_000).toUTCString() })
        : json(res, 200, { allowed: true }),
    );
    const permissio = client(server.url, { checkTimeout: 3_000 });
    await expect(permissio.check('alice', 'read', 'document')).resolves.toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('Retry-After: 999 → fails fast with PermissioRateLimitError, within the budget', async () => {
    const server = await serve((_req, res) =>
      json(res, 429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '999' }),
    );
    const permissio = client(server.url);
    const started = Date.now();
    const error = await permissio.check('alice', 'read', 'document').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(PermissioRateLimitError);
    expect((error as PermissioRateLimitError).retryAfter).toBe(999);
    expect((error as PermissioRateLimitError).code).toBe('RATE_LIMITED');
    expect(server.requests).toHaveLength(1);
  });

  it('400 → not retried: exactly one request', async () => {
    const server = await serve((_req, res) =>
      json(res, 400, { error: { code: 'BAD_JSON', message: 'unparseable', details: { at: 3 } } }),
    );
    const permissio = client(server.url);
    const error = (await permissio.check('alice', 'read', 'document').catch((e: unknown) => e)) as PermissioApiError;
    expect(error).toBeInstanceOf(PermissioApiError);
    expect(error.statusCode).toBe(400);
    expect(error.isBadRequest).toBe(true);
    expect(error.code).toBe('BAD_JSON');
    expect(error.details).toEqual({ at: 3 });
    expect(server.requests).toHaveLength(1);
  });

  it('retries stop after retryAttempts', async () => {
    const server = await serve((_req, res) => json(res, 502, {}));
    const permissio = client(server.url, { retryAttempts: 2, checkTimeout: 5_000 });
    const error = (await permissio.check('alice', 'read', 'document').catch((e: unknown) => e)) as PermissioApiError;
    expect(error.statusCode).toBe(502);
    expect(error.isRetryable).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it('error bodies map to the hierarchy', async () => {
    const server = await serve((req, res) => {
      if (req.url.includes('/users/ghost')) json(res, 404, { error: { code: 'NOT_FOUND', message: 'no user ghost' } });
      else json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'bad key' } });
    });
    const permissio = client(server.url);
    const notFound = await permissio.api.users.get('ghost').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(PermissioNotFoundError);
    expect((notFound as PermissioNotFoundError).message).toBe('no user ghost');
    await expect(permissio.api.users.get('x')).rejects.toBeInstanceOf(PermissioAuthenticationError);
  });

  it.each([
    ['an HTML page', 'text/html', '<html><body>true</body></html>'],
    ['{"allowed":"true"}', 'application/json', '{"allowed":"true"}'],
    ['{"allowed":1}', 'application/json', '{"allowed":1}'],
    ['a missing field', 'application/json', '{}'],
    ['a bare true', 'application/json', 'true'],
    ['an empty body', 'application/json', ''],
  ])('a 200 with %s is an error, never an allow', async (_name, type, body) => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    });
    const permissio = client(server.url);
    const error = (await permissio.check('alice', 'read', 'document').catch((e: unknown) => e)) as PermissioApiError;
    expect(error).toBeInstanceOf(PermissioApiError);
    expect(error.code).toBe('MALFORMED_RESPONSE');
    expect(server.requests).toHaveLength(1);
  });

  it('a malformed answer with throwOnError: false denies', async () => {
    const server = await serve((req, res) =>
      req.url.endsWith('/check')
        ? json(res, 200, { allowed: 'true' })
        : json(res, 404, { error: { code: 'NOT_FOUND', message: 'no' } }),
    );
    const logger = captureLogger();
    const permissio = new Permissio({
      token: TOKEN,
      apiUrl: server.url,
      projectId: 'p1',
      environmentId: 'e1',
      throwOnError: false,
      logger,
    });
    cleanups.push(() => permissio.close());
    await expect(permissio.check('alice', 'read', 'document')).resolves.toBe(false);
    await expect(permissio.api.users.get('alice')).resolves.toBe(null);
    expect(logger.lines.some((line) => line.startsWith('error') && line.includes('malformed'))).toBe(true);
  });

  it('a bulk answer with fewer results than asked is an error', async () => {
    const server = await serve((_req, res) => json(res, 200, { results: [{ allowed: true }] }));
    const permissio = client(server.url);
    const checks = [
      { user: 'a', action: 'read', resource: 'document' },
      { user: 'b', action: 'read', resource: 'document' },
    ];
    const error = (await permissio.bulkCheck(checks).catch((e: unknown) => e)) as PermissioError;
    expect(error).toBeInstanceOf(PermissioApiError);
    expect(error.code).toBe('MALFORMED_RESPONSE');
    const scope = permissio.createRequestScope({ user: 'a' });
    const answers = await Promise.allSettled([scope.check('read', 'document'), scope.check('write', 'document')]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    expect(server.requests[0]?.body).toBe(JSON.stringify({ checks }));
  });

  it('a bulk answer with a non-boolean entry is an error', async () => {
    const server = await serve((_req, res) => json(res, 200, { results: [{ allowed: true }, { allowed: 'yes' }] }));
    const permissio = client(server.url);
    await expect(
      permissio.bulkCheck([
        { user: 'a', action: 'read', resource: 'document' },
        { user: 'b', action: 'read', resource: 'document' },
      ]),
    ).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });

  it('a checkPermissions answer whose missing entries are not {resource, permissions[]} is an error', async () => {
    const request = { user: 'a', resourceUris: ['document:1'], permissions: ['document:read'] };
    for (const answer of [
      { passed: false, missing: [{ resource: 1, permissions: ['document:read'] }] },
      { passed: false, missing: [{ resource: 'document:1', permissions: 'document:read' }] },
      { passed: false, missing: [{ resource: 'document:1', permissions: [7] }] },
      { passed: true, missing: [{ resource: 'document:1', permissions: ['document:read'] }] },
      { passed: false, missing: [] },
      { passed: false, missing: [null] },
    ]) {
      const server = await serve((_req, res) => json(res, 200, answer));
      await expect(client(server.url).checkPermissions(request), JSON.stringify(answer)).rejects.toMatchObject({
        code: 'MALFORMED_RESPONSE',
      });
    }
  });

  it('POST creates are never retried; idempotent writes are', async () => {
    const server = await serve((_req, res) => json(res, 503, {}));
    const permissio = client(server.url, { retryAttempts: 2, timeout: 5_000 });
    await expect(permissio.api.users.create({ key: 'alice' })).rejects.toMatchObject({ statusCode: 503 });
    expect(server.requests).toHaveLength(1);
    await expect(permissio.api.roles.create({ key: 'r' })).rejects.toMatchObject({ statusCode: 503 });
    await expect(permissio.api.resources.createAction('doc', { key: 'read' })).rejects.toMatchObject({
      statusCode: 503,
    });
    expect(server.requests).toHaveLength(3);
    await expect(permissio.api.users.sync('alice', {})).rejects.toMatchObject({ statusCode: 503 });
    expect(server.requests).toHaveLength(6);
  });

  it('the token is never in a log line or an error message', async () => {
    let n = 0;
    const server = await serve((req, res) => {
      n++;
      // A hostile server that echoes the Authorization header back.
      const echo = `invalid key ${String(req.headers.authorization)}`;
      if (n % 3 === 0) json(res, 401, { error: { code: 'UNAUTHORIZED', message: echo, details: 'x' } });
      else if (n % 3 === 1) json(res, 503, { error: { code: 'UNAVAILABLE', message: echo } });
      else json(res, 200, { allowed: 'nope', echo });
    });
    const logger = captureLogger();
    const messages: string[] = [];
    for (const throwOnError of [true, false]) {
      const permissio = new Permissio({
        token: TOKEN,
        apiUrl: server.url,
        projectId: 'p1',
        environmentId: 'e1',
        debug: true,
        logger,
        throwOnError,
        retryAttempts: 1,
      });
      cleanups.push(() => permissio.close());
      for (let i = 0; i < 4; i++) {
        await permissio.check('alice', 'read', 'document').catch((e: unknown) => {
          messages.push(String(e), (e as Error).message, JSON.stringify(e));
        });
        await permissio.api.users.get('alice').catch((e: unknown) => messages.push(String(e), JSON.stringify(e)));
      }
    }
    const silent = await closedPortUrl();
    const refused = new Permissio({ token: TOKEN, apiUrl: silent, debug: true, logger, retryAttempts: 0 });
    await refused.check('a', 'read', 'document').catch((e: unknown) => messages.push(String(e), JSON.stringify(e)));
    expect(logger.lines.length).toBeGreaterThan(10);
    expect(
      logger.lines.some((line) => /POST \/v1\/projects\/p1\/environments\/e1\/check → 503 in \d+ ms/.test(line)),
    ).toBe(true);
    expect(messages.length).toBeGreaterThan(5);
    for (const text of [...logger.lines, ...messages]) expect(text).not.toContain(TOKEN);
    expect(messages.some((m) => m.includes('permis_key_***'))).toBe(true);
  });

  it('detects projectId/environmentId once, with one request for concurrent first calls', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/v1/api-key/scope')
        setTimeout(() => json(res, 200, { projectId: 'p 1', environmentId: 'e/1' }), 50);
      else json(res, 200, { allowed: true });
    });
    const permissio = new Permissio({ token: TOKEN, apiUrl: server.url });
    cleanups.push(() => permissio.close());
    const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => permissio.check(`u${i}`, 'read', 'document')));
    expect(answers).toEqual([true, true, true, true, true]);
    expect(server.requests.filter((r) => r.url === '/v1/api-key/scope')).toHaveLength(1);
    expect(server.requests[1]?.url).toBe('/v1/projects/p%201/environments/e%2F1/check');
    await permissio.check('u', 'read', 'document');
    expect(server.requests.filter((r) => r.url === '/v1/api-key/scope')).toHaveLength(1);
  });

  it('a failed scope detection is not cached', async () => {
    const server = await serve((req, res, index) => {
      if (req.url === '/v1/api-key/scope') {
        if (index === 0) json(res, 500, {});
        else json(res, 200, { projectId: 'p1', environmentId: 'e1' });
      } else json(res, 200, { allowed: true });
    });
    const permissio = new Permissio({ token: TOKEN, apiUrl: server.url, retryAttempts: 0 });
    cleanups.push(() => permissio.close());
    await expect(permissio.check('u', 'read', 'document')).rejects.toMatchObject({ statusCode: 500 });
    await expect(permissio.check('u', 'read', 'document')).resolves.toBe(true);
  });

  it('close() aborts in-flight calls and rejects later ones', async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const permissio = new Permissio({
      token: TOKEN,
      apiUrl: silent.url,
      projectId: 'p',
      environmentId: 'e',
      timeout: 10_000,
    });
    const pending = permissio.api.users.list().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await permissio.close();
    expect(await pending).toMatchObject({ code: 'CLIENT_CLOSED' });
    await expect(permissio.check('a', 'read', 'document')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });
});

/**
 * Issue 10 #6, #7, #8, #11 and the duplicate-key answer: hostile PDP answers
 * over real loopback sockets — redirects, echoed keys, huge bodies, duplicate
 * keys — all fail closed, and nothing carries the API key.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { hasDuplicateKey } from '../src/http/json.js';
import {
  ConfigBuilder,
  Permissio,
  PermissioApiError,
  PermissioValidationError,
  type PermissioOptions,
} from '../src/index.js';
import { BASE, TOKEN, httpServer, json } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function client<T extends boolean = true>(apiUrl: string, extra: Partial<PermissioOptions<T>> = {}): Permissio<T> {
  const permissio = new Permissio<T>({
    token: TOKEN,
    apiUrl,
    projectId: 'p1',
    environmentId: 'e1',
    ...extra,
  } as PermissioOptions<T>);
  cleanups.push(() => permissio.close());
  return permissio;
}

async function serve(...args: Parameters<typeof httpServer>) {
  const server = await httpServer(...args);
  cleanups.push(() => server.close());
  return server;
}

function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('redirects are never followed (#6)', () => {
  it.each([307, 302, 301, 308, 303])(
    'a %i to another origin answering allowed: true → error; the other origin sees nothing',
    async (status) => {
      const elsewhere = await serve((_req, res) => json(res, 200, { allowed: true, results: [{ allowed: true }] }));
      const pdp = await serve((req, res) => {
        res.writeHead(status, { location: `${elsewhere.url}${req.url}` });
        res.end();
      });
      const permissio = client(pdp.url);
      const error = await failure(permissio.check('alice', 'read', 'document'));
      expect(error).toBeInstanceOf(PermissioApiError);
      expect(error).toMatchObject({ code: 'UNEXPECTED_REDIRECT', statusCode: status });
      expect((error as Error).message).toMatch(/redirects are never followed/);
      // Not retried either: one request to the PDP.
      expect(pdp.requests).toHaveLength(1);

      const lenient = client<false>(pdp.url, { throwOnError: false, logger: silent });
      expect(await lenient.check('alice', 'read', 'document')).toBe(false);
      expect(await lenient.bulkCheck([{ user: 'a', action: 'read', resource: 'document' }])).toEqual([false]);
      // The request scope never answers true: it rejects (adapters turn that into a refusal).
      const scope = lenient.createRequestScope({ user: 'alice' });
      expect(await failure(scope.check('read', 'document'))).toMatchObject({ code: 'UNEXPECTED_REDIRECT' });
      expect(await failure(permissio.api.users.get('alice'))).toMatchObject({ code: 'UNEXPECTED_REDIRECT' });
      expect(elsewhere.requests).toHaveLength(0);
    },
  );
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('the API key is redacted from remote content (#7)', () => {
  it('an error body echoing the Authorization header: message, code, details, cause are clean', async () => {
    const server = await serve((req, res) => {
      const auth = String(req.headers.authorization);
      if (req.url.endsWith('/users/alice')) {
        json(res, 400, {
          error: {
            code: `BAD_${auth}`,
            message: `proxy rejected ${auth}`,
            details: { headers: { authorization: auth }, seen: [auth, { deep: [[auth]] }], [auth]: auth, n: 1 },
          },
        });
      } else if (req.url.endsWith('/users/bob')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${auth} is not JSON`);
      } else {
        json(res, 403, { error: { code: 'FORBIDDEN', message: 'no', details: auth } });
      }
    });
    const permissio = client(server.url, { retryAttempts: 0 });
    const errors = [
      await failure(permissio.api.users.get('alice')),
      await failure(permissio.api.users.get('bob')),
      await failure(permissio.check('alice', 'read', 'document')),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(PermissioApiError);
      const dumps = [
        JSON.stringify(error),
        inspect(error, { depth: Infinity, showHidden: true }),
        String(error),
        (error as Error).stack ?? '',
        JSON.stringify((error as PermissioApiError).details) ?? '',
        inspect((error as Error).cause, { depth: Infinity }),
      ];
      for (const dump of dumps) expect(dump).not.toContain(TOKEN);
    }
    // The structure of the details survives; only the key is replaced.
    expect((errors[0] as PermissioApiError).details).toMatchObject({
      headers: { authorization: 'Bearer permis_key_***' },
      seen: ['Bearer permis_key_***', { deep: [['Bearer permis_key_***']] }],
      n: 1,
    });
    expect((errors[1] as PermissioApiError).code).toBe('MALFORMED_RESPONSE');
    expect(server.requests.every((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});

/** A server that answers 200 and then streams JSON padding until the client goes away. */
async function hugeBodyServer(declareLength: boolean): Promise<{ url: string; written: () => number }> {
  let written = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(declareLength ? { 'content-length': String(1.5 * 1024 ** 3) } : {}),
    });
    res.write('{"allowed":true,"pad":"');
    const pump = (): void => {
      while (!res.destroyed && written < 1024 ** 3) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end('"}');
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, written: () => written };
}

describe('response bodies are capped (#8)', () => {
  it('a decision answer streaming without end fails closed at 1 MiB; memory stays bounded', async () => {
    const huge = await hugeBodyServer(false);
    const permissio = client(huge.url, { checkTimeout: 10_000, retryAttempts: 0 });
    const before = process.memoryUsage().rss;
    const error = await failure(permissio.check('alice', 'read', 'document'));
    const grown = process.memoryUsage().rss - before;
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', statusCode: 200, isRetryable: false });
    expect((error as Error).message).toMatch(/larger than 1048576 bytes/);
    // Stopped reading at the cap: the server could only fill the socket buffers beyond it.
    expect(huge.written()).toBeLessThan(32 * 1024 * 1024);
    expect(grown).toBeLessThan(128 * 1024 * 1024);
    console.info(
      `[body cap] server wrote ${(huge.written() / 1024 ** 2).toFixed(1)} MiB, RSS grew ${(grown / 1024 ** 2).toFixed(1)} MiB`,
    );

    const lenient = client<false>(huge.url, { throwOnError: false, logger: silent, retryAttempts: 0 });
    expect(await lenient.check('alice', 'read', 'document')).toBe(false);
  });

  it('a declared Content-Length over the cap fails before reading', async () => {
    const huge = await hugeBodyServer(true);
    const permissio = client(huge.url, { retryAttempts: 0 });
    expect(await failure(permissio.check('alice', 'read', 'document'))).toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  it('management answers use maxResponseBytes (an option, also on ConfigBuilder)', async () => {
    const page = { data: Array.from({ length: 100 }, (_, i) => ({ key: `user-${i}`, attributes: {} })), total: 100 };
    const server = await serve((req, res) => json(res, 200, req.url.includes('/users') ? page : { allowed: true }));
    const small = client(server.url, { maxResponseBytes: 2048 });
    expect(await failure(small.api.users.list())).toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    expect(await small.check('alice', 'read', 'document')).toBe(true);
    const roomy = client(server.url);
    expect((await roomy.api.users.list()).data).toHaveLength(100);
    const config = new ConfigBuilder(TOKEN).withApiUrl(server.url).withMaxResponseBytes(2048).build();
    expect(config.maxResponseBytes).toBe(2048);
    expect(() => new Permissio({ token: TOKEN, maxResponseBytes: 0 })).toThrow(/maxResponseBytes/);
  });
});

describe('duplicate keys in an answer are malformed', () => {
  it('{"allowed":false,"allowed":true} is never an allow', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === `${BASE}/check/bulk`) res.end('{"results":[{"allowed":false,"allowed":true}]}');
      else res.end('{"allowed":false,"allowed":true}');
    });
    const permissio = client(server.url);
    expect(await failure(permissio.check('alice', 'read', 'document'))).toMatchObject({ code: 'MALFORMED_RESPONSE' });
    expect(await failure(permissio.bulkCheck([{ user: 'a', action: 'read', resource: 'document' }]))).toMatchObject({
      code: 'MALFORMED_RESPONSE',
    });
    const lenient = client<false>(server.url, { throwOnError: false, logger: silent });
    expect(await lenient.check('alice', 'read', 'document')).toBe(false);
  });

  it('hasDuplicateKey', () => {
    expect(hasDuplicateKey('{"allowed":false,"allowed":true}')).toBe(true);
    expect(hasDuplicateKey('{"a":1,"\\u0061":2}')).toBe(true);
    expect(hasDuplicateKey('{"x":{"a":1,"b":{"a":[1,{"c":1,"c":2}]}}}')).toBe(true);
    expect(hasDuplicateKey('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toBe(false);
    expect(hasDuplicateKey('{"a":"\\"a\\":","b":"{\\"a\\":1,\\"a\\":2}"}')).toBe(false);
    expect(hasDuplicateKey('[{"k":1},{"k":1}]')).toBe(false);
    expect(hasDuplicateKey('{"a":[],"b":{},"c":"x","a ":1}')).toBe(false);
    expect(hasDuplicateKey('{"a":[],"b":{},"c":"x","a":1}')).toBe(true);
    expect(hasDuplicateKey('true')).toBe(false);
  });
});

describe('lone surrogates in HTTP paths and queries (#11)', () => {
  it('throw PermissioValidationError before any request, never URIError', async () => {
    const server = await serve((_req, res) => json(res, 200, { allowed: true }));
    const permissio = client(server.url);
    for (const call of [
      () => permissio.api.users.get('a\uD800'),
      () => permissio.api.roles.delete('\uDC00'),
      () => permissio.getUserPermissions('alice', '/docs/\uD800'),
    ]) {
      const error = await failure(call());
      expect(error).toBeInstanceOf(PermissioValidationError);
      expect(error).not.toBeInstanceOf(URIError);
    }
    expect(server.requests).toHaveLength(0);
  });
});

/**
 * Bodies and logs: a non-JSON body is a 415 (as documented), a body with a
 * repeated key is refused as malformed (400) instead of read as its last
 * value, and an API key in a query string never reaches the request log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PermissioServer, ServerOptions } from '../src/index.js';
import { findDuplicateKey } from '../src/server/duplicate-keys.js';
import { redactUrl } from '../src/server/redact-url.js';
import { client, KEY_A, POLICY, SCOPE_A, scopePath, startTestServer } from './helpers.js';

const servers: PermissioServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: ServerOptions = {}) {
  const server = await startTestServer({ seed: POLICY, seedScopes: [SCOPE_A], ...options });
  servers.push(server);
  return server;
}

async function post(server: PermissioServer, path: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${server.url}${scopePath(SCOPE_A)}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY_A}`, 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
}

const CHECK = '"action":"read","resource":"document"';

describe('content types', () => {
  it.each(['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'text/html'])(
    '%s body → 415 UNSUPPORTED_MEDIA_TYPE',
    async (type) => {
      const server = await start();
      const answer = await post(server, '/check', `{"user":"alice@example.com",${CHECK}}`, type);
      expect(answer.status).toBe(415);
      expect(answer.body.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    },
  );
});

describe('duplicate keys', () => {
  it.each([
    ['top level', '/check', `{"user":"nobody","user":"alice@example.com",${CHECK}}`, 'body', 'user'],
    ['escaped spelling', '/check', `{"user":"nobody","us\\u0065r":"alice@example.com",${CHECK}}`, 'body', 'user'],
    [
      'nested in an array',
      '/check/bulk',
      `{"checks":[{"user":"a",${CHECK}},{"user":"a","action":"read","action":"write","resource":"document"}]}`,
      'body.checks[1]',
      'action',
    ],
  ])('%s → 400 naming the field', async (_name, path, raw, field, key) => {
    const server = await start();
    const answer = await post(server, path, raw);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('BAD_REQUEST');
    expect(answer.body.error?.message).toBe(
      `The request body is ambiguous: ${field} has the key ${JSON.stringify(key)} more than once.`,
    );
  });

  it('the same key in different objects, or inside a string value, is fine', async () => {
    const server = await start();
    const bulk = await post(
      server,
      '/check/bulk',
      `{"checks":[{"user":"alice@example.com",${CHECK}},{"user":"team/bob",${CHECK}}]}`,
    );
    expect(bulk.status).toBe(200);
    const inString = await post(server, '/check', `{"user":"{\\"user\\":1,\\"user\\":2}",${CHECK}}`);
    expect(inString.status).toBe(200);
  });

  it('findDuplicateKey: objects, arrays, escapes, nesting', () => {
    expect(findDuplicateKey('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}')).toBeUndefined();
    expect(findDuplicateKey('{"a":{"x":"}","x":1}}')).toEqual({ key: 'x', field: 'body.a' });
    expect(findDuplicateKey('[0,[1,{"k":"\\"","k":2}]]')).toEqual({ key: 'k', field: 'body[1][1]' });
    expect(findDuplicateKey('{"__proto__":1,"__proto__":2}')).toEqual({ key: '__proto__', field: 'body' });
    expect(findDuplicateKey('"just a string"')).toBeUndefined();
    // A key ending in an escaped backslash, and a value holding escaped quotes and a key-like text.
    expect(findDuplicateKey('{"x\\\\":1,"y":"\\"x\\":2","x\\\\":3}')).toEqual({ key: 'x\\', field: 'body' });
    // Large objects (a Set past 16 keys) and a repeat found late.
    const many = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(findDuplicateKey(`{${many}}`)).toBeUndefined();
    expect(findDuplicateKey(`{${many},"k3":0}`)).toEqual({ key: 'k3', field: 'body' });
  });
});

describe('API keys in request URLs are redacted from the log', () => {
  it('query parameters named like a credential, and anything shaped like a key', async () => {
    const lines: string[] = [];
    const server = await start({ logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } });
    await fetch(`${server.url}/healthz?api_key=permis_key_secret_one&page=2`);
    await fetch(`${server.url}/healthz?token=hunter2`);
    await fetch(`${server.url}/healthz?x=permis_key_secret_two`);
    await fetch(`${server.url}/nope/permis_key_secret_three`);
    const api = client(server.url, KEY_A);
    await api('GET', `/v1/api-key/scope?apiKey=${KEY_A}`);
    const log = lines.join('');
    expect(log).toContain('/healthz?api_key=[redacted]&page=2');
    expect(log).toContain('/healthz?token=[redacted]');
    for (const secret of ['permis_key_secret', 'hunter2', KEY_A]) expect(log).not.toContain(secret);
  });

  it('redactUrl keeps what is not secret', () => {
    expect(redactUrl('/v1/x?page=1&perPage=20&search=al')).toBe('/v1/x?page=1&perPage=20&search=al');
    expect(redactUrl('/healthz')).toBe('/healthz');
    expect(redactUrl('/a?API%5FKEY=abc')).toBe('/a?API%5FKEY=[redacted]');
  });
});

/** API keys (401/403), key scope, and isolation between projects/environments. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PermissioServer } from '../src/index.js';
import { hashApiKey } from '../src/index.js';
import { client, KEY_A, KEY_B, POLICY, SCOPE_A, SCOPE_B, startTestServer } from './helpers.js';

let server: PermissioServer;
const logLines: string[] = [];

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  server = await startTestServer({ logger: { level: 'trace', stream } });
});
afterAll(() => server.close());

describe('authentication', () => {
  it('401 without a key, with a malformed header, with an unknown key', async () => {
    const noKey = await client(server.url, undefined)('GET', 'P/users');
    expect(noKey.status).toBe(401);
    expect(noKey.body.error.code).toBe('UNAUTHORIZED');

    const basic = await fetch(`${server.url}/v1/api-key/scope`, { headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);

    const wrong = await client(server.url, 'permis_key_not_a_real_key')('POST', 'P/check', {
      user: 'u',
      action: 'read',
      resource: 'document',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Invalid API key.' } });
    // a near miss of a real key is no key at all
    expect((await client(server.url, `${KEY_A}x`)('GET', '/v1/api-key/scope')).status).toBe(401);
  });

  it('/healthz and /openapi.json need no key', async () => {
    expect((await client(server.url, undefined)('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await client(server.url, undefined)('GET', '/openapi.json')).status).toBe(200);
  });

  it('GET /v1/api-key/scope names the key scope (a key configured without scopes is admin)', async () => {
    const all = ['check', 'read', 'admin'];
    expect((await client(server.url, KEY_A)('GET', '/v1/api-key/scope')).body).toEqual({ ...SCOPE_A, scopes: all });
    expect((await client(server.url, KEY_B)('GET', '/v1/api-key/scope')).body).toEqual({ ...SCOPE_B, scopes: all });
  });

  it('403 when a key is used on another project or environment', async () => {
    for (const scope of [
      SCOPE_B,
      { projectId: SCOPE_A.projectId, environmentId: 'prod' },
      { projectId: 'x', environmentId: SCOPE_A.environmentId },
    ]) {
      const api = client(server.url, KEY_A, scope);
      const read = await api('GET', 'P/users');
      expect(read.status).toBe(403);
      expect(read.body.error.code).toBe('FORBIDDEN');
      expect((await api('POST', 'P/users', { key: 'intruder' })).status).toBe(403);
      expect((await api('POST', 'P/check', { user: 'a', action: 'read', resource: 'document' })).status).toBe(403);
    }
  });

  it('the 403 comes before validation and rate limits (nothing of the other scope is touched)', async () => {
    const api = client(server.url, KEY_A, SCOPE_B);
    expect((await api('POST', 'P/users', { nonsense: true })).status).toBe(403);
    expect((await api('PUT', 'P/snapshot', {})).status).toBe(403);
  });
});

describe('isolation between scopes', () => {
  it('nothing written in one scope is readable, writable or checkable from another', async () => {
    const a = client(server.url, KEY_A, SCOPE_A);
    const b = client(server.url, KEY_B, SCOPE_B);
    expect((await a('PUT', 'P/snapshot', POLICY)).status).toBe(204);
    expect((await a('GET', 'P/users/alice%40example.com')).status).toBe(200);

    // B's own scope is empty and denies
    expect((await b('GET', 'P/users/alice%40example.com')).status).toBe(404);
    expect((await b('GET', 'P/users')).body.total).toBe(0);
    expect((await b('GET', 'P/roles')).body.total).toBe(0);
    expect((await b('GET', 'P/role_assignments')).body.total).toBe(0);
    const snapshotB = (await b('GET', 'P/snapshot')).body;
    expect(snapshotB.users ?? []).toEqual([]);
    expect(snapshotB.roles ?? []).toEqual([]);
    const checkB = await b('POST', 'P/check', {
      user: 'alice@example.com',
      action: 'read',
      resource: { type: 'document', tenant: 'acme' },
    });
    expect(checkB.body).toEqual({ allowed: false });
    const checkA = await a('POST', 'P/check', {
      user: 'alice@example.com',
      action: 'read',
      resource: { type: 'document', tenant: 'acme' },
    });
    expect(checkA.body).toEqual({ allowed: true });

    // B writes the same keys: A does not see them
    expect((await b('POST', 'P/resources', { key: 'document', actions: ['read'] })).status).toBe(201);
    expect((await b('POST', 'P/users', { key: 'mallory' })).status).toBe(201);
    expect((await a('GET', 'P/users/mallory')).status).toBe(404);
    expect((await a('GET', 'P/resources/document')).body.actions).toHaveLength(3);
    // and A's data is untouched by B deleting "alice" in B
    expect((await b('DELETE', 'P/users/alice%40example.com')).status).toBe(204);
    expect((await a('GET', 'P/users/alice%40example.com')).status).toBe(200);
  });
});

describe('secrets stay out of logs and errors', () => {
  it('no log line holds a key or its hash; the Authorization header is never logged', async () => {
    await client(server.url, KEY_A)('GET', '/v1/api-key/scope');
    await client(server.url, 'permis_key_wrong_secret_value')('GET', '/v1/api-key/scope');
    await client(server.url, KEY_A)('POST', 'P/check', undefined, '{not json');
    expect(logLines.length).toBeGreaterThan(3);
    const all = logLines.join('\n');
    expect(all).toContain('incoming request');
    for (const secret of [KEY_A, KEY_B, 'permis_key_wrong_secret_value', hashApiKey(KEY_A), 'permis_key_']) {
      expect(all).not.toContain(secret);
    }
    expect(all.toLowerCase()).not.toContain('bearer');
  });
});

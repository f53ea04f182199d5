/** `POST …/plan`: authenticated, scoped, validated, and charged to the checks rate-limit class like a check. */
import type { PolicySnapshot } from '@permissio/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { PermissioServer, ServerOptions } from '../src/index.js';
import { client, KEY_A, KEY_B, SCOPE_A, SCOPE_B, startTestServer } from './helpers.js';

const POLICY: PolicySnapshot = {
  resources: [{ key: 'doc', actions: ['read'] }],
  roles: [{ key: 'viewer', permissions: ['doc:read'] }],
  roleAssignments: [{ user: 'alice', role: 'viewer', resourceInstance: 'doc:d1' }],
};

const servers: PermissioServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: ServerOptions = {}) {
  const server = await startTestServer({ seed: POLICY, seedScopes: [SCOPE_A, SCOPE_B], ...options });
  servers.push(server);
  return server;
}

describe('POST …/plan', () => {
  it('answers the plan; 401 without a key; 422 on an invalid body', async () => {
    const server = await start();
    const api = client(server.url, KEY_A);
    const ok = await api('POST', 'P/plan', { user: 'alice', action: 'read', resourceType: 'doc' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ kind: 'conditional', filter: { field: 'key', op: 'in', value: ['d1'], type: 'string' } });
    expect((await api('POST', 'P/plan', { user: 'bob', action: 'read', resourceType: 'doc' })).body).toEqual({
      kind: 'never',
    });
    expect(
      (await client(server.url, undefined)('POST', 'P/plan', { user: 'a', action: 'read', resourceType: 'doc' }))
        .status,
    ).toBe(401);
    expect((await api('POST', 'P/plan', { user: 'alice', action: 'read' })).status).toBe(422);
    expect((await api('POST', 'P/plan', { user: 'alice', action: 'read', resourceType: 'doc', extra: 1 })).status).toBe(
      422,
    );
  });

  it('counts against the checks class, per key', async () => {
    const server = await start({ rateLimits: { checks: 2 } });
    const api = client(server.url, KEY_A);
    const ask = { user: 'alice', action: 'read', resourceType: 'doc' };
    expect((await api('POST', 'P/plan', ask)).status).toBe(200);
    expect((await api('POST', 'P/check', { user: 'alice', action: 'read', resource: 'doc' })).status).toBe(200);
    expect((await api('POST', 'P/plan', ask)).status).toBe(429);
    expect((await client(server.url, KEY_B, SCOPE_B)('POST', 'P/plan', ask)).status).toBe(200);
  });
});

/**
 * `checkPermissions` over HTTP past the server's per-request limit (1,000 resources, 1,000 permissions): the
 * client splits the question, and the merged answer is exactly the embedded engine's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permissio } from '@permissio/core';
import type { CheckPermissionsRequest, PolicySnapshot } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import type { PermissioServer } from '@permissio/server';
import { ENVIRONMENT, PROJECT, TOKEN, countingProxy, localServer } from './helpers.js';

// A resource type declares at most 1,000 actions: 600 each on two types make 1,200 distinct permissions.
const ACTIONS = Array.from({ length: 600 }, (_, i) => `a${i}`);
const PERMISSIONS = [...ACTIONS.map((a) => `doc:${a}`), ...ACTIONS.map((a) => `file:${a}`)];
const policy: PolicySnapshot = {
  resources: [
    { key: 'doc', actions: ACTIONS },
    { key: 'file', actions: ACTIONS },
  ],
  roles: [
    { key: 'reader', permissions: ['doc:a0', 'doc:a1'] },
    { key: 'wide', permissions: ACTIONS.filter((_, i) => i % 7 === 0).map((a) => `doc:${a}`) },
  ],
  tenants: [{ key: 'default' }],
  users: [{ key: 'u' }],
  roleAssignments: [
    // `reader` on every third document, `wide` on every fifth.
    ...Array.from({ length: 1_500 }, (_, i) => i)
      .filter((i) => i % 3 === 0)
      .map((i) => ({ user: 'u', role: 'reader', resourceInstance: `doc:d${i}` })),
    ...Array.from({ length: 1_500 }, (_, i) => i)
      .filter((i) => i % 5 === 0)
      .map((i) => ({ user: 'u', role: 'wide', resourceInstance: `doc:d${i}` })),
  ],
};

let server: PermissioServer;
let proxy: Awaited<ReturnType<typeof countingProxy>>;
let http: Permissio;
const embedded = new Permissio({ pdp: createEngine(policy) });

beforeAll(async () => {
  server = await localServer();
  proxy = await countingProxy(server.url);
  http = new Permissio({ token: TOKEN, apiUrl: proxy.url, projectId: PROJECT, environmentId: ENVIRONMENT });
  await http.pdp.load(policy);
});
afterAll(async () => {
  await http?.close();
  await proxy?.close();
  await server?.close();
});

async function both(request: CheckPermissionsRequest) {
  proxy.reset();
  const remote = await http.checkPermissions(request);
  const calls = proxy.requests().filter((line) => line.endsWith('/check/permissions')).length;
  return { remote, local: await embedded.checkPermissions(request), calls };
}

describe('checkPermissions over HTTP beyond 1,000 resources or permissions', () => {
  it('1,500 resources (one listed twice) × 3 permissions: 2 requests, the engine answer', async () => {
    const resourceUris = [...Array.from({ length: 1_500 }, (_, i) => `doc:d${i}`), 'doc:d1'];
    const { remote, local, calls } = await both({
      user: 'u',
      resourceUris,
      permissions: ['doc:a0', 'doc:a1', 'doc:a7'],
    });
    expect(calls).toBe(2);
    expect(remote).toEqual(local);
    expect(remote.passed).toBe(false);
    expect(remote.missing.filter((m) => m.resource === 'doc:d1')).toHaveLength(2);
  });

  it('5 resources × 1,200 permissions (plus a repeat): 2 requests, lacking lists merged in order', async () => {
    const resourceUris = ['doc:d0', 'doc:d3', 'doc:d5', 'doc:d15', 'doc:d2'];
    const permissions = [...PERMISSIONS, 'doc:a0'];
    const { remote, local, calls } = await both({ user: 'u', resourceUris, permissions });
    expect(calls).toBe(2);
    expect(remote).toEqual(local);
    // d15 holds reader and wide: it lacks every doc action that is neither a0/a1 nor a multiple of 7, and every
    // file action — the file ones (the second request's) after the doc ones.
    const d15 = remote.missing.find((m) => m.resource === 'doc:d15');
    expect(d15?.permissions).toHaveLength(600 - 2 - Math.ceil(600 / 7) + 1 + 600);
    expect(d15?.permissions.at(-1)).toBe('file:a599');
  });

  it('2,500 resources × 12 permissions (30,000 checks): 833 resources per request, 4 requests', async () => {
    const resourceUris = Array.from({ length: 2_500 }, (_, i) => `doc:d${i % 1_600}`);
    const permissions = PERMISSIONS.filter((_, i) => i % 100 === 0);
    const { remote, local, calls } = await both({ user: 'u', resourceUris, permissions });
    expect(calls).toBe(4);
    expect(remote).toEqual(local);
  });

  it('200 resources × 60 permissions (12,000 checks): split though each list fits', async () => {
    const resourceUris = Array.from({ length: 200 }, (_, i) => `doc:d${i}`);
    const permissions = PERMISSIONS.filter((_, i) => i % 20 === 0);
    const { remote, local, calls } = await both({ user: 'u', resourceUris, permissions });
    expect(calls).toBe(2);
    expect(remote).toEqual(local);
  });

  it('30 resources × 1,100 permissions: permission chunks of 550, 18 resources each: 4 requests', async () => {
    const resourceUris = Array.from({ length: 30 }, (_, i) => `doc:d${i}`);
    const { remote, local, calls } = await both({ user: 'u', resourceUris, permissions: PERMISSIONS.slice(0, 1_100) });
    expect(calls).toBe(4);
    expect(remote).toEqual(local);
  });

  it('all allowed across chunks: passed', async () => {
    const resourceUris = Array.from({ length: 1_200 }, (_, i) => `doc:d${i * 3}`).filter((_, i) => i * 3 < 1_500);
    const { remote, local } = await both({ user: 'u', resourceUris, permissions: ['doc:a0', 'doc:a1'] });
    expect(local.passed).toBe(true);
    expect(remote).toEqual({ passed: true, missing: [] });
  });

  it('bulkCheck of 2,500 checks over HTTP: 3 requests of at most 1,000, answers in order as embedded', async () => {
    const checks = Array.from({ length: 2_500 }, (_, i) => ({
      user: 'u',
      action: i % 2 === 0 ? 'a0' : 'a7',
      resource: { type: 'doc', key: `d${i % 1_600}` },
    }));
    proxy.reset();
    const remote = await http.bulkCheck(checks);
    expect(proxy.requests().filter((line) => line.endsWith('/check/bulk'))).toHaveLength(3);
    expect(remote).toEqual(await embedded.bulkCheck(checks));
    expect(remote.filter(Boolean).length).toBeGreaterThan(0);
    expect(remote.includes(false)).toBe(true);
  });
});

/**
 * The request scope over HTTP against a real server, with PDP calls counted
 * on the wire by a counting TCP proxy AND by the scope's stats.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import type { PermissioServer } from '@permissio/server';
import { ENVIRONMENT, PROJECT, TOKEN, countingProxy, localServer } from './helpers.js';

const P = `/v1/projects/${PROJECT}/environments/${ENVIRONMENT}`;
const TENANTS = ['t0', 't1', 't2', 't3'];
const policy = {
  resources: [{ key: 'document', actions: ['read', 'write', 'delete'] }],
  roles: [
    { key: 'viewer', permissions: ['document:read'] },
    { key: 'editor', permissions: ['document:write'], extends: ['viewer'] },
  ],
  tenants: TENANTS.map((key) => ({ key })),
  // user-i is editor in tenant t(i % 4), viewer on document doc-i in t((i+1) % 4).
  roleAssignments: Array.from({ length: 250 }, (_, i) => [
    { user: `user-${i}`, role: 'editor', tenant: TENANTS[i % 4] as string },
    {
      user: `user-${i}`,
      role: 'viewer',
      tenant: TENANTS[(i + 1) % 4] as string,
      resourceInstance: `document:doc-${i}`,
    },
  ]).flat(),
};

let server: PermissioServer;
let proxy: Awaited<ReturnType<typeof countingProxy>>;
let permissio: Permissio;

beforeAll(async () => {
  server = await localServer();
  proxy = await countingProxy(server.url);
  permissio = new Permissio({
    token: TOKEN,
    apiUrl: proxy.url,
    projectId: PROJECT,
    environmentId: ENVIRONMENT,
    checkTimeout: 30_000,
    // Requests are counted below: no retry may add to them. (With retries the
    // first attempt gets half the budget, which 1,000 concurrent scopes can
    // exceed on a loaded 2-core machine.)
    retryAttempts: 0,
  });
  await permissio.pdp.load(policy);
});
afterAll(async () => {
  await permissio?.close();
  await proxy?.close();
  await server?.close();
});
beforeEach(() => proxy.reset());

describe('RequestScope over HTTP', () => {
  it('10 distinct checks started together → exactly 1 PDP call (bulk)', async () => {
    const scope = permissio.createRequestScope({ user: 'user-0', tenant: 't0' });
    const actions = ['read', 'write', 'delete'];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        scope.check(actions[i % 3] as string, { type: 'document', key: `doc-${i}` }),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => i % 3 !== 2));
    expect(proxy.requests()).toEqual([`POST ${P}/check/bulk`]);
    expect(scope.stats).toEqual({ hits: 0, misses: 10, pdpCalls: 1, batches: 1 });
  });

  it('the same check 10× → 1 PDP call', async () => {
    const scope = permissio.createRequestScope({ user: 'user-1', tenant: 't1' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => scope.check('write', 'document')));
    expect(answers).toEqual(Array(10).fill(true));
    expect(await scope.check('write', 'document')).toBe(true); // later, from the cache
    expect(proxy.requests()).toEqual([`POST ${P}/check`]);
    expect(scope.stats).toEqual({ hits: 10, misses: 1, pdpCalls: 1, batches: 0 });
  });

  it('1,000 concurrent scopes for different users/tenants: every answer correct, no cross-scope hit', async () => {
    const reference = new Permissio({ pdp: createEngine(policy) });
    const jobs = Array.from({ length: 1000 }, async (_, n) => {
      const i = n % 250;
      const tenant = TENANTS[(n >> 2) % 4] as string;
      const scope = permissio.createRequestScope({ user: `user-${i}`, tenant });
      const questions: [string, string | { type: string; key: string }][] = [
        ['read', 'document'],
        ['write', 'document'],
        ['read', { type: 'document', key: `doc-${i}` }],
        ['read', { type: 'document', key: `doc-${(i + 1) % 250}` }],
        ['read', 'document'], // repeat: must be a hit in THIS scope only
      ];
      const got = await Promise.all(questions.map(([action, resource]) => scope.check(action, resource)));
      const expected = await Promise.all(
        questions.map(([action, resource]) => reference.check(`user-${i}`, action, resource, { tenant })),
      );
      expect(got, `scope ${n}`).toEqual(expected);
      expect(scope.stats, `scope ${n}`).toEqual({ hits: 1, misses: 4, pdpCalls: 1, batches: 1 });
      return got;
    });
    const all = await Promise.all(jobs);
    // Both allows and denials occurred, so a cross-scope leak would have shown.
    const flat = all.flat();
    expect(flat.filter(Boolean).length).toBeGreaterThan(500);
    expect(flat.filter((x) => !x).length).toBeGreaterThan(500);
    expect(proxy.requests().filter((r) => r.endsWith('/check/bulk'))).toHaveLength(1000);
  }, 90_000);
});

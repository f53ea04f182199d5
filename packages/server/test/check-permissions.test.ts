/**
 * `POST …/check/permissions` cannot amplify: the work per request is capped
 * (422 naming the cap), the rate limit is charged by checks (resources ×
 * distinct permissions), and a burst of large requests does not stall another
 * client's `/healthz` (the work is evaluated in slices with yields).
 */
import { performance } from 'node:perf_hooks';
import { createEngine } from '@permissio/engine';
import type { Pdp, PolicySnapshot } from '@permissio/core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPermissionsInSlices, MAX_CHECK_PERMISSIONS_WORK } from '../src/routes/check-permissions.js';
import type { PermissioServer, ServerOptions } from '../src/index.js';
import { client, KEY_A, KEY_B, POLICY, SCOPE_A, SCOPE_B, startTestServer } from './helpers.js';

const ACTIONS = Array.from({ length: 100 }, (_, i) => `a${i}`);
const PERMISSIONS = ACTIONS.map((a) => `doc:${a}`);
const uris = (n: number) => Array.from({ length: n }, (_, i) => `/p/${i}`);

/** One resource type with 100 actions; `alice` holds every other one under `/p`. */
const WIDE: PolicySnapshot = {
  resources: [{ key: 'doc', actions: ACTIONS }],
  roles: [{ key: 'half', permissions: PERMISSIONS.filter((_, i) => i % 2 === 0) }],
  grants: [{ user: 'alice', resourceUri: '/p', roles: ['half'] }],
};

const servers: PermissioServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: ServerOptions = {}) {
  const server = await startTestServer({ seed: WIDE, seedScopes: [SCOPE_A, SCOPE_B], ...options });
  servers.push(server);
  return server;
}

const body = (resources: number, permissions: string[] = PERMISSIONS) => ({
  user: 'alice',
  resourceUris: uris(resources),
  permissions,
});

describe('check/permissions: capped work', () => {
  it(`refuses more than ${MAX_CHECK_PERMISSIONS_WORK} checks per request with a 422 naming the cap`, async () => {
    const api = client((await start()).url, KEY_A);
    const over = await api('POST', 'P/check/permissions', body(101));
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('VALIDATION_ERROR');
    expect(over.body.error.message).toContain('101 resources × 100 permissions = 10100 checks');
    expect(over.body.error.message).toContain(`at most ${MAX_CHECK_PERMISSIONS_WORK} per request`);
    expect(over.body.error.details).toEqual({ field: 'body', checks: 10100, limit: MAX_CHECK_PERMISSIONS_WORK });

    const atCap = await api('POST', 'P/check/permissions', body(100));
    expect(atCap.status).toBe(200);
    expect(atCap.body.missing).toHaveLength(100);
    expect(atCap.body.missing[0].permissions).toHaveLength(50);
    // Repeated permissions are one check each, not counted twice.
    expect((await api('POST', 'P/check/permissions', body(100, [...PERMISSIONS, ...PERMISSIONS]))).status).toBe(200);
  });

  it('evaluating in slices gives exactly the engine answer', async () => {
    const pdp = createEngine() as Pdp;
    await pdp.load(POLICY);
    const request = {
      user: 'alice@example.com',
      tenant: 'acme',
      resourceUris: ['/project/456', 'document:doc-1', '/project/456/x', '/other', 'project:p', '/project'],
      permissions: ['document:read', 'project:admin', 'document:delete', 'document:read'],
    };
    const whole = await pdp.checkPermissions(request);
    for (const slice of [1, 3, 4, 7, 100]) expect(await checkPermissionsInSlices(pdp, request, slice)).toEqual(whole);
    expect(whole.passed).toBe(false);
  });
});

describe('check/permissions: rate limit charged by work', () => {
  it('counts resources × permissions checks against the checks class', async () => {
    const server = await start({ rateLimits: { checks: 1000 } });
    const api = client(server.url, KEY_A);
    const first = await api('POST', 'P/check/permissions', body(10, PERMISSIONS.slice(0, 50)));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('500');
    const second = await api('POST', 'P/check/permissions', body(5, PERMISSIONS.slice(0, 100)));
    expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
    const third = await api('POST', 'P/check', { user: 'alice', action: 'a0', resource: 'doc' });
    expect(third.status).toBe(429);
    // Another key has its own budget.
    const other = client(server.url, KEY_B, SCOPE_B);
    expect((await other('POST', 'P/check', { user: 'alice', action: 'a0', resource: 'doc' })).status).toBe(200);
  });

  it('requests refused by validation still count one each', async () => {
    const server = await start({ rateLimits: { checks: 3 } });
    const api = client(server.url, KEY_A);
    for (let i = 0; i < 3; i++) expect((await api('POST', 'P/check/permissions', { user: 'alice' })).status).toBe(422);
    expect((await api('POST', 'P/check/permissions', { user: 'alice' })).status).toBe(429);
  });

  it('a request larger than what is left waits for the next window; one larger than the limit runs once', async () => {
    const server = await start({ rateLimits: { checks: 1000 } });
    const api = client(server.url, KEY_A);
    expect((await api('POST', 'P/check', { user: 'alice', action: 'a0', resource: 'doc' })).status).toBe(200);
    const tooMuch = await api('POST', 'P/check/permissions', body(10, PERMISSIONS));
    expect(tooMuch.status).toBe(429);
    expect(tooMuch.body.error.message).toMatch(
      /Rate limit of 1000 checks per window exceeded \(this request counts 1000: resources × permissions\)/,
    );

    const other = client(server.url, KEY_B, SCOPE_B);
    const big = await other('POST', 'P/check/permissions', body(100));
    expect(big.status).toBe(200);
    expect(big.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await other('POST', 'P/check/permissions', body(1, PERMISSIONS.slice(0, 1)))).status).toBe(429);
  });
});

describe('check/permissions: no stall for other clients', () => {
  it('another client’s /healthz answers while a burst of maximal requests is evaluated', async () => {
    const server = await start();
    const heavy = client(server.url, KEY_A);
    const probe = async (): Promise<number> => {
      const t0 = performance.now();
      await fetch(`${server.url}/healthz`).then((r) => r.text());
      return performance.now() - t0;
    };
    await probe();
    await heavy('POST', 'P/check/permissions', body(100)); // warm-up

    const t0 = performance.now();
    let done = false;
    const burst = Promise.all(Array.from({ length: 24 }, () => heavy('POST', 'P/check/permissions', body(100)))).then(
      (answers) => {
        done = true;
        return answers;
      },
    );
    const latencies: number[] = [];
    await new Promise((r) => setTimeout(r, 5));
    while (!done) latencies.push(await probe());
    const answers = await burst;
    const burstMs = performance.now() - t0;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)] as number;
    // Measured: sliced, median probe ≈ 0.04 × the burst; unsliced, ≈ 0.65 × the burst (2 probes).
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(median / burstMs).toBeLessThan(0.25);
  });
});

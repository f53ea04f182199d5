/** Per-key rate limits by class: 429 + Retry-After + the error body; configurable; off with `false`. */
import { afterEach, describe, expect, it } from 'vitest';
import type { PermissioServer } from '../src/index.js';
import { DEFAULT_RATE_LIMITS } from '../src/index.js';
import { RateLimiter, resolveRateLimits } from '../src/rate-limit.js';
import { client, KEY_A, KEY_B, POLICY, SCOPE_A, startTestServer } from './helpers.js';

const servers: PermissioServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const check = { user: 'alice@example.com', action: 'read', resource: { type: 'document', tenant: 'acme' } };

describe('RateLimiter', () => {
  it('uses the seed figures by default', () => {
    expect(DEFAULT_RATE_LIMITS).toEqual({ checks: 10_000, management: 1_000, bulk: 100, windowMs: 60_000 });
  });

  it('counts per key and class in a fixed window and says when to retry', () => {
    const limiter = new RateLimiter(resolveRateLimits({ checks: 2, management: 1, bulk: 1, windowMs: 10_000 }));
    expect(limiter.hit('k', 'checks', 0).ok).toBe(true);
    expect(limiter.hit('k', 'checks', 1).ok).toBe(true);
    expect(limiter.hit('k', 'checks', 2_500)).toEqual({ ok: false, limit: 2, retryAfter: 8 });
    expect(limiter.hit('k', 'management', 3).ok).toBe(true); // other class
    expect(limiter.hit('other', 'checks', 3).ok).toBe(true); // other key
    expect(limiter.hit('k', 'checks', 10_000).ok).toBe(true); // next window
  });

  it('refuses nonsense limits when configured', () => {
    expect(() => resolveRateLimits({ checks: 0 })).toThrow(/rateLimits.checks/);
    expect(() => resolveRateLimits({ bulk: 1.5 })).toThrow(/rateLimits.bulk/);
  });
});

describe('rate limits over HTTP', () => {
  it('429 with Retry-After and the error body when a class is exhausted; other classes, keys unaffected', async () => {
    const server = await startTestServer({
      seed: POLICY,
      seedScopes: [SCOPE_A],
      rateLimits: { checks: 3, management: 2, bulk: 1 },
    });
    servers.push(server);
    const api = client(server.url, KEY_A);
    for (let i = 0; i < 3; i++) {
      const ok = await api('POST', 'P/check', check);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
    }
    const limited = await api('POST', 'P/check/explain', check); // same class: checks
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.body.error.message).toMatch(/checks/);
    expect(limited.body.error.message).not.toContain(KEY_A);

    // management has its own budget
    expect((await api('GET', 'P/users')).status).toBe(200);
    expect((await api('GET', '/v1/api-key/scope')).status).toBe(200);
    expect((await api('GET', 'P/roles')).status).toBe(429);

    // bulk class: bulk check, bulk assign, snapshot
    expect((await api('GET', 'P/snapshot')).status).toBe(200);
    expect((await api('POST', 'P/check/bulk', { checks: [check] })).status).toBe(429);
    expect((await api('POST', 'P/role_assignments/bulk', { assignments: [] })).status).toBe(429);

    // another key has its own counters
    const b = client(server.url, KEY_B, { projectId: 'proj-b', environmentId: 'dev' });
    expect((await b('POST', 'P/check', check)).status).toBe(200);

    // unauthenticated requests are refused before counting, and health is never limited
    expect((await client(server.url, undefined)('POST', 'P/check', check)).status).toBe(401);
    expect((await api('GET', '/healthz')).status).toBe(200);
  });

  it('rateLimits: false switches them off', async () => {
    const server = await startTestServer({ seed: POLICY, seedScopes: [SCOPE_A], rateLimits: false });
    servers.push(server);
    const api = client(server.url, KEY_A);
    const answers = await Promise.all(
      Array.from({ length: 150 }, () => api('POST', 'P/check/bulk', { checks: [check] })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });

  it('the defaults are on when nothing is said', async () => {
    const server = await startTestServer({ seed: POLICY, seedScopes: [SCOPE_A], rateLimits: undefined });
    servers.push(server);
    const api = client(server.url, KEY_A);
    const answers = await Promise.all(Array.from({ length: 101 }, () => api('GET', 'P/snapshot')));
    expect(answers.filter((a) => a.status === 429)).toHaveLength(1);
  });
});

/**
 * Scoped API keys: every route the server registers (walked from the server's
 * own route list, so a route added later is walked too) answered over loopback
 * HTTP to a `check`, a `read` and an `admin` key — exactly the allowed set.
 */
import { Permissio, PermissioPermissionError } from '@permissio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey, KeyRing } from '../src/auth.js';
import { registeredRoutes } from '../src/server/route-list.js';
import { type PermissioServer, startServer } from '../src/index.js';
import { POLICY, SCOPE_A } from './helpers.js';

const KEYS = {
  check: 'permis_key_scope_check_0123456789abcdef',
  read: 'permis_key_scope_read_0123456789abcdef',
  admin: 'permis_key_scope_admin_0123456789abcdef',
} as const;
type Level = keyof typeof KEYS;

/** The hierarchy, written out independently of the server's code: what each key's scope includes. */
const INCLUDES: Record<Level, readonly string[]> = {
  check: ['check'],
  read: ['check', 'read'],
  admin: ['check', 'read', 'admin'],
};

/**
 * The decision operations: the only non-GET routes a `check` or `read` key may
 * call. A new decision route is added here on purpose; any other write must need `admin`.
 */
const DECISION_PATHS = [/\/check$/, /\/check\/bulk$/, /\/check\/explain$/, /\/check\/permissions$/, /\/plan$/];

function url(path: string): string {
  return path
    .replace(':projectId', encodeURIComponent(SCOPE_A.projectId))
    .replace(':environmentId', encodeURIComponent(SCOPE_A.environmentId))
    .replace(/:[A-Za-z]+/g, 'x');
}

let server: PermissioServer;
let log = '';

beforeAll(async () => {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [
      { key: KEYS.check, ...SCOPE_A, scopes: ['check'] },
      { key: KEYS.read, ...SCOPE_A, scopes: ['read'] },
      { key: KEYS.admin, ...SCOPE_A, scopes: ['admin'] },
    ],
    seed: POLICY,
    rateLimits: false,
    recentDecisions: 10,
    metrics: { access: 'api-key' },
    logger: {
      level: 'trace',
      stream: {
        write: (line: string) => {
          log += line;
        },
      },
    },
  });
});
afterAll(() => server?.close());

/** Every authenticated route (HEAD twins of GETs included), from the server itself. */
function authenticatedRoutes() {
  return registeredRoutes(server.app).filter((r) => r.scope !== null);
}

describe('every route needs its scope', () => {
  it('the server lists its routes, and every route under /v1 declares a scope', () => {
    const all = registeredRoutes(server.app);
    // The route table (69 operations today), HEAD twins, /metrics and …/decisions.
    expect(all.length).toBeGreaterThan(70);
    for (const route of all) {
      // A route outside the route table declares `config: { permissioScope }` (null: no API key, e.g. /healthz).
      const label = `${route.method} ${route.url} declares config.permissioScope`;
      expect([null, 'check', 'read', 'admin'], label).toContain(route.scope);
      if (route.url.startsWith('/v1/')) expect(['check', 'read', 'admin'], label).toContain(route.scope);
    }
    expect(all.find((r) => r.url.endsWith('/decisions') && r.method === 'GET')?.scope).toBe('read');
    expect(all.find((r) => r.url === '/healthz')?.scope).toBeNull();
  });

  it('only GETs and the decision routes are open below admin; writes need admin', () => {
    for (const route of authenticatedRoutes()) {
      const label = `${route.method} ${route.url}`;
      if (route.url.includes('/api_keys')) {
        // Key management is admin, reads included: a listing shows every key's scopes.
        expect(route.scope, label).toBe('admin');
      } else if (route.method === 'GET' || route.method === 'HEAD') {
        expect(['check', 'read'], label).toContain(route.scope);
      } else if (DECISION_PATHS.some((p) => p.test(route.url))) {
        expect(route.scope, label).toBe('check');
      } else {
        expect(route.scope, label).toBe('admin');
      }
    }
    // Decisions are `check`, reading the policy is `read`.
    const scopeOf = (method: string, suffix: string) =>
      authenticatedRoutes().find((r) => r.method === method && r.url.endsWith(suffix))?.scope;
    expect(scopeOf('GET', '/users/:user/permissions')).toBe('check');
    expect(scopeOf('GET', '/v1/api-key/scope')).toBe('check');
    expect(scopeOf('GET', '/snapshot')).toBe('read');
    expect(scopeOf('GET', '/roles')).toBe('read');
    expect(scopeOf('PUT', '/snapshot')).toBe('admin');
    // The service-compatible facade (#16): every one of its routes is walked here too.
    const facade = authenticatedRoutes().filter((r) => r.url.startsWith('/permissions-service/v1/'));
    expect(facade.filter((r) => r.method !== 'HEAD')).toHaveLength(16);
    expect(scopeOf('POST', '/permissions-service/v1/check')).toBe('check');
    expect(scopeOf('GET', '/permissions-service/v1/principals/:principal_id/permissions')).toBe('check');
    expect(scopeOf('GET', '/permissions-service/v1/roles')).toBe('read');
    expect(scopeOf('POST', '/permissions-service/v1/grant')).toBe('admin');
  });

  // Before the walk below: its admin writes (an empty snapshot is a valid one) change the policy.
  it('a check key decides; a read key reads the policy but cannot write it', async () => {
    const call = (key: string, method: string, path: string, body?: unknown) =>
      fetch(`${server.url}/v1/projects/proj-a/environments/dev${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const check = { user: 'alice@example.com', action: 'write', resource: { type: 'document', tenant: 'acme' } };
    const decided = await call(KEYS.check, 'POST', '/check', check);
    expect(decided.status).toBe(200);
    expect(await decided.json()).toEqual({ allowed: true });
    expect((await call(KEYS.check, 'GET', '/roles')).status).toBe(403);
    expect((await call(KEYS.read, 'GET', '/roles')).status).toBe(200);
    expect((await call(KEYS.read, 'GET', '/decisions')).status).toBe(200);
    expect((await call(KEYS.check, 'GET', '/decisions')).status).toBe(403);
    const write = await call(KEYS.read, 'POST', '/roles', { key: 'auditor', permissions: [] });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { error: { details: unknown } }).error.details).toEqual({
      requiredScope: 'admin',
      keyScopes: ['check', 'read'],
    });
    // The refused write did not happen.
    expect((await call(KEYS.admin, 'GET', '/roles/auditor')).status).toBe(404);
    expect((await call(KEYS.admin, 'POST', '/roles', { key: 'auditor', permissions: [] })).status).toBe(201);
  });

  for (const level of ['check', 'read', 'admin'] as const) {
    it(`a ${level} key gets exactly its routes over HTTP; 403 names the missing scope`, async () => {
      const key = KEYS[level];
      const allowed: string[] = [];
      const refused: string[] = [];
      for (const route of authenticatedRoutes()) {
        const label = `${route.method} ${route.url}`;
        const write = route.method !== 'GET' && route.method !== 'HEAD';
        const response = await fetch(server.url + url(route.url), {
          method: route.method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(write ? { 'content-type': 'application/json' } : {}),
          },
          // An empty object: most allowed writes are refused by validation (422); `PUT …/snapshot` empties the policy.
          ...(write ? { body: '{}' } : {}),
        });
        const text = await response.text();
        expect(text, label).not.toContain(key);
        expect(response.status, label).not.toBe(401);
        expect(response.status, `${label}: ${text}`).toBeLessThan(500);
        if (INCLUDES[level].includes(route.scope as string)) {
          expect(response.status, `${label}: ${text}`).not.toBe(403);
          allowed.push(label);
        } else {
          expect(response.status, label).toBe(403);
          if (route.method !== 'HEAD' && route.url.startsWith('/permissions-service/')) {
            // The service-compatible facade answers in the service's format: numeric code 7, PERMISSION_DENIED.
            const body = JSON.parse(text) as { error: { code: number; message: string } };
            expect(body.error.code, label).toBe(7);
            expect(body.error.message, label).toContain(`"${route.scope}" scope`);
          } else if (route.method !== 'HEAD') {
            const body = JSON.parse(text) as { error: { code: string; message: string; details: unknown } };
            expect(body.error.code, label).toBe('MISSING_SCOPE');
            expect(body.error.message, label).toContain(`"${route.scope}" scope`);
            expect(body.error.details, label).toEqual({ requiredScope: route.scope, keyScopes: INCLUDES[level] });
          }
          refused.push(label);
        }
      }
      const routes = authenticatedRoutes();
      const expected = routes.filter((r) => INCLUDES[level].includes(r.scope as string)).length;
      expect(allowed).toHaveLength(expected);
      expect(allowed.length + refused.length).toBe(routes.length);
      if (level === 'admin') expect(refused).toEqual([]);
      else expect(refused.length).toBeGreaterThan(30);
      expect(log).not.toContain(key);
    });
  }

  it('an admin key creates, lists and revokes keys over REST; a revoked key is refused on the next request', async () => {
    const base = `${server.url}/v1/projects/proj-a/environments/dev/api_keys`;
    const as = (key: string, method = 'GET', body?: unknown) =>
      fetch(base + (typeof body === 'string' ? `/${body}` : ''), {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body !== undefined && typeof body !== 'string' ? { body: JSON.stringify(body) } : {}),
      });
    expect((await as(KEYS.read)).status).toBe(403);
    expect((await as(KEYS.check, 'POST', { scopes: ['admin'] })).status).toBe(403);
    expect((await as(KEYS.admin, 'POST', { scopes: ['superuser'] })).status).toBe(422);

    const made = await as(KEYS.admin, 'POST', { scopes: ['check'] });
    expect(made.status).toBe(201);
    const created = (await made.json()) as { key: string; id: string; prefix: string; scopes: string[] };
    expect(created.scopes).toEqual(['check']);
    expect(created.prefix).toBe(`${created.key.slice(0, 19)}…`);
    const scope = await fetch(`${server.url}/v1/api-key/scope`, {
      headers: { authorization: `Bearer ${created.key}` },
    });
    expect(await scope.json()).toEqual({ ...SCOPE_A, scopes: ['check'] });

    const listing = await (await as(KEYS.admin)).text();
    for (const key of [...Object.values(KEYS), created.key]) expect(listing).not.toContain(key);
    const { keys } = JSON.parse(listing) as { keys: { id: string; scopes: string[] }[] };
    expect(keys.map((k) => k.scopes)).toEqual([['check'], ['read'], ['admin'], ['check']]);

    expect((await as(KEYS.admin, 'DELETE', created.id)).status).toBe(204);
    const refused = await fetch(`${server.url}/v1/api-key/scope`, {
      headers: { authorization: `Bearer ${created.key}` },
    });
    expect(refused.status).toBe(401);
    expect((await as(KEYS.admin, 'DELETE', created.id)).status).toBe(404);
    expect((await as(KEYS.admin, 'DELETE', 'nothex!!')).status).toBe(422);
    expect(log).not.toContain(created.key);
  });

  it('GET /v1/api-key/scope reports each key its scopes, implied ones included', async () => {
    for (const level of ['check', 'read', 'admin'] as const) {
      const response = await fetch(`${server.url}/v1/api-key/scope`, {
        headers: { authorization: `Bearer ${KEYS[level]}` },
      });
      expect(await response.json()).toEqual({ ...SCOPE_A, scopes: INCLUDES[level] });
    }
  });

  it('/metrics keeps its own rule: any valid key when access is "api-key"', async () => {
    for (const key of Object.values(KEYS)) {
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(200);
    }
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });
});

describe('scopes in the configuration', () => {
  it.each([
    [['write'], 'unknown scope "write"'],
    [['admin', 'Admin'], 'unknown scope "Admin"'],
    [[], 'non-empty list'],
    ['admin', 'non-empty list'],
    [[42], 'unknown scope number'],
  ])('startServer refuses scopes %j with a clear error that does not echo the key', async (scopes, message) => {
    const attempt = startServer({
      port: 0,
      apiKeys: [{ key: KEYS.admin, ...SCOPE_A, scopes: scopes as never }],
    });
    await expect(attempt).rejects.toThrow(message);
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('apiKeys[0].scopes');
    expect(error.message).toContain('check, read, admin');
    expect(error.message).not.toContain(KEYS.admin);
  });
});

describe('the @permissio/core client with a check key', () => {
  it('decides, and a management call rejects with PermissioPermissionError MISSING_SCOPE (no key in it)', async () => {
    const permissio = new Permissio({ token: KEYS.check, apiUrl: server.url, ...SCOPE_A });
    await permissio.verify();
    expect(await permissio.check('alice@example.com', 'write', 'document', { tenant: 'acme' })).toBeTypeOf('boolean'); // a 403 would throw (the walk above emptied the policy)
    const error = (await permissio.api.roles.list().catch((e: unknown) => e)) as PermissioPermissionError;
    expect(error).toBeInstanceOf(PermissioPermissionError);
    expect(error.code).toBe('MISSING_SCOPE');
    expect(error.details).toEqual({ requiredScope: 'read', keyScopes: ['check'] });
    expect(error.message).toContain('"read" scope');
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(KEYS.check);
  });
});

describe('the key ring', () => {
  it('a reload read before a revocation does not bring the revoked key back', () => {
    const ring = new KeyRing();
    const stored = { hash: hashApiKey(KEYS.read), ...SCOPE_A, scopes: ['read' as const] };
    ring.add(stored);
    const before = ring.changes;
    expect(ring.remove(stored.hash)).toBe(true);
    ring.replaceAll([stored], before); // a listing read before the revocation
    expect(ring.authenticate(KEYS.read)).toBeUndefined();
    ring.replaceAll([stored], ring.changes); // a fresh listing that still has it (revoked elsewhere: not yet)
    expect(ring.authenticate(KEYS.read)?.scopes).toEqual(['read']);
    ring.replaceAll([], ring.changes);
    expect(ring.authenticate(KEYS.read)).toBeUndefined();
    expect(ring.size).toBe(0);
  });
});

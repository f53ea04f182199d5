/** Request validation (422 naming the field), bad JSON (400), unknown routes (404), path decoding. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PermissioServer } from '../src/index.js';
import { client, KEY_A, POLICY, SCOPE_A, startTestServer } from './helpers.js';

let server: PermissioServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startTestServer({ seed: POLICY, seedScopes: [SCOPE_A] });
  api = client(server.url, KEY_A);
});
afterAll(() => server.close());

describe('validation', () => {
  it.each([
    [{ action: 'read', resource: 'document' }, 'body.user'],
    [{ user: 'a', action: 'read', resource: 'document', tenantId: 'acme' }, 'body.tenantId'],
    [{ user: 12, action: 'read', resource: 'document' }, 'body.user'],
    [{ user: { email: 'a@b' }, action: 'read', resource: 'document' }, 'body.user.key'],
    [{ user: 'a', action: '', resource: 'document' }, 'body.action'],
    [{ user: 'a', action: 'read', resource: { key: 'x' } }, 'body.resource.type'],
  ])('POST check %j → 422 naming %s', async (body, field) => {
    const answer = await api('POST', 'P/check', body);
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('VALIDATION_ERROR');
    expect(answer.body.error.message).toContain(field);
    expect(answer.body.error.details.field).toBe(field);
  });

  it('a nested bulk item names its index', async () => {
    const answer = await api('POST', 'P/check/bulk', {
      checks: [{ user: 'a', action: 'read', resource: 'document' }, { user: 'a' }],
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/body\.checks\[1\]\.action/);
  });

  it('a bulk over 1000 items is refused', async () => {
    const checks = Array.from({ length: 1001 }, () => ({ user: 'a', action: 'read', resource: 'document' }));
    const answer = await api('POST', 'P/check/bulk', { checks });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toContain('body.checks');
  });

  it('query parameters are validated (perPage ≤ 100, integers)', async () => {
    expect((await api('GET', 'P/users?perPage=101')).body.error.message).toContain('querystring.perPage');
    expect((await api('GET', 'P/users?page=abc')).status).toBe(422);
    expect((await api('GET', 'P/users?page=2&perPage=1')).body).toMatchObject({ page: 2, perPage: 1, total: 2 });
    expect((await api('GET', 'P/users/alice%40example.com/permissions')).body.error.message).toContain(
      'querystring.resourceUri',
    );
  });

  it('engine validation errors are 422 too (bad URI, unknown permission), with the engine message', async () => {
    const badUri = await api('POST', 'P/check', {
      user: 'alice@example.com',
      action: 'read',
      resource: { type: 'document', uri: '/project/../etc' },
    });
    expect(badUri.status).toBe(422);
    expect(badUri.body.error.code).toBe('VALIDATION_ERROR');
    const unknownPermission = await api('POST', 'P/roles', { key: 'r', permissions: ['nope:read'] });
    expect(unknownPermission.status).toBe(422);
  });

  it('unparseable JSON → 400 BAD_REQUEST', async () => {
    const answer = await api('POST', 'P/check', undefined, '{"user": "a",');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' } });
  });

  it('a missing body where one is required → 422 naming the body', async () => {
    const answer = await api('POST', 'P/check');
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/^body /);
  });

  it('a body-less PUT with a JSON content type is accepted', async () => {
    const answer = await fetch(`${server.url}/v1/projects/proj-a/environments/dev/roles/admin/extends/viewer`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(200);
  });

  it('too large a body → 413', async () => {
    const answer = await api('POST', 'P/users', { key: 'big', attributes: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('unknown routes and methods → 404 ROUTE_NOT_FOUND in the error format', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/v1/nope'],
      ['POST', 'P/users/alice/nope'],
      ['PATCH', 'P/check'],
    ] as const) {
      const answer = await api(method, path);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('ROUTE_NOT_FOUND');
      expect(typeof answer.body.error.message).toBe('string');
    }
  });

  it('entity not found → 404 NOT_FOUND; duplicate create → 409 CONFLICT', async () => {
    const missing = await api('GET', 'P/roles/ghost');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const dup = await api('POST', 'P/roles', { key: 'viewer' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
  });
});

describe('path parameters are percent-decoded', () => {
  it.each(['team/carol', 'carol@example.com', 'urn:user:42', 'd a v e', '__proto__', 'per%cent', 'ünï/cødé?#'])(
    'user key %j round-trips',
    async (key) => {
      const created = await api('POST', 'P/users', { key, attributes: { n: 1 } });
      expect(created.status).toBe(201);
      const enc = encodeURIComponent(key);
      expect((await api('GET', `P/users/${enc}`)).body).toMatchObject({ key, attributes: { n: 1 } });
      expect((await api('PATCH', `P/users/${enc}`, { firstName: 'F' })).body).toMatchObject({ key, firstName: 'F' });
      const assign = await api('POST', 'P/role_assignments', { user: key, role: 'viewer', tenant: 'acme' });
      expect(assign.status).toBe(201);
      expect(
        (await api('GET', `P/users/${enc}/permissions?resourceUri=${encodeURIComponent('/x')}&tenant=acme`)).body,
      ).toEqual({ permissions: ['document:read'], roles: ['viewer'] });
      expect((await api('GET', `P/users/${enc}/tenants`)).body.map((t: { key: string }) => t.key)).toEqual(['acme']);
      expect(
        (await api('POST', 'P/check', { user: key, action: 'read', resource: { type: 'document', tenant: 'acme' } }))
          .body,
      ).toEqual({ allowed: true });
      expect((await api('DELETE', `P/tenants/acme/users/${enc}`)).status).toBe(204);
      expect((await api('DELETE', `P/users/${enc}`)).status).toBe(204);
      expect((await api('GET', `P/users/${enc}`)).status).toBe(404);
    },
  );

  it('__proto__ as a role key grants nothing by accident', async () => {
    expect((await api('POST', 'P/roles', { key: '__proto__' })).status).toBe(201);
    const check = await api('POST', 'P/check', {
      user: 'alice@example.com',
      action: 'delete',
      resource: { type: 'document', tenant: 'acme' },
    });
    expect(check.body).toEqual({ allowed: false });
  });

  it('a permission path parameter with ":" works', async () => {
    const removed = await api('DELETE', `P/roles/editor/permissions/${encodeURIComponent('document:write')}`);
    expect(removed.status).toBe(200);
    expect(removed.body.permissions).not.toContain('document:write');
  });

  it('a malformed escape in the path → 400', async () => {
    const answer = await api('GET', 'P/users/a%2');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BAD_REQUEST');
  });
});

describe('status codes of writes', () => {
  it('role assignment: 201 new, 200 existing; unassign idempotent 204', async () => {
    const body = { user: 'alice@example.com', role: 'viewer', tenant: 'acme', resourceInstance: 'document:d9' };
    expect((await api('POST', 'P/role_assignments', body)).status).toBe(201);
    const again = await api('POST', 'P/role_assignments', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(body);
    expect((await api('POST', 'P/role_assignments/unassign', body)).status).toBe(204);
    expect((await api('POST', 'P/role_assignments/unassign', body)).status).toBe(204);
    expect((await api('POST', 'P/role_assignments', { user: 'ghost', role: 'viewer' })).status).toBe(404);
    expect((await api('POST', 'P/role_assignments', { user: 'alice@example.com', role: 'ghost' })).status).toBe(404);
  });

  it('roles/{key}/permissions with several permissions is all or nothing', async () => {
    const before = (await api('GET', 'P/roles/viewer/permissions')).body;
    const bad = await api('POST', 'P/roles/viewer/permissions', { permissions: ['project:read', 'nope:nope'] });
    expect(bad.status).toBe(422);
    expect((await api('GET', 'P/roles/viewer/permissions')).body).toEqual(before);
    const good = await api('POST', 'P/roles/viewer/permissions', { permissions: ['project:read', 'document:read'] });
    expect(good.status).toBe(200);
    expect(good.body.permissions.sort()).toEqual(['document:read', 'project:read']);
  });

  it('delete is idempotent', async () => {
    expect((await api('DELETE', 'P/users/never-existed')).status).toBe(204);
    expect((await api('DELETE', 'P/tenants/never-existed')).status).toBe(204);
  });
});

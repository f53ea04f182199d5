/**
 * The service-compatible REST facade (#16) over loopback HTTP: the documented
 * flow replayed request by request, and every error code of docs/SERVICE.md.
 */
import { join } from 'node:path';
import type { Pdp } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PermissioServer, startServer } from '../src/index.js';
import { loadAjv, tempDir } from './helpers.js';

const ADMIN = 'permis_key_service_admin_0123456789abcdef';
const CHECK = 'permis_key_service_check_0123456789abcdef';
const LIMITED = 'permis_key_service_limited_0123456789ab';
const SCOPE = { projectId: 'acme', environmentId: 'production' };
const BASE = '/permissions-service/v1';

let server: PermissioServer;
let limited: PermissioServer;
let log = '';

beforeAll(async () => {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [
      { key: ADMIN, ...SCOPE, scopes: ['admin'] },
      { key: CHECK, ...SCOPE, scopes: ['check'] },
    ],
    rateLimits: false,
    logger: {
      level: 'trace',
      stream: {
        write: (line: string) => {
          log += line;
        },
      },
    },
  });
  limited = await startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [{ key: LIMITED, ...SCOPE }],
    rateLimits: { checks: 2, management: 2, bulk: 1, windowMs: 60_000 },
  });
});
afterAll(async () => {
  await server?.close();
  await limited?.close();
});

async function call(method: string, path: string, body?: unknown, key: string | null = ADMIN, target = server) {
  const response = await fetch(target.url + BASE + path, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as any, text };
}

describe('the documented flow', () => {
  it('creates permissions (idempotent), a role, grants on /project/456, checks, revokes and lists', async () => {
    const created = await call('POST', '/permissions', {
      project_name: 'production',
      name: 'document.read',
      description: 'Allows reading documents',
    });
    expect(created).toMatchObject({
      status: 200,
      body: { permission: { name: 'document.read', description: 'Allows reading documents' } },
    });
    const again = await call('POST', '/permissions', {
      project_name: 'production',
      name: 'document.read',
      description: 'Reads documents',
    });
    expect(again.body).toEqual({ permission: { name: 'document.read', description: 'Reads documents' } });
    await call('POST', '/permissions', { project_name: 'production', name: 'document.write', description: 'Writes' });
    await call('POST', '/permissions', { project_name: 'production', name: 'document.delete' });

    const role = await call('POST', '/roles', {
      project_name: 'production',
      name: 'editor',
      description: 'Can read and write documents',
      permissions: ['document.read', 'document.write'],
    });
    expect(role).toMatchObject({
      status: 200,
      body: {
        role: {
          name: 'editor',
          description: 'Can read and write documents',
          permissions: ['document.read', 'document.write'],
        },
      },
    });

    // The principal does not exist yet: the grant creates it.
    const granted = await call('POST', '/grant', {
      project_name: 'production',
      principal_id: 'user123',
      resource_uri: '/project/456',
      roles: ['editor'],
    });
    expect(granted).toMatchObject({ status: 200, body: {} });

    const check = { project_name: 'production', principal_id: 'user123', resource_uri: '/project/456/documents/789' };
    const passed = await call('POST', '/check', { ...check, permissions: ['document.read', 'document.write'] }, CHECK);
    expect(passed).toMatchObject({ status: 200, body: { passed: true, missing_permissions: [] } });
    const missing = await call(
      'POST',
      '/check',
      { ...check, permissions: ['document.read', 'document.delete'] },
      CHECK,
    );
    expect(missing.body).toEqual({
      passed: false,
      missing_permissions: [{ resource_uri: '/project/456/documents/789', missing_permissions: ['document.delete'] }],
    });

    const held = await call('GET', '/principals/user123/permissions?resource_uri=%2Fproject%2F456%2Fdocuments%2F789');
    expect(held.body).toEqual({ permissions: ['document.read', 'document.write'], roles: ['editor'] });
    const assignments = await call('GET', '/principals/user123/assignments?project_name=production');
    expect(assignments.body).toEqual({
      assignments: [{ resource_uri: '/project/456', permissions: [], roles: ['editor'] }],
    });

    const revoked = await call('POST', '/revoke', {
      project_name: 'production',
      principal_id: 'user123',
      resource_uri: '/project/456',
      roles: ['editor'],
    });
    expect(revoked.status).toBe(200);
    const after = await call('POST', '/check', { ...check, permissions: ['document.read'] }, CHECK);
    expect(after.body).toEqual({
      passed: false,
      missing_permissions: [{ resource_uri: '/project/456/documents/789', missing_permissions: ['document.read'] }],
    });

    const principals = await call('GET', '/principals?project_name=production');
    expect(principals.body).toEqual({ principals: [{ id: 'user123', type: 'user' }] });
    const roles = await call('GET', '/roles');
    expect(roles.body.roles.map((r: { name: string }) => r.name)).toEqual(['editor']);
  });

  it('pages permissions and principals with limit and cursor', async () => {
    await call('POST', '/permissions', { name: 'report.read' });
    for (const id of ['svc-1', 'svc-2', 'svc-3']) {
      const granted = await call('POST', '/grant', {
        principal_id: id,
        principal_type: 'service_account',
        resource_uri: '/reports',
        permissions: ['report.read'],
      });
      expect(granted.status, granted.text).toBe(200);
    }
    const first = await call('GET', '/principals?principal_type=service_account&limit=2');
    expect(first.body.principals).toEqual([
      { id: 'svc-1', type: 'service_account' },
      { id: 'svc-2', type: 'service_account' },
    ]);
    const second = await call(
      'GET',
      `/principals?principal_type=service_account&limit=2&cursor=${first.body.next_cursor}`,
    );
    expect(second.body).toEqual({ principals: [{ id: 'svc-3', type: 'service_account' }] });

    const page1 = await call('GET', '/permissions?limit=2');
    expect(page1.body.permissions).toHaveLength(2);
    expect(page1.body.next_cursor).toBe('2');
    const names: string[] = page1.body.permissions.map((p: { name: string }) => p.name);
    let cursor: string | undefined = page1.body.next_cursor;
    while (cursor !== undefined) {
      const page = await call('GET', `/permissions?limit=2&cursor=${cursor}`);
      names.push(...page.body.permissions.map((p: { name: string }) => p.name));
      cursor = page.body.next_cursor;
    }
    expect(names.sort()).toEqual(['document.delete', 'document.read', 'document.write', 'report.read']);
  });

  it('gets, renames and deletes a permission; updates and deletes a role', async () => {
    expect((await call('GET', '/permissions/document.delete')).body).toEqual({
      permission: { name: 'document.delete', description: '' },
    });
    await call('POST', '/roles', { name: 'remover', permissions: ['document.delete'] });
    const renamed = await call('PATCH', '/permissions/document.delete', { new_name: 'document.remove' });
    expect(renamed.body).toEqual({ permission: { name: 'document.remove', description: '' } });
    // The role follows the rename.
    expect((await call('GET', '/roles/remover')).body.role.permissions).toEqual(['document.remove']);
    const updated = await call('PATCH', '/roles/remover', { description: 'Removes', permissions: ['document.read'] });
    expect(updated.body).toEqual({ role: { name: 'remover', description: 'Removes', permissions: ['document.read'] } });
    expect((await call('DELETE', '/permissions/document.remove')).body).toEqual({});
    expect((await call('DELETE', '/permissions/document.remove')).status).toBe(200);
    expect((await call('DELETE', '/roles/remover')).body).toEqual({});
    expect((await call('GET', '/roles/remover')).status).toBe(404);
  });
});

describe('every error code', () => {
  const expectError = (answer: { status: number; body: any }, status: number, code: number, text: RegExp) => {
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code, message: expect.stringMatching(text) } });
  };

  it('3 INVALID_ARGUMENT (400): missing, malformed and unparsable input', async () => {
    expectError(await call('POST', '/permissions', { description: 'x' }), 400, 3, /name is required/);
    expectError(await call('POST', '/permissions', { name: 'nodot' }), 400, 3, /not a permission/);
    expectError(await call('POST', '/check', { principal_id: 'u', permissions: ['a.b'] }), 400, 3, /resource_uri/);
    expectError(
      await call('POST', '/grant', { principal_id: 'u', resource_uri: '/x' }),
      400,
      3,
      /permissions or roles/,
    );
    expectError(await call('GET', '/principals?limit=1000'), 400, 3, /limit/);
    expectError(await call('POST', '/roles', '{"name": '), 400, 3, /not valid JSON/);
    expectError(await call('POST', '/roles', '[1]'), 400, 3, /JSON object/);
  });

  it('5 NOT_FOUND (404)', async () => {
    expectError(await call('GET', '/roles/nobody'), 404, 5, /nobody/);
    expectError(await call('GET', '/permissions/ghost.read'), 404, 5, /ghost/);
    expectError(await call('GET', '/principals/ghost/assignments'), 404, 5, /ghost/);
  });

  it('6 ALREADY_EXISTS (409): a role created twice', async () => {
    await call('POST', '/roles', { name: 'twice' });
    expectError(await call('POST', '/roles', { name: 'twice' }), 409, 6, /twice/);
  });

  it('7 PERMISSION_DENIED (403): a key without the scope, or another project', async () => {
    expectError(await call('POST', '/roles', { name: 'x' }, CHECK), 403, 7, /"admin" scope/);
    expectError(await call('GET', '/roles', undefined, CHECK), 403, 7, /"read" scope/);
    expectError(await call('GET', '/roles?project_name=staging'), 403, 7, /project_name/);
    // The refused write did not happen.
    expect((await call('GET', '/roles/x')).status).toBe(404);
  });

  it('8 RESOURCE_EXHAUSTED (429) with Retry-After, per rate class', async () => {
    const check = { principal_id: 'u', resource_uri: '/a', permissions: ['a.read'] };
    // A check is charged by its work, resources × permissions: this one is 3 units (an untouched window runs it)…
    const big = { principal_id: 'u', resource_uris: ['/a', '/b', '/c'], permissions: ['a.read'] };
    expect((await call('POST', '/check', big, LIMITED, limited)).status).toBe(200);
    // …so the limit of 2 is spent: a one-unit check is refused.
    const refused = await call('POST', '/check', check, LIMITED, limited);
    expectError(refused, 429, 8, /Rate limit of 2 checks/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another class still has room.
    expect((await call('GET', '/roles', undefined, LIMITED, limited)).status).toBe(200);
  });

  it('16 UNAUTHENTICATED (401): no key, a malformed header, an unknown key — never echoed', async () => {
    expectError(await call('GET', '/roles', undefined, null), 401, 16, /Missing API key/);
    expectError(await call('GET', '/roles', undefined, 'permis_key_unknown_0123456789'), 401, 16, /Invalid API key/);
    const malformed = await fetch(`${server.url}${BASE}/roles`, { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
    expect(((await malformed.json()) as any).error.code).toBe(16);
    // Authentication comes before the body is read: an unauthenticated bad body is a 401, not a 400.
    expectError(await call('POST', '/roles', '{"name": ', null), 401, 16, /Missing API key/);
    expect(log).not.toContain(ADMIN);
    expect(log).not.toContain(CHECK);
  });
});

describe('answers of edge cases', () => {
  it('a check of an unknown principal is passed: false, never an error; unknown permissions in a role are 3', async () => {
    await call('POST', '/permissions', { name: 'document.read' });
    const check = await call('POST', '/check', {
      principal_id: 'nobody-at-all',
      resource_uris: ['/project/1', '/project/2'],
      permissions: ['document.read'],
    });
    expect(check.body).toEqual({
      passed: false,
      missing_permissions: [
        { resource_uri: '/project/1', missing_permissions: ['document.read'] },
        { resource_uri: '/project/2', missing_permissions: ['document.read'] },
      ],
    });
    const role = await call('POST', '/roles', { name: 'broken', permissions: ['nothing.here'] });
    expect(role.status).toBe(400);
    expect(role.body.error.code).toBe(3);
  });
});

describe('server faults', () => {
  it('13 INTERNAL (500, generic message, logged) and 14 UNAVAILABLE (503, Retry-After)', async () => {
    let fault: Error | undefined;
    let faultLog = '';
    const faulty = await startServer({
      host: '127.0.0.1',
      port: 0,
      database: ':memory:',
      apiKeys: [{ key: ADMIN, ...SCOPE }],
      rateLimits: false,
      logger: {
        level: 'error',
        stream: {
          write: (line: string) => {
            faultLog += line;
          },
        },
      },
      // A real engine whose role listing fails the way the test says.
      createPdp: () => {
        const engine = createEngine() as Pdp;
        const list = engine.roles.list.bind(engine.roles);
        engine.roles.list = async (params) => {
          if (fault !== undefined) throw fault;
          return await list(params);
        };
        return engine;
      },
    });
    try {
      fault = new Error('disk on fire: secret detail');
      const internal = await call('GET', '/roles', undefined, ADMIN, faulty);
      expect(internal.status).toBe(500);
      expect(internal.body).toEqual({
        error: { code: 13, message: 'The server failed to answer this request; see its log.' },
      });
      expect(faultLog).toContain('disk on fire');
      fault = Object.assign(new Error('connection refused'), { name: 'StorageUnavailableError' });
      const unavailable = await call('GET', '/roles', undefined, ADMIN, faulty);
      expect(unavailable.status).toBe(503);
      expect(unavailable.body.error.code).toBe(14);
      expect(unavailable.headers.get('retry-after')).toBe('1');
      fault = undefined;
      expect((await call('GET', '/roles', undefined, ADMIN, faulty)).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });
});

describe('OpenAPI: every facade route is documented, and answers its documented schema', () => {
  it('walks the 16 operations and validates each answer (and an error) against /openapi.json', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const Ajv = loadAjv();
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(doc, 'openapi.json');
    const pointer = (path: string, method: string) =>
      `openapi.json#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/200/content/application~1json/schema`;
    await call('POST', '/permissions', { name: 'invoice.read' });
    await call('POST', '/grant', { principal_id: 'walker', resource_uri: '/walk', permissions: ['invoice.read'] });
    const cases: [string, string, string, unknown?][] = [
      ['POST', '/permissions', '/permissions', { name: 'invoice.send', description: 'Sends invoices' }],
      ['GET', '/permissions', '/permissions?limit=1'],
      ['GET', '/permissions/{name}', '/permissions/invoice.send'],
      ['PATCH', '/permissions/{name}', '/permissions/invoice.send', { description: 'Sends' }],
      ['POST', '/roles', '/roles', { name: 'walk-role', permissions: ['invoice.read'] }],
      ['GET', '/roles', '/roles?limit=1'],
      ['GET', '/roles/{name}', '/roles/walk-role'],
      ['PATCH', '/roles/{name}', '/roles/walk-role', { description: 'Walks' }],
      ['POST', '/grant', '/grant', { principal_id: 'walker', resource_uri: '/walk', roles: ['walk-role'] }],
      ['GET', '/principals', '/principals?limit=1'],
      ['GET', '/principals/{principal_id}/permissions', '/principals/walker/permissions?resource_uri=%2Fwalk%2F1'],
      ['GET', '/principals/{principal_id}/assignments', '/principals/walker/assignments'],
      ['POST', '/check', '/check', { principal_id: 'walker', resource_uri: '/walk/1', permissions: ['invoice.send'] }],
      ['POST', '/revoke', '/revoke', { principal_id: 'walker', resource_uri: '/walk', roles: ['walk-role'] }],
      ['DELETE', '/roles/{name}', '/roles/walk-role'],
      ['DELETE', '/permissions/{name}', '/permissions/invoice.send'],
    ];
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(BASE))
      .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(cases.map(([m, t]) => `${m} ${BASE}${t}`).sort());
    for (const [method, template, path, body] of cases) {
      const answer = await call(method, path, body);
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(200);
      const validate = ajv.compile({ $ref: pointer(BASE + template, method.toLowerCase()) });
      expect(validate(answer.body), `${method} ${template}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const error = await call('GET', '/roles/walk-role');
    const validateError = ajv.compile({ $ref: 'openapi.json#/components/schemas/ServiceError' });
    expect(validateError(error.body)).toBe(true);
    expect(validateError({ error: { code: 'NOT_FOUND', message: 'x' } })).toBe(false);
  });
});

describe('durability', () => {
  it('facade writes are journaled: a grant that created its principal survives a restart', async () => {
    const { dir, cleanup } = tempDir();
    const database = join(dir, 'service.db');
    const options = {
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      database,
      apiKeys: [{ key: ADMIN, ...SCOPE }],
      rateLimits: false as const,
    };
    try {
      const first = await startServer(options);
      await call('POST', '/permissions', { name: 'document.read' }, ADMIN, first);
      const grant = { principal_id: 'bot-1', principal_type: 'service_account', resource_uri: '/p/1' };
      expect((await call('POST', '/grant', { ...grant, permissions: ['document.read'] }, ADMIN, first)).status).toBe(
        200,
      );
      await first.close();
      const second = await startServer(options);
      try {
        expect((await call('GET', '/principals', undefined, ADMIN, second)).body).toEqual({
          principals: [{ id: 'bot-1', type: 'service_account' }],
        });
        const check = { principal_id: 'bot-1', resource_uri: '/p/1/x', permissions: ['document.read'] };
        expect((await call('POST', '/check', check, ADMIN, second)).body.passed).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      cleanup();
    }
  });
});

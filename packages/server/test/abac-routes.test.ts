/**
 * ABAC management over REST: `P/user_attributes`, `P/condition_sets`,
 * `P/condition_set_rules` — statuses of the contract (201/200/204, 404, 409,
 * 422 naming the field or the set and JSON path), scoping, auth, rate
 * limits, and durability across a restart on the same database file.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PermissioServer } from '../src/index.js';
import { client, KEY_A, KEY_B, POLICY, SCOPE_A, SCOPE_B, startTestServer, tempDir } from './helpers.js';

const servers: PermissioServer[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const c of cleanups.splice(0)) c();
});

async function seeded(options: Parameters<typeof startTestServer>[0] = {}): Promise<PermissioServer> {
  const server = await startTestServer({ seed: POLICY, seedScopes: [SCOPE_A], ...options });
  servers.push(server);
  return server;
}

const engineers = {
  key: 'engineers',
  name: 'Engineers',
  type: 'userset',
  conditions: { 'user.department': { equals: 'engineering' } },
};
const owned = {
  key: 'owned',
  type: 'resourceset',
  resourceType: 'document',
  conditions: { 'resource.title': { equals: { ref: 'user.key' } } },
};
const rule = { userSet: 'engineers', permission: 'document:delete', resourceSet: 'owned' };
const ownCheck = (user: string, title: string, department = 'engineering') => ({
  user: { key: user, attributes: { department } },
  action: 'delete',
  resource: { type: 'document', key: 'd1', tenant: 'acme', attributes: { title } },
});

/** Declares `department`, creates both sets and the rule, over REST. */
async function setUp(api: ReturnType<typeof client>): Promise<void> {
  expect((await api('POST', 'P/user_attributes', { key: 'department', type: 'string' })).status).toBe(201);
  expect((await api('POST', 'P/condition_sets', engineers)).status).toBe(201);
  expect((await api('POST', 'P/condition_sets', owned)).status).toBe(201);
  expect((await api('POST', 'P/condition_set_rules', rule)).status).toBe(201);
}

describe('P/user_attributes', () => {
  it('lists, declares (409 on a repeat), refuses deleting one a condition reads (409 naming the set), deletes idempotently', async () => {
    const api = client((await seeded()).url, KEY_A);
    expect(await api('GET', 'P/user_attributes')).toMatchObject({ status: 200, body: [] });
    const created = await api('POST', 'P/user_attributes', { key: 'department', type: 'string' });
    expect(created).toMatchObject({ status: 201, body: { key: 'department', type: 'string' } });
    const again = await api('POST', 'P/user_attributes', { key: 'department', type: 'number' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect((await api('POST', 'P/user_attributes', { key: 'level', type: 'number' })).status).toBe(201);
    expect((await api('GET', 'P/user_attributes')).body).toEqual([
      { key: 'department', type: 'string' },
      { key: 'level', type: 'number' },
    ]);

    expect((await api('POST', 'P/condition_sets', engineers)).status).toBe(201);
    const used = await api('DELETE', 'P/user_attributes/department');
    expect(used.status).toBe(409);
    expect(used.body.error.message).toContain('"engineers"');
    expect(used.body.error.details).toMatchObject({ conditionSet: 'engineers' });

    expect((await api('DELETE', 'P/user_attributes/level')).status).toBe(204);
    expect((await api('DELETE', 'P/user_attributes/level')).status).toBe(204); // idempotent
    expect((await api('GET', 'P/user_attributes')).body).toEqual([{ key: 'department', type: 'string' }]);
  });

  it('validates strictly: unknown field, unknown type, missing type (422 naming the field)', async () => {
    const api = client((await seeded()).url, KEY_A);
    const unknown = await api('POST', 'P/user_attributes', { key: 'a', type: 'string', typ: 'x' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.field).toBe('body.typ');
    const badType = await api('POST', 'P/user_attributes', { key: 'a', type: 'date' });
    expect(badType.status).toBe(422);
    expect(badType.body.error.details.field).toBe('body.type');
    const missing = await api('POST', 'P/user_attributes', { key: 'a' });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.field).toBe('body.type');
  });
});

describe('P/condition_sets', () => {
  it('create (201, 409 on a repeat), get (404 when missing), list with search, update, sync, delete', async () => {
    const api = client((await seeded()).url, KEY_A);
    expect((await api('POST', 'P/user_attributes', { key: 'department', type: 'string' })).status).toBe(201);
    const created = await api('POST', 'P/condition_sets', engineers);
    expect(created).toMatchObject({ status: 201, body: engineers });
    expect((await api('POST', 'P/condition_sets', engineers)).status).toBe(409);
    expect((await api('GET', 'P/condition_sets/engineers')).body).toEqual(engineers);
    expect(await api('GET', 'P/condition_sets/nope')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect((await api('POST', 'P/condition_sets', owned)).status).toBe(201);

    const page = await api('GET', 'P/condition_sets?perPage=1&page=2');
    expect(page.body).toMatchObject({ page: 2, perPage: 1, total: 2, data: [{ key: 'owned' }] });
    expect((await api('GET', 'P/condition_sets?search=ENGIN')).body.data.map((s: { key: string }) => s.key)).toEqual([
      'engineers',
    ]);

    const updated = await api('PATCH', 'P/condition_sets/engineers', {
      conditions: { 'user.department': { in: ['engineering', 'research'] } },
    });
    expect(updated).toMatchObject({ status: 200, body: { key: 'engineers', name: 'Engineers', type: 'userset' } });
    expect(updated.body.conditions).toEqual({ 'user.department': { in: ['engineering', 'research'] } });
    expect((await api('PATCH', 'P/condition_sets/nope', { name: 'x' })).status).toBe(404);

    const synced = await api('PUT', 'P/condition_sets/everyone', { type: 'userset', conditions: { allOf: [] } });
    expect(synced).toMatchObject({
      status: 200,
      body: { key: 'everyone', type: 'userset', conditions: { allOf: [] } },
    });
    expect(
      (await api('PUT', 'P/condition_sets/everyone', { name: 'All', type: 'userset', conditions: {} })).status,
    ).toBe(422); // {} is not a condition: the engine's 422

    expect((await api('DELETE', 'P/condition_sets/everyone')).status).toBe(204);
    expect((await api('DELETE', 'P/condition_sets/everyone')).status).toBe(204); // idempotent
    expect((await api('GET', 'P/condition_sets/everyone')).status).toBe(404);
  });

  it('422 names the field for schema errors and the set and JSON path for the engine’s condition errors', async () => {
    const api = client((await seeded()).url, KEY_A);
    const unknownField = await api('POST', 'P/condition_sets', { ...engineers, priority: 1 });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.error.details.field).toBe('body.priority');
    const patchType = await api('PATCH', 'P/condition_sets/x', { type: 'resourceset' });
    expect(patchType.status).toBe(422);
    expect(patchType.body.error.details.field).toBe('body.type');
    const badType = await api('POST', 'P/condition_sets', { ...engineers, type: 'groupset' });
    expect(badType.status).toBe(422);
    expect(badType.body.error.details.field).toBe('body.type');

    const undeclared = await api('POST', 'P/condition_sets', engineers); // department is not declared
    expect(undeclared.status).toBe(422);
    expect(undeclared.body.error.code).toBe('VALIDATION_ERROR');
    expect(undeclared.body.error.message).toContain('conditionSets[engineers].conditions');
    expect(undeclared.body.error.message).toContain('user.department');
    expect(undeclared.body.error.details).toMatchObject({ conditionSet: 'engineers' });

    const badOperator = await api('POST', 'P/condition_sets', {
      key: 'b',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { anyOf: [{ 'resource.title': { like: 'x' } }] },
    });
    expect(badOperator.status).toBe(422);
    expect(badOperator.body.error.message).toMatch(/unknown operator "like"/);
    expect(badOperator.body.error.details.path).toContain('anyOf[0]');

    const missingType = await api('POST', 'P/condition_sets', {
      key: 'r',
      type: 'resourceset',
      resourceType: 'folder',
      conditions: { allOf: [] },
    });
    expect(missingType.status).toBe(422); // the resourceset's type does not exist: the engine's 422
    expect(missingType.body.error.message).toContain('folder');
  });
});

describe('P/condition_set_rules', () => {
  it('create (201, 409 identical, 404 missing set), list with filters, delete idempotent; checks follow', async () => {
    const api = client((await seeded()).url, KEY_A);
    await setUp(api);
    expect(await api('POST', 'P/check/explain', ownCheck('mallory', 'mallory'))).toMatchObject({
      status: 200,
      body: { allowed: true, reason: 'condition_rule', via: { userSet: 'engineers', resourceSet: 'owned' } },
    });
    expect((await api('POST', 'P/check', ownCheck('mallory', 'alice'))).body).toEqual({ allowed: false });
    expect((await api('POST', 'P/check', ownCheck('mallory', 'mallory', 'sales'))).body).toEqual({ allowed: false });

    expect((await api('POST', 'P/condition_set_rules', rule)).status).toBe(409);
    const inAcme = { ...rule, permission: 'document:read', tenant: 'acme' };
    expect(await api('POST', 'P/condition_set_rules', inAcme)).toMatchObject({ status: 201, body: inAcme });
    expect((await api('POST', 'P/condition_set_rules', { ...rule, userSet: 'nope' })).status).toBe(404);
    const wrongAction = await api('POST', 'P/condition_set_rules', { ...rule, permission: 'document:fly' });
    expect(wrongAction.status).toBe(422);
    expect(wrongAction.body.error.message).toContain('fly');
    const unknownField = await api('POST', 'P/condition_set_rules', { ...rule, effect: 'deny' });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.error.details.field).toBe('body.effect');

    const all = await api('GET', 'P/condition_set_rules');
    expect(all.body).toMatchObject({ total: 2, page: 1 });
    const filtered = await api('GET', 'P/condition_set_rules?permission=document%3Aread&userSet=engineers');
    expect(filtered.body.data).toEqual([inAcme]);
    expect((await api('GET', 'P/condition_set_rules?tenant=acme')).status).toBe(422); // not a filter

    expect((await api('POST', 'P/condition_set_rules/delete', rule)).status).toBe(204);
    expect((await api('POST', 'P/condition_set_rules/delete', rule)).status).toBe(204); // idempotent
    expect((await api('POST', 'P/check', ownCheck('mallory', 'mallory'))).body).toEqual({ allowed: false });

    // cascade: deleting a set deletes its rules
    expect((await api('DELETE', 'P/condition_sets/engineers')).status).toBe(204);
    expect((await api('GET', 'P/condition_set_rules')).body).toMatchObject({ total: 0, data: [] });
  });

  it('deleting a resource type deletes its resourcesets and their rules', async () => {
    const api = client((await seeded()).url, KEY_A);
    await setUp(api);
    expect((await api('DELETE', 'P/resources/document')).status).toBe(204);
    expect((await api('GET', 'P/condition_sets')).body.data.map((s: { key: string }) => s.key)).toEqual(['engineers']);
    expect((await api('GET', 'P/condition_set_rules')).body.total).toBe(0);
  });
});

describe('scoping, auth and rate limits', () => {
  it('a scope sees only its own sets; a key on another scope is 403; no key is 401', async () => {
    const server = await seeded({ seedScopes: [SCOPE_A, SCOPE_B] });
    const a = client(server.url, KEY_A);
    const b = client(server.url, KEY_B, SCOPE_B);
    await setUp(a);
    expect((await b('GET', 'P/condition_sets')).body.total).toBe(0);
    expect((await b('GET', 'P/user_attributes')).body).toEqual([]);
    expect((await b('POST', 'P/check', ownCheck('m', 'm'))).body).toEqual({ allowed: false });
    expect((await client(server.url, KEY_A, SCOPE_B)('GET', 'P/condition_sets')).status).toBe(403);
    expect((await client(server.url, KEY_B)('POST', 'P/condition_sets', engineers)).status).toBe(403);
    expect((await client(server.url, undefined)('POST', 'P/condition_set_rules', rule)).status).toBe(401);
  });

  it('the routes count in the management class', async () => {
    const api = client((await seeded({ rateLimits: { management: 3 } })).url, KEY_A);
    expect((await api('POST', 'P/user_attributes', { key: 'department', type: 'string' })).status).toBe(201);
    expect((await api('GET', 'P/condition_sets')).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await api('POST', 'P/condition_sets', { ...engineers, extra: true })).status).toBe(422); // counted too
    const limited = await api('POST', 'P/condition_set_rules', rule);
    expect(limited.status).toBe(429);
    expect(limited.body.error.details).toEqual({ class: 'management', limit: 3 });
    expect((await api('POST', 'P/check', ownCheck('m', 'm'))).status).toBe(200); // checks: another class
  });
});

describe('durability', () => {
  it.each([
    { journal: 'journal replay', compactEvery: 1000 },
    { journal: 'compacted snapshots + journal tail', compactEvery: 3 },
  ])(
    'attributes, sets and rules written over REST survive a restart on the same database ($journal)',
    async ({ compactEvery }) => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const database = join(dir, 'permissio.db');
      const first = await startTestServer({ database, seed: POLICY, seedScopes: [SCOPE_A], compactEvery });
      const api = client(first.url, KEY_A);
      await setUp(api);
      expect((await api('POST', 'P/user_attributes', { key: 'level', type: 'number' })).status).toBe(201);
      expect((await api('PATCH', 'P/condition_sets/engineers', { name: 'Eng' })).status).toBe(200);
      expect((await api('PUT', 'P/condition_sets/all', { type: 'userset', conditions: { allOf: [] } })).status).toBe(
        200,
      );
      expect((await api('POST', 'P/condition_set_rules', { ...rule, userSet: 'all', tenant: 'acme' })).status).toBe(
        201,
      );
      expect(
        (await api('POST', 'P/condition_set_rules/delete', { ...rule, userSet: 'all', tenant: 'acme' })).status,
      ).toBe(204);
      expect((await api('DELETE', 'P/user_attributes/level')).status).toBe(204);
      const before = (await api('GET', 'P/snapshot')).body;
      await first.close();

      const second = await startTestServer({ database, compactEvery });
      servers.push(second);
      const again = client(second.url, KEY_A);
      expect((await again('GET', 'P/snapshot')).body).toEqual(before);
      expect((await again('GET', 'P/user_attributes')).body).toEqual([{ key: 'department', type: 'string' }]);
      expect((await again('GET', 'P/condition_sets/engineers')).body).toMatchObject({ name: 'Eng' });
      expect((await again('GET', 'P/condition_set_rules')).body.data).toEqual([rule]);
      expect((await again('POST', 'P/check', ownCheck('mallory', 'mallory'))).body).toEqual({ allowed: true });
    },
  );

  it('a __proto__ key inside a json operand stays data through the journal, compaction and restart', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const database = join(dir, 'permissio.db');
    const policy = {
      ...POLICY,
      userAttributes: [{ key: 'profile', type: 'json' as const }],
      conditionSets: [
        { key: 'any-doc', type: 'resourceset' as const, resourceType: 'document', conditions: { allOf: [] } },
      ],
    };
    const isAdmin = (profile: string) => ({
      user: { key: 'u', attributes: JSON.parse(`{"profile":${profile}}`) },
      action: 'delete',
      resource: { type: 'document', key: 'd1', tenant: 'acme' },
    });
    for (const compactEvery of [1000, 1]) {
      const first = await startTestServer({ database, seed: policy, seedScopes: [SCOPE_A], compactEvery });
      const api = client(first.url, KEY_A);
      const set = await api(
        'PUT',
        'P/condition_sets/proto-admins',
        undefined,
        '{"type":"userset","conditions":{"user.profile":{"equals":{"__proto__":{"admin":true}}}}}',
      );
      expect(set.status).toBe(200);
      const rule = { userSet: 'proto-admins', permission: 'document:delete', resourceSet: 'any-doc' };
      expect([201, 409]).toContain((await api('POST', 'P/condition_set_rules', rule)).status);
      await first.close();

      const second = await startTestServer({ database, compactEvery });
      servers.push(second);
      const again = client(second.url, KEY_A);
      expect((await again('GET', 'P/condition_sets/proto-admins')).text).toContain('"__proto__":{"admin":true}');
      expect((await again('POST', 'P/check', isAdmin('{}'))).body).toEqual({ allowed: false });
      expect((await again('POST', 'P/check', isAdmin('{"__proto__":{"admin":false}}'))).body).toEqual({
        allowed: false,
      });
      expect((await again('POST', 'P/check', isAdmin('{"__proto__":{"admin":true}}'))).body).toEqual({ allowed: true });
      await second.close();
      servers.pop();
    }
  });
});

/**
 * The ABAC management API of the client (`api.users.*Attribute*`,
 * `api.conditionSets`, `api.conditionSetRules`) over HTTP against a real local
 * server: round trips, typed errors, the failure mode, encoded keys, and the
 * checks that follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Permissio,
  PermissioConflictError,
  PermissioNotFoundError,
  PermissioValidationError,
  type ConditionSet,
} from '@permissio/core';
import type { PermissioServer } from '@permissio/server';
import { TOKEN, localServer } from './helpers.js';

let server: PermissioServer;
let permissio: Permissio;

const engineers: ConditionSet = {
  key: 'engineers',
  name: 'Engineers',
  type: 'userset',
  conditions: { 'user.department': { equals: 'engineering' } },
};
const own: ConditionSet = {
  key: 'own',
  type: 'resourceset',
  resourceType: 'document',
  conditions: { 'resource.ownerId': { equals: { ref: 'user.key' } } },
};
const rule = { userSet: 'engineers', permission: 'document:edit', resourceSet: 'own' };
const doc = (ownerId: string) => ({ type: 'document', key: 'd1', attributes: { ownerId } });

beforeAll(async () => {
  server = await localServer();
  permissio = new Permissio({ token: TOKEN, apiUrl: server.url });
  await permissio.pdp.load({
    resources: [
      { key: 'document', actions: ['read', 'edit'], attributes: [{ key: 'ownerId', type: 'string' }] },
      { key: 'folder', actions: ['read'] },
    ],
    tenants: [{ key: 'acme' }],
    users: [{ key: 'alice', attributes: { department: 'engineering' } }],
  });
});
afterAll(async () => {
  await permissio?.close();
  await server?.close();
});

describe('ABAC management through the client over HTTP', () => {
  it('user attributes: createAttribute, listAttributes, deleteAttribute (409 while a set reads it; idempotent)', async () => {
    const users = permissio.api.users;
    expect(await users.listAttributes()).toEqual([]);
    expect(await users.createAttribute({ key: 'department', type: 'string' })).toEqual({
      key: 'department',
      type: 'string',
    });
    await expect(users.createAttribute({ key: 'department', type: 'number' })).rejects.toBeInstanceOf(
      PermissioConflictError,
    );
    await users.createAttribute({ key: 'level', type: 'number' });
    expect(await users.listAttributes()).toEqual([
      { key: 'department', type: 'string' },
      { key: 'level', type: 'number' },
    ]);
    await users.deleteAttribute('level');
    await users.deleteAttribute('level');
    expect((await users.listAttributes()).map((a) => a.key)).toEqual(['department']);
  });

  it('condition sets: create, get, list, iterate, update, sync, delete; typed 404/409/422', async () => {
    const sets = permissio.api.conditionSets;
    expect(await sets.create(engineers)).toEqual(engineers);
    await expect(sets.create(engineers)).rejects.toBeInstanceOf(PermissioConflictError);
    expect(await sets.create(own)).toEqual(own);
    expect(await sets.get('engineers')).toEqual(engineers);
    await expect(sets.get('nope')).rejects.toBeInstanceOf(PermissioNotFoundError);

    const invalid = await sets
      .create({ key: 'bad', type: 'userset', conditions: { 'user.department': { 'greater-than': 'a' } } })
      .catch((e: unknown) => e);
    // One class per situation in both transports (#16): the server's 422 is a PermissioValidationError.
    expect(invalid).toBeInstanceOf(PermissioValidationError);
    expect(invalid).toMatchObject({ statusCode: 422, code: 'VALIDATION_ERROR' });
    expect((invalid as Error).message).toContain('conditionSets[bad].conditions');

    expect(await sets.sync('everyone', { type: 'userset', conditions: { allOf: [] } })).toMatchObject({
      key: 'everyone',
    });
    const page = await sets.list({ perPage: 2 });
    expect(page).toMatchObject({ total: 3, perPage: 2 });
    expect(page.data.map((s) => s.key)).toEqual(['engineers', 'everyone']);
    const keys: string[] = [];
    for await (const set of sets.iterate({ perPage: 1 })) keys.push(set.key);
    expect(keys).toEqual(['engineers', 'everyone', 'own']);
    expect((await sets.list({ search: 'ENGIN' })).data.map((s) => s.key)).toEqual(['engineers']);

    expect(await sets.update('everyone', { name: 'Everyone' })).toMatchObject({ name: 'Everyone' });
    await expect(sets.update('nope', { name: 'x' })).rejects.toBeInstanceOf(PermissioNotFoundError);
    await sets.delete('everyone');
    await sets.delete('everyone');
    await expect(sets.get('everyone')).rejects.toBeInstanceOf(PermissioNotFoundError);
  });

  it('rules: create (409 identical, 404 missing set), list with filters, iterate, delete; checks follow', async () => {
    const rules = permissio.api.conditionSetRules;
    expect(await permissio.check('alice', 'edit', doc('alice'))).toBe(false);
    expect(await rules.create(rule)).toEqual(rule);
    await expect(rules.create(rule)).rejects.toBeInstanceOf(PermissioConflictError);
    await expect(rules.create({ ...rule, userSet: 'nope' })).rejects.toBeInstanceOf(PermissioNotFoundError);

    expect(await permissio.check('alice', 'edit', doc('alice'))).toBe(true);
    expect(await permissio.checkDetailed('alice', 'edit', doc('alice'))).toMatchObject({
      allowed: true,
      reason: 'condition_rule',
      via: { userSet: 'engineers', resourceSet: 'own', permission: 'document:edit' },
    });
    expect(await permissio.check('alice', 'edit', doc('bob'))).toBe(false);
    expect(await permissio.check({ key: 'zed', attributes: { department: 'engineering' } }, 'edit', doc('zed'))).toBe(
      true,
    );

    const inAcme = { ...rule, permission: 'document:read', tenant: 'acme' };
    await rules.create(inAcme);
    expect(await permissio.check('alice', 'read', doc('alice'), { tenant: 'acme' })).toBe(true);
    expect(await permissio.check('alice', 'read', doc('alice'))).toBe(false);
    expect((await rules.list({ permission: 'document:read' })).data).toEqual([inAcme]);
    expect((await rules.list({ userSet: 'engineers', resourceSet: 'own' })).total).toBe(2);
    const all = [];
    for await (const r of rules.iterate({ perPage: 1 })) all.push(r);
    expect(all).toEqual([rule, inAcme]);

    await rules.delete(inAcme);
    await rules.delete(inAcme);
    expect(await permissio.check('alice', 'read', doc('alice'), { tenant: 'acme' })).toBe(false);

    // cascade: deleting the set deletes its rules; then its attribute can go
    await expect(permissio.api.users.deleteAttribute('department')).rejects.toBeInstanceOf(PermissioConflictError);
    await permissio.api.conditionSets.delete('engineers');
    expect((await rules.list()).total).toBe(0);
    expect(await permissio.check('alice', 'edit', doc('alice'))).toBe(false);
    await permissio.api.users.deleteAttribute('department');
  });

  it('keys with "/", "@", ":" and spaces round-trip in paths; throwOnError: false resolves null', async () => {
    const key = 'team/a b@x:y';
    const set: ConditionSet = { key, type: 'userset', conditions: { 'user.key': { 'starts-with': 'team/' } } };
    expect(await permissio.api.conditionSets.create(set)).toEqual(set);
    expect(await permissio.api.conditionSets.get(key)).toEqual(set);
    await permissio.api.users.createAttribute({ key: 'a/b c', type: 'string' });
    await permissio.api.users.deleteAttribute('a/b c');
    await permissio.api.conditionSets.delete(key);
    await expect(permissio.api.conditionSets.get(key)).rejects.toBeInstanceOf(PermissioNotFoundError);
    await permissio.api.users.createAttribute({ key: 'team', type: 'string' });

    const lenient = new Permissio({
      token: TOKEN,
      apiUrl: server.url,
      throwOnError: false,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    try {
      expect(await lenient.api.conditionSets.get('nope')).toBe(null);
      expect(await lenient.api.users.listAttributes()).toEqual([{ key: 'team', type: 'string' }]);
    } finally {
      await lenient.close();
    }
  });
});

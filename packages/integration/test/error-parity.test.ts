/**
 * One error class per situation in both transports (#16): the same bad input
 * through the embedded engine and through `HttpPdp` against a real local
 * server over loopback surfaces as the same class with the same code. A 422
 * from the server is a `PermissioValidationError` (with `statusCode` 422),
 * exactly like the engine's in-process refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Permissio,
  PermissioApiError,
  PermissioConflictError,
  type PermissioError,
  PermissioNotFoundError,
  PermissioValidationError,
  type PolicySnapshot,
} from '@permissio/core';
import { createEngine } from '@permissio/engine';
import type { PermissioServer } from '@permissio/server';
import { TOKEN, localServer } from './helpers.js';

const POLICY: PolicySnapshot = {
  resources: [
    { key: 'document', actions: ['read', 'edit'], attributes: [{ key: 'ownerId', type: 'string' }] },
    { key: 'folder', actions: ['read'] },
  ],
  roles: [{ key: 'viewer', permissions: ['document:read'] }],
  users: [{ key: 'alice' }],
};

let server: PermissioServer;
let http: Permissio;
let embedded: Permissio;

beforeAll(async () => {
  server = await localServer();
  http = new Permissio({ token: TOKEN, apiUrl: server.url, retryAttempts: 0 });
  await http.pdp.load(POLICY);
  embedded = new Permissio({ pdp: createEngine(POLICY) });
});
afterAll(async () => {
  await http?.close();
  await embedded?.close();
  await server?.close();
});

type Call = (p: Permissio) => Promise<unknown>;

/** Bad input the server refuses with 422 (the engine validates the same rule in-process). */
const invalid: [string, Call][] = [
  ['role with an unknown permission', (p) => p.api.roles.create({ key: 'r1', permissions: ['document:print'] })],
  ['role permission without a separator', (p) => p.api.roles.create({ key: 'r2', permissions: ['document'] })],
  ['resource type key with ":"', (p) => p.api.resources.create({ key: 'a:b', actions: ['read'] })],
  [
    'grant of another type on an instance',
    (p) => p.grant({ user: 'alice', resourceUri: 'document:d1', permissions: ['folder:read'] }),
  ],
  ['grant on a malformed URI', (p) => p.grant({ user: 'alice', resourceUri: '/a//b', permissions: ['document:read'] })],
  [
    'checkPermissions with a malformed permission',
    (p) => p.checkPermissions({ user: 'alice', resourceUris: ['/a'], permissions: ['read'] }),
  ],
  ['addPermission of an unknown action', (p) => p.api.roles.addPermission('viewer', 'document:print')],
  [
    'condition set with an unknown operator',
    (p) =>
      p.api.conditionSets.create({
        key: 'bad',
        type: 'userset',
        conditions: { 'user.department': { 'greater-than': 'a' } } as never,
      }),
  ],
  [
    'assignment of a role on a malformed instance',
    (p) => p.api.users.assignRole('alice', 'viewer', { resourceInstance: 'nocolon' }),
  ],
  [
    'a list field given as a string (the server refuses it by schema, the engine by its own check)',
    (p) => p.api.roles.create({ key: 'r4', permissions: 'document:read' as never }),
  ],
  ['permission catalogue: a name with no separator', (p) => p.api.permissions.create({ name: 'document' })],
];

async function failure(call: Call, p: Permissio): Promise<unknown> {
  try {
    await call(p);
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded; expected it to fail');
}

describe('the same bad input fails the same way embedded and over HTTP', () => {
  it.each(invalid)('%s: PermissioValidationError / VALIDATION_ERROR in both transports', async (_name, call) => {
    const local = await failure(call, embedded);
    const remote = await failure(call, http);
    for (const error of [local, remote]) {
      expect(error).toBeInstanceOf(PermissioValidationError);
      expect(error).not.toBeInstanceOf(PermissioApiError);
      expect((error as PermissioError).code).toBe('VALIDATION_ERROR');
    }
    expect((local as PermissioValidationError).statusCode).toBeUndefined();
    expect((remote as PermissioValidationError).statusCode).toBe(422);
  });

  it('404 and 409 are the same API error classes in both transports', async () => {
    for (const p of [embedded, http]) {
      await expect(p.api.roles.get('nope')).rejects.toBeInstanceOf(PermissioNotFoundError);
      await expect(p.api.roles.create({ key: 'viewer' })).rejects.toBeInstanceOf(PermissioConflictError);
      // The native API keeps its 404 for an unknown principal on grant and assign.
      await expect(
        p.grant({ user: 'ghost', resourceUri: '/a', permissions: ['document:read'] }),
      ).rejects.toBeInstanceOf(PermissioNotFoundError);
      await expect(p.api.users.assignRole('ghost', 'viewer')).rejects.toBeInstanceOf(PermissioNotFoundError);
    }
  });

  it('a 422 answer is still a 4xx refusal: not retried, statusCode and details kept', async () => {
    const remote = (await failure(
      (p) => p.api.roles.create({ key: 'r3', permissions: ['document:print'] }),
      http,
    )) as PermissioValidationError;
    expect(remote.message).toContain('document:print');
    expect(remote.details).toMatchObject({ permission: 'document:print' });
  });
});

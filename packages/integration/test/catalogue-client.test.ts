/**
 * `api.permissions` and `api.principals` (#16) through the client: the same
 * flow on the embedded engine and over HTTP against a real local server
 * gives the same answers (catalogue CRUD with both spellings, rename and
 * delete cascades, principal types, cursor paging, assignments).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Permissio,
  PermissioConflictError,
  PermissioNotFoundError,
  PermissioValidationError,
  type PolicySnapshot,
} from '@permissio/core';
import { createEngine } from '@permissio/engine';
import type { PermissioServer } from '@permissio/server';
import { TOKEN, localServer } from './helpers.js';

const POLICY: PolicySnapshot = {
  resources: [{ key: 'document', actions: ['read', 'edit'] }],
  roles: [{ key: 'viewer', permissions: ['document:read'] }],
  tenants: [{ key: 'acme' }],
  users: [{ key: 'alice' }, { key: 'bob' }],
  roleAssignments: [{ user: 'alice', role: 'viewer', tenant: 'acme' }],
};

let server: PermissioServer;
const clients: [string, Permissio][] = [];

beforeAll(async () => {
  server = await localServer();
  const http = new Permissio({ token: TOKEN, apiUrl: server.url });
  await http.pdp.load(POLICY);
  clients.push(['http', http], ['embedded', new Permissio({ pdp: createEngine(POLICY) })]);
});
afterAll(async () => {
  for (const [, client] of clients) await client.close();
  await server?.close();
});

/** The documented flow; returns everything it observed, so both transports can be compared. */
async function flow(p: Permissio): Promise<unknown[]> {
  const seen: unknown[] = [];
  const api = p.api;
  seen.push(await api.permissions.create({ name: 'project.read', description: 'Read a project' }));
  seen.push(await api.permissions.create({ name: 'project:read', description: 'Read projects' }));
  seen.push(await api.permissions.create({ name: 'billing.invoice.create' }));
  seen.push(await api.permissions.get('document.read'));
  seen.push(await api.permissions.list({ perPage: 2 }));
  const names: string[] = [];
  for await (const permission of api.permissions.iterate({ perPage: 1 })) names.push(permission.name);
  seen.push(names);
  await api.roles.create({ key: 'reader', permissions: ['project.read'] });
  await p.grant({ user: 'bob', resourceUri: '/project/456', permissions: ['project.read'], roles: ['viewer'] });
  seen.push(await p.check('bob', 'read', { type: 'project', uri: '/project/456/documents/789' }));
  seen.push(await api.permissions.update('project.read', { name: 'project.view', description: 'View' }));
  seen.push(await api.roles.get('reader'));
  seen.push(await p.check('bob', 'view', { type: 'project', uri: '/project/456/documents/789' }));
  seen.push(await p.check('bob', 'read', { type: 'project', uri: '/project/456/documents/789' }));
  seen.push(await api.principals.assignments('bob'));
  await api.users.create({ key: 'ci-bot', type: 'service_account' });
  seen.push(await api.users.get('ci-bot'));
  seen.push(await api.principals.list({ limit: 2 }));
  const ids: string[] = [];
  for await (const principal of api.principals.iterate({ limit: 1 })) ids.push(principal.id);
  seen.push(ids);
  seen.push(await api.principals.list({ type: 'service_account' }));
  seen.push(await api.principals.assignments('alice', { tenant: 'acme' }));
  await api.permissions.delete('project:view');
  await api.permissions.delete('project:view');
  seen.push(await api.roles.get('reader'));
  seen.push(await api.principals.assignments('bob'));
  for (const failing of [
    () => api.permissions.get('project:view'),
    () => api.permissions.create({ name: 'nodots' }),
    () => api.permissions.update('document:read', { name: 'document:edit' }),
    () => api.principals.assignments('ghost'),
    () => api.principals.list({ cursor: 'not-a-cursor' }),
  ]) {
    const error = await failing().catch((e: unknown) => e);
    seen.push({ name: (error as Error).name, code: (error as { code?: string }).code });
  }
  return seen;
}

describe('permission catalogue and principals through the client', () => {
  it('the same flow gives the same answers embedded and over HTTP', async () => {
    const [http, embedded] = clients.map(([, client]) => client) as [Permissio, Permissio];
    const overHttp = await flow(http);
    const inProcess = await flow(embedded);
    expect(overHttp).toEqual(inProcess);
    // Spot checks of what both saw.
    expect(overHttp[0]).toEqual({
      name: 'project:read',
      resourceType: 'project',
      action: 'read',
      description: 'Read a project',
    });
    expect(overHttp[1]).toMatchObject({ description: 'Read projects' });
    expect(overHttp[5]).toEqual(['billing.invoice:create', 'document:edit', 'document:read', 'project:read']);
    expect(overHttp[6]).toBe(true);
    expect(overHttp[8]).toMatchObject({ permissions: ['project:view'] });
    expect(overHttp.slice(9, 11)).toEqual([true, false]);
    expect(overHttp[11]).toEqual([
      { resourceUri: '/project/456', tenant: 'default', permissions: ['project:view'], roles: ['viewer'] },
    ]);
    expect(overHttp[12]).toMatchObject({ key: 'ci-bot', type: 'service_account' });
    expect(overHttp[14]).toEqual(['alice', 'bob', 'ci-bot']);
    expect(overHttp.slice(-5)).toEqual([
      { name: 'PermissioNotFoundError', code: 'NOT_FOUND' },
      { name: 'PermissioValidationError', code: 'VALIDATION_ERROR' },
      { name: 'PermissioConflictError', code: 'CONFLICT' },
      { name: 'PermissioNotFoundError', code: 'NOT_FOUND' },
      { name: 'PermissioValidationError', code: 'VALIDATION_ERROR' },
    ]);
  });

  it('typed errors are the same classes in both transports', async () => {
    for (const [, p] of clients) {
      await expect(p.api.permissions.get('document:print')).rejects.toBeInstanceOf(PermissioNotFoundError);
      await expect(p.api.permissions.create({ name: 'x' })).rejects.toBeInstanceOf(PermissioValidationError);
      await expect(p.api.permissions.update('document:read', { name: 'document:edit' })).rejects.toBeInstanceOf(
        PermissioConflictError,
      );
    }
  });
});

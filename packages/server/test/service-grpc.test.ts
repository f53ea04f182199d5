/**
 * The gRPC service (#16): a client built the way the service's TypeScript
 * example builds one (@grpc/grpc-js + @grpc/proto-loader from our .proto) runs
 * the documented flow against a real server; the same flow through the native
 * client (`Permissio` over HTTP) gives the same decisions; errors end calls
 * with the documented status codes.
 */
import * as grpc from '@grpc/grpc-js';
import { Permissio } from '@permissio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PermissioServer, startServer } from '../src/index.js';
import { type GrpcClient, grpcClient, rpc as rpcAs } from './support/grpc-client.js';

const ADMIN = 'permis_key_grpc_admin_0123456789abcdef';
const CHECK = 'permis_key_grpc_check_0123456789abcdef';
const READ = 'permis_key_grpc_read_0123456789abcdef';
const SCOPE = { projectId: 'acme', environmentId: 'production' };
const rpc = (client: GrpcClient, method: string, request: object, key: string | null = ADMIN) =>
  rpcAs(client, method, request, key);

let server: PermissioServer;
let limited: PermissioServer;
let client: GrpcClient;

beforeAll(async () => {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    grpcPort: 0,
    database: ':memory:',
    apiKeys: [
      { key: ADMIN, ...SCOPE, scopes: ['admin'] },
      { key: CHECK, ...SCOPE, scopes: ['check'] },
      { key: READ, ...SCOPE, scopes: ['read'] },
    ],
    rateLimits: false,
  });
  client = grpcClient(`127.0.0.1:${server.grpcPort}`);
});
afterAll(async () => {
  client?.close();
  await server?.close();
  await limited?.close();
});

/** The gRPC flow's decisions, `{passed, missing}` per check, for the native client's run to match. */
let grpcDecisions: { passed: boolean; missing: string[][] }[] = [];

const CHECKS = [
  ['document.read', 'document.write'],
  ['document.read', 'document.delete'],
  ['document.delete'],
] as const;

describe('the documented flow over gRPC', () => {
  it('create permissions, a role, grant on /project/456, check, revoke, list', async () => {
    expect(server.grpcPort).toBeGreaterThan(0);
    for (const [name, description] of [
      ['document.read', 'Allows reading documents'],
      ['document.write', 'Allows writing documents'],
      ['document.delete', 'Allows deleting documents'],
    ]) {
      const answer = await rpc(client, 'CreatePermission', { project_name: 'production', name, description });
      expect(answer).toEqual({ permission: { name, description } });
    }
    const role = await rpc(client, 'CreateRole', {
      project_name: 'production',
      name: 'editor',
      description: 'Can read and write documents',
      permissions: ['document.read', 'document.write'],
    });
    expect(role.role).toEqual({
      name: 'editor',
      description: 'Can read and write documents',
      permissions: ['document.read', 'document.write'],
    });
    expect(
      await rpc(client, 'GrantPermission', {
        project_name: 'production',
        principal_id: 'user123',
        resource_uri: '/project/456',
        roles: ['editor'],
      }),
    ).toEqual({});

    const decisions = [];
    for (const permissions of CHECKS) {
      decisions.push(
        await rpc(
          client,
          'CheckPermission',
          {
            project_name: 'production',
            principal_id: 'user123',
            resource_uri: '/project/456/documents/789',
            permissions,
          },
          CHECK,
        ),
      );
    }
    expect(decisions).toEqual([
      { passed: true, missing_permissions: [] },
      {
        passed: false,
        missing_permissions: [{ resource_uri: '/project/456/documents/789', missing_permissions: ['document.delete'] }],
      },
      {
        passed: false,
        missing_permissions: [{ resource_uri: '/project/456/documents/789', missing_permissions: ['document.delete'] }],
      },
    ]);
    grpcDecisions = decisions.map((d) => ({
      passed: d.passed,
      missing: d.missing_permissions.map((m: { missing_permissions: string[] }) => m.missing_permissions),
    }));
    expect(
      await rpc(client, 'GetPrincipalAssignments', { project_name: 'production', principal_id: 'user123' }),
    ).toEqual({ assignments: [{ resource_uri: '/project/456', permissions: [], roles: ['editor'] }] });

    await rpc(client, 'RevokePermission', {
      project_name: 'production',
      principal_id: 'user123',
      resource_uri: '/project/456',
      roles: ['editor'],
    });
    const after = await rpc(client, 'CheckPermission', {
      principal_id: 'user123',
      resource_uri: '/project/456/documents/789',
      permissions: ['document.read'],
    });
    expect(after.passed).toBe(false);

    const principals = await rpc(client, 'ListPrincipals', { project_name: 'production' });
    expect(principals).toEqual({ principals: [{ id: 'user123', type: 'user' }], next_cursor: '' });
    const permissions = await rpc(client, 'ListPermissions', { project_name: 'production', limit: 2 });
    expect(permissions.permissions).toHaveLength(2);
    expect(permissions.next_cursor).toBe('2');
    const roles = await rpc(client, 'ListRoles', {});
    expect(roles.roles.map((r: { name: string }) => r.name)).toEqual(['editor']);
  });

  it('the native client over HTTP, same flow on a fresh scope, gives the same decisions', async () => {
    const native = await startServer({
      host: '127.0.0.1',
      port: 0,
      database: ':memory:',
      apiKeys: [{ key: ADMIN, ...SCOPE }],
      rateLimits: false,
    });
    try {
      const permissio = new Permissio({ token: ADMIN, apiUrl: native.url, ...SCOPE });
      for (const name of ['document.read', 'document.write', 'document.delete']) {
        await permissio.api.permissions.create({ name });
      }
      await permissio.api.roles.create({ key: 'editor', permissions: ['document.read', 'document.write'] });
      // The native API does not create principals on a grant (404): create it first.
      await permissio.api.users.create({ key: 'user123' });
      await permissio.grant({ user: 'user123', resourceUri: '/project/456', roles: ['editor'] });
      const decisions = [];
      for (const permissions of CHECKS) {
        const result = await permissio.checkPermissions({
          user: 'user123',
          resourceUris: ['/project/456/documents/789'],
          permissions: [...permissions],
        });
        decisions.push({ passed: result.passed, missing: result.missing.map((m) => m.permissions) });
      }
      expect(grpcDecisions).toHaveLength(CHECKS.length);
      expect(decisions).toEqual(grpcDecisions);
      await permissio.revoke({ user: 'user123', resourceUri: '/project/456', roles: ['editor'] });
      const after = await permissio.checkPermissions({
        user: 'user123',
        resourceUris: ['/project/456/documents/789'],
        permissions: ['document.read'],
      });
      expect(after.passed).toBe(false);
    } finally {
      await native.close();
    }
  });
});

describe('gRPC status codes', () => {
  const expectStatus = (error: grpc.ServiceError, code: grpc.status, text: RegExp) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.details).toMatch(text);
  };

  it('INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED', async () => {
    expectStatus(await rpc(client, 'CreatePermission', { description: 'x' }), grpc.status.INVALID_ARGUMENT, /name/);
    expectStatus(
      await rpc(client, 'CheckPermission', { principal_id: 'u' }),
      grpc.status.INVALID_ARGUMENT,
      /resource_uri/,
    );
    expectStatus(await rpc(client, 'GetRole', { name: 'nobody' }), grpc.status.NOT_FOUND, /nobody/);
    expectStatus(await rpc(client, 'GetPermission', { name: 'ghost.read' }), grpc.status.NOT_FOUND, /ghost/);
    await rpc(client, 'CreateRole', { name: 'twice' });
    expectStatus(await rpc(client, 'CreateRole', { name: 'twice' }), grpc.status.ALREADY_EXISTS, /twice/);
    expectStatus(await rpc(client, 'CreateRole', { name: 'x' }, CHECK), grpc.status.PERMISSION_DENIED, /"admin" scope/);
    expectStatus(
      await rpc(client, 'ListRoles', { project_name: 'staging' }),
      grpc.status.PERMISSION_DENIED,
      /project_name/,
    );
    expectStatus(await rpc(client, 'ListRoles', {}, null), grpc.status.UNAUTHENTICATED, /Missing API key/);
    const unknown = await rpc(client, 'ListRoles', {}, 'permis_key_unknown_0123456789');
    expectStatus(unknown, grpc.status.UNAUTHENTICATED, /Invalid API key/);
    expect(unknown.details).not.toContain('permis_key_unknown');
  });

  it('RESOURCE_EXHAUSTED over the rate limit, with retry-after metadata', async () => {
    limited = await startServer({
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      database: ':memory:',
      apiKeys: [{ key: ADMIN, ...SCOPE }],
      rateLimits: { checks: 1, management: 5, bulk: 1, windowMs: 60_000 },
    });
    const limitedClient = grpcClient(`127.0.0.1:${limited.grpcPort}`);
    try {
      const check = { principal_id: 'u', resource_uri: '/a', permissions: ['a.read'] };
      expect((await rpc(limitedClient, 'CheckPermission', check)).passed).toBe(false);
      const refused: grpc.ServiceError = await rpc(limitedClient, 'CheckPermission', check);
      expectStatus(refused, grpc.status.RESOURCE_EXHAUSTED, /Rate limit of 1 checks/);
      expect(Number(refused.metadata.get('retry-after')[0])).toBeGreaterThan(0);
      // The REST facade and the gRPC service share the limiter.
      const rest = await fetch(`${limited.url}/permissions-service/v1/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(check),
      });
      expect(rest.status).toBe(429);
    } finally {
      limitedClient.close();
    }
  });

  it('grpcPort is validated; the gRPC port closes with the server', async () => {
    await expect(startServer({ port: 0, grpcPort: 70000, database: ':memory:' })).rejects.toThrow(/grpcPort/);
    const brief = await startServer({
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      database: ':memory:',
      apiKeys: [{ key: ADMIN, ...SCOPE }],
    });
    const port = brief.grpcPort;
    await brief.close();
    const probe = grpcClient(`127.0.0.1:${port}`);
    const error: grpc.ServiceError = await new Promise((resolve) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${ADMIN}`);
      const listRoles = probe.ListRoles as unknown as (
        request: object,
        metadata: grpc.Metadata,
        options: grpc.CallOptions,
        callback: (error: grpc.ServiceError) => void,
      ) => void;
      listRoles.call(probe, {}, metadata, { deadline: Date.now() + 2000 }, resolve);
    });
    probe.close();
    expect(error.code).toBe(grpc.status.UNAVAILABLE);
  });
});

describe('gRPC key scopes', () => {
  /** Written out here, independently of the server: the scope each method needs (docs/SERVICE.md). */
  const NEEDS: Record<string, 'check' | 'read' | 'admin'> = {
    CreatePermission: 'admin',
    GetPermission: 'read',
    UpdatePermission: 'admin',
    DeletePermission: 'admin',
    ListPermissions: 'read',
    CreateRole: 'admin',
    GetRole: 'read',
    UpdateRole: 'admin',
    DeleteRole: 'admin',
    ListRoles: 'read',
    GrantPermission: 'admin',
    RevokePermission: 'admin',
    GetPrincipalPermissions: 'check',
    GetPrincipalAssignments: 'read',
    ListPrincipals: 'read',
    CheckPermission: 'check',
  };
  const INCLUDES = { check: ['check'], read: ['check', 'read'], admin: ['check', 'read', 'admin'] };

  it('the .proto has exactly these methods', () => {
    const service = (client.constructor as unknown as { service: Record<string, unknown> }).service;
    expect(Object.keys(service).sort()).toEqual(Object.keys(NEEDS).sort());
  });

  for (const [level, key] of [
    ['check', CHECK],
    ['read', READ],
    ['admin', ADMIN],
  ] as const) {
    it(`a ${level} key may call exactly its methods; PERMISSION_DENIED names the missing scope`, async () => {
      for (const [method, scope] of Object.entries(NEEDS)) {
        // An empty request: allowed methods fail validation (or answer), refused ones never get that far.
        const answer = await rpc(client, method, {}, key);
        if (INCLUDES[level].includes(scope)) {
          expect(answer?.code, `${method} with ${level}`).not.toBe(grpc.status.PERMISSION_DENIED);
          expect(answer?.code, `${method} with ${level}`).not.toBe(grpc.status.INTERNAL);
        } else {
          expect(answer?.code, `${method} with ${level}`).toBe(grpc.status.PERMISSION_DENIED);
          expect(answer.details).toContain(`"${scope}" scope that ${method} needs`);
        }
      }
    });
  }
});

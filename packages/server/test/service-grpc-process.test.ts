/** The gRPC service of a spawned `permissio-server --grpc-port 0` process (#16): the documented flow. */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serviceProtoPath } from '../src/service/grpc.js';
import { parseCli, UsageError } from '../src/cli/args.js';
import { type CliProcess, KEY_A, scopeACliArgs, spawnCli } from './helpers.js';
import { type GrpcClient, grpcClient, PROTO, rpc } from './support/grpc-client.js';

let proc: CliProcess;
let client: GrpcClient;

beforeAll(async () => {
  proc = spawnCli([...scopeACliArgs(undefined, 'silent'), '--db', ':memory:', '--grpc-port', '0']);
  await proc.url;
  let port: string | undefined;
  for (let i = 0; i < 200 && port === undefined; i++) {
    port = /gRPC permissions service on 127\.0\.0\.1:(\d+)/.exec(proc.stdout())?.[1];
    if (port === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(port, proc.stdout()).toBeDefined();
  client = grpcClient(`127.0.0.1:${port}`);
}, 30_000);
afterAll(async () => {
  client?.close();
  proc?.child.kill('SIGTERM');
  await proc?.exit;
});

it('create permissions, a role, grant on /project/456, check with passed/missing, revoke, list', async () => {
  for (const name of ['document.read', 'document.write', 'document.delete']) {
    expect((await rpc(client, 'CreatePermission', { name }, KEY_A)).permission.name).toBe(name);
  }
  const role = { name: 'editor', permissions: ['document.read', 'document.write'] };
  expect((await rpc(client, 'CreateRole', role, KEY_A)).role.permissions).toEqual(role.permissions);
  const grant = { principal_id: 'user123', resource_uri: '/project/456', roles: ['editor'] };
  expect(await rpc(client, 'GrantPermission', grant, KEY_A)).toEqual({});
  const check = { principal_id: 'user123', resource_uri: '/project/456/documents/789' };
  expect(await rpc(client, 'CheckPermission', { ...check, permissions: ['document.read'] }, KEY_A)).toEqual({
    passed: true,
    missing_permissions: [],
  });
  expect(
    await rpc(client, 'CheckPermission', { ...check, permissions: ['document.write', 'document.delete'] }, KEY_A),
  ).toEqual({
    passed: false,
    missing_permissions: [{ resource_uri: '/project/456/documents/789', missing_permissions: ['document.delete'] }],
  });
  expect(await rpc(client, 'RevokePermission', grant, KEY_A)).toEqual({});
  expect((await rpc(client, 'CheckPermission', { ...check, permissions: ['document.read'] }, KEY_A)).passed).toBe(
    false,
  );
  expect((await rpc(client, 'ListPrincipals', {}, KEY_A)).principals).toEqual([{ id: 'user123', type: 'user' }]);
});

it('--grpc-port takes a port number (help names it); without it there is no gRPC port', () => {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
  expect(parseCli(['--grpc-port', '7767'], io)?.grpcPort).toBe(7767);
  expect(parseCli([], io)?.grpcPort).toBeUndefined();
  expect(() => parseCli(['--grpc-port', '70000'], io)).toThrow(UsageError);
  expect(() => parseCli(['--grpc-port', 'abc'], io)).toThrow(/--grpc-port must be an integer/);
  parseCli(['--help'], io);
  expect(lines.join('\n')).toContain('--grpc-port <n>');
});

it('the package exports its .proto (the file the server loads)', () => {
  const resolved = createRequire(import.meta.url).resolve('@permissio/server/permissions_service.proto');
  expect(realpathSync(resolved)).toBe(realpathSync(PROTO));
  expect(realpathSync(serviceProtoPath())).toBe(realpathSync(PROTO));
});

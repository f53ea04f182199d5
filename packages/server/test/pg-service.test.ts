/**
 * The permissions service API on two replicas sharing one real PostgreSQL
 * database (#16): a write through one replica's REST facade is journaled and
 * replicated, and the other replica's gRPC service answers from it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PermissioServer, startServer } from '../src/index.js';
import { KEY_A, SCOPE_A } from './helpers.js';
import { type GrpcClient, grpcClient, rpc } from './support/grpc-client.js';
import { freshDatabase } from './support/test-database.js';

let a: PermissioServer;
let b: PermissioServer;
let client: GrpcClient;

beforeAll(async () => {
  const database = await freshDatabase();
  const start = () =>
    startServer({
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      database,
      apiKeys: [{ key: KEY_A, ...SCOPE_A }],
      rateLimits: false,
      pollInterval: 100,
    });
  [a, b] = await Promise.all([start(), start()]);
  client = grpcClient(`127.0.0.1:${b.grpcPort}`);
});
afterAll(async () => {
  client?.close();
  await Promise.all([a?.close(), b?.close()]);
});

async function facade(server: PermissioServer, path: string, body: unknown) {
  const response = await fetch(`${server.url}/permissions-service/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

it('a grant through replica A (REST) is decided by replica B (gRPC)', async () => {
  expect((await facade(a, '/permissions', { name: 'document.read' })).status).toBe(200);
  expect((await facade(a, '/roles', { name: 'reader', permissions: ['document.read'] })).status).toBe(200);
  const grant = { principal_id: 'user123', resource_uri: '/project/456', roles: ['reader'] };
  expect((await facade(a, '/grant', grant)).status).toBe(200);
  const check = { principal_id: 'user123', resource_uri: '/project/456/documents/789', permissions: ['document.read'] };
  let answer: { passed?: boolean } = {};
  for (let i = 0; i < 100 && answer.passed !== true; i++) {
    answer = await rpc(client, 'CheckPermission', check, KEY_A);
    if (answer.passed !== true) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(answer).toEqual({ passed: true, missing_permissions: [] });
  expect((await rpc(client, 'ListPrincipals', {}, KEY_A)).principals).toEqual([{ id: 'user123', type: 'user' }]);
});

import { createServer as createNetServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ConformanceTarget } from '@permissio/conformance';
import type { Permissio } from '@permissio/core';
import { startServer, type PermissioServer } from '@permissio/server';

export const TOKEN = 'permis_key_integration_0123456789abcdef';
export const PROJECT = 'proj-1';
export const ENVIRONMENT = 'env-1';

/** A real local server on 127.0.0.1:0, in memory, rate limits off. */
export function localServer(
  extraKeys: { key: string; projectId: string; environmentId: string }[] = [],
): Promise<PermissioServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [{ key: TOKEN, projectId: PROJECT, environmentId: ENVIRONMENT }, ...extraKeys],
    rateLimits: false,
  });
}

/** The conformance target of a `Permissio` client: the same operation set, through the client's public API. */
export function clientTarget(permissio: Permissio): ConformanceTarget {
  return {
    check: (r) => permissio.check(r.user, r.action, r.resource, { tenant: r.tenant, context: r.context }),
    checkDetailed: (r) =>
      permissio.checkDetailed(r.user, r.action, r.resource, { tenant: r.tenant, context: r.context }),
    bulkCheck: (requests) => permissio.bulkCheck(requests),
    checkPermissions: (request) => permissio.checkPermissions(request),
    getUserPermissions: (user, uri, options) => permissio.getUserPermissions(user, uri, options),
    grant: (request) => permissio.grant(request),
    revoke: (request) => permissio.revoke(request),
    users: permissio.api.users,
    tenants: permissio.api.tenants,
    roles: permissio.api.roles,
    resources: permissio.api.resources,
    roleAssignments: permissio.api.roleAssignments,
    conditionSets: permissio.api.conditionSets,
    conditionSetRules: permissio.api.conditionSetRules,
    permissions: permissio.api.permissions,
    principals: permissio.api.principals,
    load: (snapshot) => permissio.pdp.load(snapshot),
    export: () => permissio.pdp.export(),
  };
}

/**
 * A TCP proxy on 127.0.0.1:0 in front of `target` that counts HTTP requests
 * (by request lines seen on the client side of each connection).
 */
export async function countingProxy(target: string): Promise<{
  url: string;
  requests: () => string[];
  reset: () => void;
  close: () => Promise<void>;
}> {
  const { hostname, port } = new URL(target);
  let seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    // Minimal HTTP/1.1 request framing (head + Content-Length body) over a keep-alive connection.
    let buffer = Buffer.alloc(0);
    let bodyLeft = 0;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (bodyLeft > 0) {
          const skip = Math.min(bodyLeft, buffer.length);
          buffer = buffer.subarray(skip);
          bodyLeft -= skip;
          if (bodyLeft > 0) return;
        }
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 4);
        const [requestLine = ''] = head.split('\r\n');
        const [method = '', path = ''] = requestLine.split(' ');
        seen.push(`${method} ${path}`);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        bodyLeft = length ? Number(length[1]) : 0;
      }
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests: () => [...seen],
    reset: () => {
      seen = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

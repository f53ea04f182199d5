/**
 * `await permissio.verify()` (issue 11, #3): a startup check against the
 * real local server, a server that is not a PDP, and a closed port.
 */
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Permissio,
  PermissioApiError,
  PermissioAuthenticationError,
  PermissioNetworkError,
  PermissioPermissionError,
} from '@permissio/core';
import { createEngine } from '@permissio/engine';
import type { PermissioServer } from '@permissio/server';
import { ENVIRONMENT, PROJECT, TOKEN, localServer } from './helpers.js';

const OTHER_ENV_KEY = 'permis_key_verify_other_env_000000';
const UNKNOWN_KEY = 'permis_key_verify_unknown_0000000000';

let server: PermissioServer;
const clients: Permissio<boolean>[] = [];
beforeAll(async () => {
  server = await localServer([{ key: OTHER_ENV_KEY, projectId: PROJECT, environmentId: 'other' }]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

function client(options: ConstructorParameters<typeof Permissio>[0]): Permissio<boolean> {
  const permissio = new Permissio(options);
  clients.push(permissio);
  return permissio;
}

async function rejection(promise: Promise<unknown>, secret: string): Promise<Error> {
  const error = await promise.then(
    () => new Error('verify() resolved'),
    (caught: unknown) => caught as Error,
  );
  for (const dump of [error.message, JSON.stringify(error), inspect(error, { depth: Infinity })]) {
    expect(dump).not.toContain(secret);
  }
  return error;
}

describe('permissio.verify()', () => {
  it('resolves for a good key, with or without the project and environment', async () => {
    await expect(client({ token: TOKEN, apiUrl: server.url }).verify()).resolves.toBeUndefined();
    await expect(
      client({ token: TOKEN, apiUrl: server.url, projectId: PROJECT, environmentId: ENVIRONMENT }).verify(),
    ).resolves.toBeUndefined();
  });

  it('resolves for the embedded engine: nothing to verify', async () => {
    await expect(client({ pdp: createEngine() }).verify()).resolves.toBeUndefined();
  });

  it('a wrong key → PermissioAuthenticationError that says so (and never prints the key)', async () => {
    const error = await rejection(client({ token: UNKNOWN_KEY, apiUrl: server.url }).verify(), UNKNOWN_KEY);
    expect(error).toBeInstanceOf(PermissioAuthenticationError);
    expect(error.message).toMatch(/rejected the API key \(401\)/);
    expect(error.message).toContain(new URL(server.url).host);
  });

  it('even with throwOnError: false, verify() rejects', async () => {
    const lenient = client({ token: UNKNOWN_KEY, apiUrl: server.url, throwOnError: false, logger: quiet });
    expect(await rejection(lenient.verify(), UNKNOWN_KEY)).toBeInstanceOf(PermissioAuthenticationError);
  });

  it('a key of another environment than configured → PermissioPermissionError SCOPE_MISMATCH', async () => {
    const permissio = client({
      token: OTHER_ENV_KEY,
      apiUrl: server.url,
      projectId: PROJECT,
      environmentId: ENVIRONMENT,
    });
    const error = await rejection(permissio.verify(), OTHER_ENV_KEY);
    expect(error).toBeInstanceOf(PermissioPermissionError);
    expect(error).toMatchObject({ code: 'SCOPE_MISMATCH' });
    expect(error.message).toMatch(/belongs to project "proj-1", environment "other"/);
  });

  it('a wrong URL on the PDP (a path that 404s) → NOT_A_PDP', async () => {
    const error = await rejection(client({ token: TOKEN, apiUrl: `${server.url}/v1` }).verify(), TOKEN);
    expect(error).toBeInstanceOf(PermissioApiError);
    expect(error).toMatchObject({ code: 'NOT_A_PDP', statusCode: 404 });
    expect(error.message).toMatch(/is not a Permissio PDP: it answered HTTP 404/);
  });

  it('a web server that is not a PDP (200 HTML) → NOT_A_PDP', async () => {
    const web = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Welcome</title>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
      const error = await rejection(client({ token: TOKEN, apiUrl: url }).verify(), TOKEN);
      expect(error).toMatchObject({ code: 'NOT_A_PDP' });
    } finally {
      web.closeAllConnections();
      await new Promise<void>((resolve) => web.close(() => resolve()));
    }
  });

  it('an unreachable PDP (closed port) → PermissioNetworkError naming the host it tried', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const permissio = client({ token: TOKEN, apiUrl: `http://127.0.0.1:${port}`, timeout: 3_000 });
    const error = await rejection(permissio.verify(), TOKEN);
    expect(error).toBeInstanceOf(PermissioNetworkError);
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(error.message).toMatch(/could not be reached \(ECONNREFUSED\)/);
  });
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

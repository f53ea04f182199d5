/**
 * Clients of the matrix's variants: the embedded engine behind a counting
 * wrapper, faulty PDPs, the real `@permissio/server` on loopback over the
 * HTTP transport, and an HTTP transport against a socket that never answers.
 */
import { Permissio, type Pdp } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { startServer, type PermissioServer } from '@permissio/server';
import { policySnapshot } from './fixture.js';
import { countingFetch } from './http.js';
import { startSilentServer } from './silent-server.js';
import { CountingPdp, faultyPdp } from './pdps.js';
import type { VariantClient, VariantConfig } from './types.js';

/** API key of the local test server. */
export const TEST_API_KEY = 'permis_key_adapter_testkit_0123456789abcdef';
export const TEST_PROJECT = 'testkit-project';
export const TEST_ENVIRONMENT = 'testkit-env';

/** A client over the embedded engine loaded with the fixture, counting decision calls. */
export function engineClient(): VariantClient & { pdp: CountingPdp } {
  const pdp = new CountingPdp(createEngine(policySnapshot()) as Pdp);
  return {
    client: new Permissio({ pdp }),
    pdp,
    calls: () => pdp.calls,
    reset: () => pdp.reset(),
    close: async () => {},
  };
}

/** A local `@permissio/server` on 127.0.0.1:0 seeded with the fixture. */
export function startFixtureServer(): Promise<PermissioServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [{ key: TEST_API_KEY, projectId: TEST_PROJECT, environmentId: TEST_ENVIRONMENT }],
    seed: policySnapshot(),
    rateLimits: false,
  });
}

/** A client over HTTP to `url`, counting the HTTP requests it sends. */
export function httpClient(
  url: string,
  options: { checkTimeout?: number; retryAttempts?: number } = {},
): VariantClient {
  const fetch = countingFetch();
  const client = new Permissio({
    token: TEST_API_KEY,
    apiUrl: url,
    projectId: TEST_PROJECT,
    environmentId: TEST_ENVIRONMENT,
    fetch,
    ...options,
  });
  return { client, calls: () => fetch.count, reset: () => fetch.reset(), close: () => client.close() };
}

/** Creates the client of a variant. */
export async function variantClient(config: VariantConfig): Promise<VariantClient> {
  switch (config.pdp) {
    case 'engine':
      return engineClient();
    case 'throw':
    case 'hang':
    case 'malformed': {
      const pdp = new CountingPdp(faultyPdp(createEngine(policySnapshot()) as Pdp, config.pdp));
      return {
        client: new Permissio({ pdp }),
        calls: () => pdp.calls,
        reset: () => pdp.reset(),
        close: async () => {},
      };
    }
    case 'http': {
      const server = await startFixtureServer();
      const http = httpClient(server.url);
      return {
        ...http,
        close: async () => {
          await http.close();
          await server.close();
        },
      };
    }
    case 'http-blackhole': {
      const hole = await startSilentServer();
      const http = httpClient(hole.url, { checkTimeout: 300, retryAttempts: 0 });
      return {
        ...http,
        close: async () => {
          await http.close();
          await hole.close();
        },
      };
    }
  }
}

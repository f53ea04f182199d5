/** The conformance vectors of @permissio/conformance, run against the server over real HTTP. */
import {
  countCheckExpectations,
  loadVectors,
  managementSetUpVariants,
  registerConformanceTests,
} from '@permissio/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type PermissioServer } from '../src/index.js';
import { httpTarget } from './http-target.js';

// The vectors as written, then the ABAC ones with their conditions created through the REST routes.
const vectors = loadVectors();
const all = [...vectors, ...managementSetUpVariants(vectors)];
const keyFor = (i: number) => `permis_key_conformance_${i}_0123456789abcdef`;
const scopeFor = (i: number) => ({ projectId: `conformance-${i}`, environmentId: 'test' });

let server: PermissioServer;
let next = 0;

beforeAll(async () => {
  // One scope (and so one fresh engine) per vector.
  server = await startServer({
    port: 0,
    database: ':memory:',
    rateLimits: false,
    apiKeys: all.map((_, i) => ({ key: keyFor(i), ...scopeFor(i) })),
  });
});
afterAll(() => server.close());

describe('conformance kit', () => {
  it('has vectors', () => {
    expect(vectors.length).toBeGreaterThan(0);
    expect(countCheckExpectations(vectors)).toBeGreaterThan(0);
  });
});

registerConformanceTests(
  { describe, it },
  {
    name: 'conformance over HTTP',
    vectors: all,
    createTarget: () => {
      const i = next++;
      return httpTarget(server.url, keyFor(i), scopeFor(i));
    },
  },
);

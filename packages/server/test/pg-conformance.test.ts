/** The conformance vectors of @permissio/conformance against a server on PostgreSQL, over real HTTP. */
import { loadVectors, registerConformanceTests } from '@permissio/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type PermissioServer, startServer } from '../src/index.js';
import { httpTarget } from './http-target.js';
import { freshDatabase } from './support/test-database.js';

const vectors = loadVectors();
const keyFor = (i: number) => `permis_key_conformance_${i}_0123456789abcdef`;
const scopeFor = (i: number) => ({ projectId: `conformance-${i}`, environmentId: 'test' });

let server: PermissioServer;
let next = 0;

beforeAll(async () => {
  // One scope (and so one fresh engine and journal) per vector.
  server = await startServer({
    port: 0,
    database: await freshDatabase(),
    rateLimits: false,
    apiKeys: vectors.map((_, i) => ({ key: keyFor(i), ...scopeFor(i) })),
  });
});
afterAll(() => server.close());

registerConformanceTests(
  { describe, it },
  {
    name: 'conformance over HTTP on PostgreSQL',
    vectors,
    createTarget: () => {
      const i = next++;
      return httpTarget(server.url, keyFor(i), scopeFor(i));
    },
  },
);

/**
 * The same invariant through the network: plans asked of a real local server
 * (`POST …/plan`) over loopback HTTP with the `Permissio` client, turned into
 * SQL on SQLite and compared with the embedded engine's checks, row by row.
 * Also: `RequestScope.plan` memoises, and the client fails closed.
 */
import { Permissio } from '@permissio/core';
import type { ResourcePlan } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The server is not a dependency of this package: its source is imported directly (workspace).
import { startServer } from '../../server/src/index.js';
import type { PermissioServer } from '../../server/src/index.js';
import { compareAll, sqliteRunner } from './support/differential.js';
import { generateWorld, mulberry32 } from './support/generate.js';
import { createTable } from './support/sqlite.js';

const TOKEN = 'permis_key_filter_test_0123456789abcdef';
const world = generateWorld(mulberry32(7), 20, 400);
let server: PermissioServer;
let permissio: Permissio;

beforeAll(async () => {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    apiKeys: [{ key: TOKEN, projectId: 'p', environmentId: 'e' }],
    rateLimits: false,
  });
  permissio = new Permissio({ token: TOKEN, apiUrl: server.url, projectId: 'p', environmentId: 'e' });
  await permissio.pdp.load(world.snapshot);
});

afterAll(async () => {
  await permissio?.close();
  await server?.close();
});

describe('plan over HTTP', () => {
  it('the server plan selects exactly the rows the check allows (20 users × 3 actions × 400 rows)', async () => {
    const engine = createEngine(world.snapshot);
    const db = createTable(world.rows);
    try {
      const tally = await compareAll(
        engine,
        world,
        (s, action) => permissio.plan(s.user, action, 'doc', { tenant: s.tenant, context: s.context }),
        { sqlite: sqliteRunner(db) },
        20,
      );
      if (tally.disagreements.length > 0) throw new Error(tally.disagreements.join('\n'));
      expect(tally.plans.conditional).toBeGreaterThan(0);
      expect(tally.allowed).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('answers the same plan as the embedded engine', async () => {
    const engine = createEngine(world.snapshot);
    for (const u of world.users.slice(0, 10)) {
      const options = { tenant: u.tenant, context: u.context };
      expect(await permissio.plan(u.key, 'read', 'doc', options)).toEqual(engine.plan(u.key, 'read', 'doc', options));
    }
  });

  it('RequestScope.plan asks the PDP once per question', async () => {
    const scope = permissio.createRequestScope({ user: world.users[0]?.key as string, tenant: world.users[0]?.tenant });
    const [a, b] = await Promise.all([scope.plan('read', 'doc'), scope.plan('read', 'doc')]);
    expect(a).toEqual(b);
    await scope.plan('write', 'doc');
    expect(scope.stats.pdpCalls).toBe(2);
    expect(scope.stats.hits).toBe(1);
  });

  it('rejects invalid input with a validation error (422), never a plan', async () => {
    await expect(permissio.plan('u0', 'read', 'bad:type')).rejects.toMatchObject({
      statusCode: 422,
      code: 'VALIDATION_ERROR',
    });
  });

  it('fails closed: with throwOnError false an unreachable PDP plans never', async () => {
    const offline = new Permissio({
      token: TOKEN,
      apiUrl: 'http://127.0.0.1:9',
      projectId: 'p',
      environmentId: 'e',
      throwOnError: false,
      retryAttempts: 0,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const plan: ResourcePlan = await offline.plan('u0', 'read', 'doc');
    expect(plan).toEqual({ kind: 'never' });
    await offline.close();
  });
});

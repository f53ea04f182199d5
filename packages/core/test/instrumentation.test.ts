/**
 * The `instrumentation` option (issue 15): which operations are reported,
 * with what, in which nesting (run), on the client, request scopes, the
 * adapters' Authorizer and the HTTP transport (a real socket that answers a
 * retryable status once); option validation; an instrumentation that throws
 * changes no decision.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { Authorizer } from '../src/adapter/authorizer.js';
import { type OperationEnd, type OperationStart, Permissio, type PermissioInstrumentation } from '../src/index.js';
import { fakePdp } from './fake-pdp.js';
import { BASE, httpServer, json, TOKEN } from './helpers.js';

/**
 * A real instrumentation that records starts, ends and inside which operation
 * each started (the active one follows async continuations, as with an
 * OpenTelemetry context manager).
 */
function recorder() {
  const log: string[] = [];
  const active = new AsyncLocalStorage<string>();
  let next = 0;
  const instrumentation: PermissioInstrumentation = {
    start(op: OperationStart) {
      const id = `${op.kind}#${next++}`;
      const parent = active.getStore();
      log.push(`start ${id} ${JSON.stringify({ ...op, kind: undefined })}${parent ? ` in ${parent}` : ''}`);
      return {
        run: (fn) => active.run(id, fn),
        end(outcome: OperationEnd) {
          const shown = 'error' in outcome ? { ...outcome, error: (outcome.error as Error).message } : outcome;
          log.push(`end ${id} ${JSON.stringify(shown)}`);
        },
      };
    },
  };
  return { log, instrumentation };
}

describe('instrumentation', () => {
  it('reports a scope check (run around the PDP call), a cache hit, and a failure', async () => {
    const { log, instrumentation } = recorder();
    const pdp = fakePdp({ kind: 'embedded', sync: true, fail: (r) => r.action === 'boom' }).pdp;
    const client = new Permissio({ pdp, instrumentation });
    const scope = client.createRequestScope({ user: 'admin', tenant: 't' });
    expect(await scope.check('read', { type: 'doc', key: 'd1' })).toBe(true);
    expect(await scope.check('read', { type: 'doc', key: 'd1' })).toBe(true);
    await expect(scope.check('boom', 'doc')).rejects.toThrow('pdp down');
    expect(log).toEqual([
      'start check#0 {"user":"admin","action":"read","resourceType":"doc","tenant":"t"}',
      'end check#0 {"allowed":true,"cacheHit":false,"source":"pdp"}',
      'start check#1 {"user":"admin","action":"read","resourceType":"doc","tenant":"t"}',
      'end check#1 {"allowed":true,"cacheHit":true,"source":"cache"}',
      'start check#2 {"user":"admin","action":"boom","resourceType":"doc","tenant":"t"}',
      'end check#2 {"error":"pdp down"}',
    ]);
  });

  it('a batching scope: the bulk call is its own operation, not nested in the first check', async () => {
    const { log, instrumentation } = recorder();
    const client = new Permissio({ pdp: fakePdp({ kind: 'remote' }).pdp, instrumentation });
    const scope = client.createRequestScope({ user: 'admin' });
    await Promise.all([scope.check('a', 'doc'), scope.check('b', 'doc')]);
    expect(log).toEqual([
      'start check#0 {"user":"admin","action":"a","resourceType":"doc"}',
      'start check#1 {"user":"admin","action":"b","resourceType":"doc"}',
      'start bulk_check#2 {"size":2}',
      'end bulk_check#2 {"allowedCount":2}',
      'end check#0 {"allowed":true,"cacheHit":false,"source":"batch"}',
      'end check#1 {"allowed":true,"cacheHit":false,"source":"batch"}',
    ]);
  });

  it("the Authorizer reports the guard's check with the route; its own instrumentation replaces the client's", async () => {
    const client = recorder();
    const own = recorder();
    const permissio = new Permissio({
      pdp: fakePdp({ kind: 'embedded', sync: true }).pdp,
      instrumentation: client.instrumentation,
    });
    const authorizer = new Authorizer<{ user: string }>(
      { client: permissio, user: (req) => req.user, instrumentation: own.instrumentation },
      'test',
    );
    authorizer.routeOf = () => ({ method: 'GET', path: '/docs/:id' });
    const context = authorizer.begin({ user: 'nobody' });
    expect(await authorizer.authorize(context, { user: 'nobody' }, 'read', 'doc')).toMatchObject({ status: 403 });
    expect(own.log).toEqual([
      'start check#0 {"user":"nobody","action":"read","resourceType":"doc","route":{"method":"GET","path":"/docs/:id"}}',
      'end check#0 {"allowed":false,"cacheHit":false,"source":"pdp"}',
    ]);
    expect(client.log).toEqual([]);
    expect(
      () => new Authorizer({ client: permissio, user: () => 'x', instrumentation: { start: 1 } as never }, 'test'),
    ).toThrow(/@permissio\/test: option "instrumentation" must be an object with a start\(operation\) method/);
  });

  it('HttpPdp: one http operation per attempt (a retry is one more), inside the check, host/port/path only', async () => {
    const server = await httpServer((_req, res, index) => {
      if (index === 0) json(res, 503, { error: { code: 'UNAVAILABLE', message: 'busy' } }, { 'retry-after': '0' });
      else json(res, 200, { allowed: true });
    });
    try {
      const { log, instrumentation } = recorder();
      const client = new Permissio({
        token: TOKEN,
        apiUrl: server.url,
        projectId: 'p1',
        environmentId: 'e1',
        instrumentation,
      });
      expect(await client.check('alice', 'read', 'doc')).toBe(true);
      await client.close();
      const port = Number(new URL(server.url).port);
      const http = `{"method":"POST","host":"127.0.0.1","port":${port},"path":"${BASE}/check"}`;
      expect(log).toEqual([
        'start check#0 {"user":"alice","action":"read","resourceType":"doc"}',
        `start http#1 ${http} in check#0`,
        'end http#1 {"status":503}',
        `start http#2 ${http} in check#0`,
        'end http#2 {"status":200}',
        'end check#0 {"allowed":true,"cacheHit":false,"source":"pdp"}',
      ]);
      expect(log.join('\n')).not.toContain(TOKEN);
    } finally {
      await server.close();
    }
  });

  it('an instrumentation that throws everywhere changes no decision', async () => {
    const { pdp } = fakePdp({ kind: 'embedded', sync: true });
    const thrower: PermissioInstrumentation = {
      start: () => {
        throw new Error('tracer bug');
      },
    };
    const client = new Permissio({ pdp, instrumentation: thrower });
    expect(await client.check('admin', 'read', 'doc')).toBe(true);
    expect(await client.check('bob', 'read', 'doc')).toBe(false);
    expect(await client.createRequestScope({ user: 'admin' }).check('read', 'doc')).toBe(true);
    expect(() => new Permissio({ pdp, instrumentation: { start() {}, onDecision: 'no' } as never })).toThrow(
      /"instrumentation.onDecision" must be a function/,
    );
  });
});

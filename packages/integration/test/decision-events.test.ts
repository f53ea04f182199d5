/**
 * `onDecision` (issue 15 item 1): one event per decision of the client and of
 * its request scopes, with the real embedded engine.
 */
import { describe, expect, it, vi } from 'vitest';
import { Permissio, type DecisionEvent, type Logger, type PolicySnapshot } from '@permissio/core';
import { createEngine } from '@permissio/engine';

function policy(): PolicySnapshot {
  return {
    resources: [{ key: 'document', name: 'Document', actions: ['read', 'write', 'delete'] }],
    roles: [
      { key: 'viewer', name: 'Viewer', permissions: ['document:read'] },
      { key: 'editor', name: 'Editor', permissions: ['document:write'], extends: ['viewer'] },
    ],
    tenants: [{ key: 'acme', name: 'Acme' }],
    users: [{ key: 'alice' }, { key: 'bob' }],
    roleAssignments: [
      { user: 'alice', role: 'editor', tenant: 'acme' },
      { user: 'bob', role: 'viewer', tenant: 'acme' },
    ],
  } as PolicySnapshot;
}

function silentLogger() {
  const error = vi.fn<(message: string) => void>();
  const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error };
  return { logger, error };
}

function client(onDecision?: (event: DecisionEvent) => void, logger?: Logger): Permissio {
  return new Permissio({
    pdp: createEngine(policy()),
    ...(onDecision === undefined ? {} : { onDecision }),
    ...(logger === undefined ? {} : { logger }),
  });
}

describe('onDecision on the client', () => {
  it('reports check, checkDetailed and bulkCheck with source, latency and explanation', async () => {
    const events: DecisionEvent[] = [];
    const permissio = client((e) => events.push(e));
    expect(await permissio.check('alice', 'write', { type: 'document', key: 'd1' }, { tenant: 'acme' })).toBe(true);
    const detailed = await permissio.checkDetailed('bob', 'write', 'document', { tenant: 'acme' });
    expect(detailed?.allowed).toBe(false);
    expect(
      await permissio.bulkCheck([
        { user: 'bob', action: 'read', resource: 'document', tenant: 'acme' },
        { user: 'bob', action: 'delete', resource: { type: 'document', key: 'd2', tenant: 'acme' } },
      ]),
    ).toEqual([true, false]);

    expect(events).toHaveLength(4);
    const [check, explained, bulkA, bulkB] = events as [DecisionEvent, DecisionEvent, DecisionEvent, DecisionEvent];
    expect(check).toMatchObject({
      user: 'alice',
      action: 'write',
      resource: { type: 'document', key: 'd1' },
      tenant: 'acme',
      allowed: true,
      source: 'pdp',
    });
    expect(check.reason).toBeUndefined();
    expect(check.route).toBeUndefined();
    expect(explained).toMatchObject({ user: 'bob', allowed: false, reason: detailed?.reason, source: 'pdp' });
    expect(bulkA).toMatchObject({ action: 'read', allowed: true, source: 'batch' });
    expect(bulkB).toMatchObject({ action: 'delete', allowed: false, source: 'batch', tenant: 'acme' });
    expect(bulkB.resource).toEqual({ type: 'document', key: 'd2', tenant: 'acme' });
    for (const event of events) {
      expect(event.latencyMs).toBeGreaterThanOrEqual(0);
      expect(Math.abs(event.timestamp - Date.now())).toBeLessThan(60_000);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
  });

  it('explains an allow with via', async () => {
    const events: DecisionEvent[] = [];
    await client((e) => events.push(e)).checkDetailed('alice', 'read', 'document', { tenant: 'acme' });
    expect(events[0]?.via).toMatchObject({ role: 'editor', permission: 'document:read' });
  });

  it('a throwing listener changes no decision and is reported once', async () => {
    const { logger, error } = silentLogger();
    const permissio = client(() => {
      throw new Error('listener broke');
    }, logger);
    const plain = client();
    const questions: [string, string][] = [
      ['alice', 'write'],
      ['bob', 'write'],
      ['bob', 'read'],
      ['alice', 'delete'],
    ];
    for (const [user, action] of questions) {
      const expected = await plain.check(user, action, 'document', { tenant: 'acme' });
      expect(await permissio.check(user, action, 'document', { tenant: 'acme' })).toBe(expected);
      const scope = permissio.createRequestScope({ user, tenant: 'acme' });
      expect(await scope.check(action, 'document')).toBe(expected);
      expect((await scope.checkDetailed(action, 'document')).allowed).toBe(expected);
    }
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]?.[0])).toContain('listener broke');
  });

  it('rejects a non-function onDecision', () => {
    expect(() => new Permissio({ pdp: createEngine(policy()), onDecision: 42 as never })).toThrow(/onDecision/);
  });
});

describe('onDecision on request scopes', () => {
  it('reports a miss as pdp and a memoised answer as cache', async () => {
    const events: DecisionEvent[] = [];
    const scope = client((e) => events.push(e)).createRequestScope({ user: 'alice', tenant: 'acme' });
    await scope.check('write', 'document');
    await scope.check('write', 'document');
    await scope.check('delete', 'document');
    expect(events.map((e) => [e.action, e.allowed, e.source])).toEqual([
      ['write', true, 'pdp'],
      ['write', true, 'cache'],
      ['delete', false, 'pdp'],
    ]);
  });

  it('reports batched checks as batch, a lone batched check as pdp, a joined in-flight check as cache', async () => {
    const events: DecisionEvent[] = [];
    const permissio = client((e) => events.push(e));
    const scope = permissio.createRequestScope({ user: 'bob', tenant: 'acme', batching: true });
    const answers = await Promise.all([
      scope.check('read', 'document'),
      scope.check('write', 'document'),
      scope.check('read', 'document'),
    ]);
    expect(answers).toEqual([true, false, true]);
    await scope.check('delete', { type: 'document', key: 'x' });
    expect(scope.stats).toMatchObject({ pdpCalls: 2, batches: 1 });
    expect(events.map((e) => [e.action, e.source]).sort()).toEqual(
      [
        ['read', 'batch'],
        ['write', 'batch'],
        ['read', 'cache'],
        ['delete', 'pdp'],
      ].sort(),
    );
  });

  it('checkDetailed through a scope carries the reason, then answers from the cache', async () => {
    const events: DecisionEvent[] = [];
    const scope = client((e) => events.push(e)).createRequestScope({ user: 'bob', tenant: 'acme' });
    const first = await scope.checkDetailed('write', 'document');
    await scope.checkDetailed('write', 'document');
    expect(events.map((e) => [e.source, e.reason])).toEqual([
      ['pdp', first.reason],
      ['cache', first.reason],
    ]);
  });

  it('carries user and resource attributes and the context for the decision log', async () => {
    const events: DecisionEvent[] = [];
    const scope = client((e) => events.push(e)).createRequestScope();
    await scope.check(
      { key: 'alice', attributes: { department: 'eng' } },
      'read',
      { type: 'document', key: 'd', attributes: { owner: 'alice' } },
      { tenant: 'acme', context: { ip: '10.0.0.1' } },
    );
    expect(events[0]).toMatchObject({
      user: 'alice',
      userAttributes: { department: 'eng' },
      resource: { type: 'document', key: 'd', attributes: { owner: 'alice' } },
      context: { ip: '10.0.0.1' },
    });
  });

  it('without a listener, scopes behave as before', async () => {
    const scope = client().createRequestScope({ user: 'alice', tenant: 'acme' });
    expect(await scope.check('write', 'document')).toBe(true);
    expect(await scope.check('write', 'document')).toBe(true);
    expect(scope.stats).toEqual({ hits: 1, misses: 1, pdpCalls: 1, batches: 0 });
  });
});

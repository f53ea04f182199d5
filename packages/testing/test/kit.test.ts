import { Permissio, PermissioError, PermissioNetworkError, PermissioTimeoutError } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compileAllowed,
  createTestPermissio,
  DecisionAssertionError,
  FaultablePdp,
  type TestPermissio,
} from '../src/index.js';

const POLICY = {
  resources: [{ key: 'document', actions: ['read', 'write'] }],
  roles: [{ key: 'viewer', permissions: ['document:read'] }],
  tenants: [{ key: 'acme' }],
  users: [{ key: 'bob' }],
  roleAssignments: [{ user: 'bob', role: 'viewer', tenant: 'acme' }],
};

let testing: TestPermissio | undefined;
afterEach(async () => {
  await testing?.close();
  testing = undefined;
});

describe('createTestPermissio from allowed tuples', () => {
  it('a tenant-wide tuple allows every instance of the type in its tenant only, through a real role', async () => {
    testing = createTestPermissio({ allow: [{ user: 'alice', action: 'read', resource: 'document', tenant: 'acme' }] });
    const { client } = testing;
    expect(await client.check('alice', 'read', 'document', { tenant: 'acme' })).toBe(true);
    expect(await client.check('alice', 'read', { type: 'document', key: 'doc-9', tenant: 'acme' })).toBe(true);
    expect(await client.check('alice', 'read', 'document')).toBe(false); // default tenant
    expect(await client.check('alice', 'write', 'document', { tenant: 'acme' })).toBe(false);
    expect(await client.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(false);
    const decision = await client.checkDetailed('alice', 'read', 'document', { tenant: 'acme' });
    expect(decision).toMatchObject({ allowed: true, reason: 'role', via: { role: 'allowed:document:read' } });
  });

  it('an instance tuple is a direct grant on that instance only', async () => {
    testing = createTestPermissio({ allow: [['alice', 'write', 'document:doc-1']] });
    const { client } = testing;
    expect(await client.check('alice', 'write', { type: 'document', key: 'doc-1' })).toBe(true);
    expect(await client.check('alice', 'write', { type: 'document', key: 'doc-2' })).toBe(false);
    expect(await client.check('alice', 'write', 'document')).toBe(false);
    expect(await client.checkDetailed('alice', 'write', { type: 'document', key: 'doc-1' })).toMatchObject({
      reason: 'direct_grant',
    });
  });

  it('a URI tuple covers the resources under the URI', async () => {
    testing = createTestPermissio({
      allow: [{ user: 'dave', action: 'read', resource: { type: 'document', uri: '/projects/p1' } }],
    });
    const { client } = testing;
    expect(await client.check('dave', 'read', { type: 'document', uri: '/projects/p1/documents/d1' })).toBe(true);
    expect(await client.check('dave', 'read', { type: 'document', uri: '/projects/p2/documents/d1' })).toBe(false);
  });

  it('tuples add to a policy, and allow() adds more at runtime', async () => {
    testing = createTestPermissio({
      policy: POLICY,
      allow: [{ user: 'alice', action: 'write', resource: 'document:doc-1', tenant: 'acme' }],
    });
    const { client } = testing;
    expect(await client.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(true);
    expect(await client.check('alice', 'write', { type: 'document', key: 'doc-1', tenant: 'acme' })).toBe(true);
    expect(await client.check('carol', 'share', 'document')).toBe(false);
    testing.allow({ user: 'carol', action: 'share', resource: 'document' });
    expect(await client.check('carol', 'share', 'document')).toBe(true);
    expect(await client.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(true);
    testing.load({});
    expect(await client.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(false);
  });

  it('malformed tuples and options are refused with a message naming them', () => {
    expect(() => compileAllowed([{ user: 'a', action: 'read', resource: '/projects/p1' }])).toThrow(
      /tuple #1: a URI resource needs its type/,
    );
    expect(() => compileAllowed([{ user: '', action: 'read', resource: 'document' }])).toThrow(/"user" must be/);
    expect(() => compileAllowed([['a', 'read', 'document:']])).toThrow(
      /must be a type \("document"\) or "<type>:<key>"/,
    );
    expect(() =>
      compileAllowed([{ user: 'a', action: 'read', resource: { type: 'document', key: 'k', uri: '/p' } }]),
    ).toThrow(/a "key" or a "uri", not both/);
    expect(() => compileAllowed([{ user: 'a', action: 'read', resource: null as never }])).toThrow(
      /"resource" must be/,
    );
    expect(() => compileAllowed([null as never])).toThrow(/tuple #1: expected \{user, action, resource\}/);
    expect(() => compileAllowed({} as never)).toThrow(/"allow" must be an array/);
    expect(() => createTestPermissio({ policies: {} } as never)).toThrow(/unknown option "policies"/);
    expect(() => createTestPermissio([] as never)).toThrow(/takes options like \{ policy \}/);
    expect(() => createTestPermissio({ policy: { roles: [{ key: 'r', permissions: ['nope:read'] }] } })).toThrow(
      PermissioError,
    );
  });
});

describe('the decision recorder', () => {
  it('records every decision and asserts on it, listing what was recorded when it fails', async () => {
    testing = createTestPermissio({ policy: POLICY });
    const { client, recorder } = testing;
    await client.check('bob', 'read', { type: 'document', key: 'doc-1', tenant: 'acme' });
    await client.check('bob', 'write', 'document', { tenant: 'acme' });
    expect(recorder.decisions).toHaveLength(2);
    expect(recorder.assertAllowed({ user: 'bob', action: 'read', resource: 'document:doc-1' }).tenant).toBe('acme');
    recorder.assertDenied({ user: 'bob', action: 'write', tenant: 'acme' });
    recorder.assertChecked({ resource: { type: 'document' } });
    recorder.assertNotChecked({ user: 'alice' });

    let error: unknown;
    try {
      recorder.assertDenied({ user: 'bob', action: 'read' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DecisionAssertionError);
    const message = (error as Error).message;
    expect(message).toContain('Expected a denied decision matching {user: "bob", action: "read"}');
    expect(message).toContain('1 matching decision was allowed');
    expect(message).toContain('1. allowed bob read document:doc-1 (tenant acme)');
    expect(message).toContain('2. denied  bob write document (tenant acme)');
    expect(() => recorder.assertNotChecked()).toThrow(/Expected no decision matching \{\}/);

    recorder.clear();
    expect(recorder.decisions).toEqual([]);
    expect(() => recorder.assertChecked({ user: 'bob' })).toThrow(/No decisions were recorded/);
    expect(() => recorder.assertChecked({ usr: 'bob' } as never)).toThrow(/unknown match field "usr"/);
  });

  it('records request-scope decisions and checkDetailed reasons, and chains a user listener', async () => {
    const seen: string[] = [];
    testing = createTestPermissio({ policy: POLICY, onDecision: (event) => seen.push(event.action) });
    const scope = testing.client.createRequestScope({ user: 'bob', tenant: 'acme' });
    await scope.check('read', 'document');
    await testing.client.checkDetailed('bob', 'write', 'document', { tenant: 'acme' });
    expect(seen).toEqual(['read', 'write']);
    expect(testing.recorder.assertDenied({ action: 'write' }).reason).toBe('no_matching_grant');
  });
});

describe('fault switches', () => {
  it('unavailable, timeout and malformed reject like a remote PDP; heal() answers again', async () => {
    testing = createTestPermissio({ policy: POLICY });
    const { client } = testing;
    testing.fault('unavailable');
    expect(testing.currentFault).toBe('unavailable');
    await expect(client.check('bob', 'read', 'document', { tenant: 'acme' })).rejects.toBeInstanceOf(
      PermissioNetworkError,
    );
    await expect(client.verify()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    testing.fault('timeout');
    await expect(client.checkDetailed('bob', 'read', 'document')).rejects.toBeInstanceOf(PermissioTimeoutError);
    testing.fault('malformed');
    await expect(client.check('bob', 'read', 'document')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
    await expect(client.bulkCheck([{ user: 'bob', action: 'read', resource: 'document' }])).rejects.toBeInstanceOf(
      PermissioError,
    );
    await expect(client.getUserPermissions('bob', '/x')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
    expect(testing.recorder.decisions).toEqual([]); // a failure is not a decision
    // Management calls still reach the engine, so a test can arrange data while the PDP is down.
    await client.api.users.create({ key: 'carol' });
    await client.assignRole('carol', 'viewer', { tenant: 'acme' });
    testing.heal();
    expect(testing.currentFault).toBeUndefined();
    expect(await client.check('carol', 'read', 'document', { tenant: 'acme' })).toBe(true);
  });

  it('FaultablePdp switches any PDP, for a client built by hand', async () => {
    const pdp = new FaultablePdp(createEngine(POLICY));
    const client = new Permissio({ pdp });
    pdp.fault('unavailable', { times: 2 });
    expect(pdp.currentFault).toBe('unavailable');
    await expect(client.check('bob', 'read', 'document', { tenant: 'acme' })).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
    });
    await expect(client.verify()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(pdp.currentFault).toBeUndefined(); // times: 2 is spent
    expect(await client.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(true);
    pdp.fault('malformed');
    pdp.heal();
    await expect(client.verify()).resolves.toBeUndefined();
  });

  it('plan and checkPermissions fail too; everything else reaches the engine', async () => {
    testing = createTestPermissio({ policy: POLICY });
    const { client, engine } = testing;
    const read = { user: 'bob', resourceUris: ['document:d1'], permissions: ['document:read'], tenant: 'acme' };
    expect(await client.plan('bob', 'read', 'document', { tenant: 'acme' })).toEqual({ kind: 'always' });
    expect(await client.checkPermissions(read)).toMatchObject({ passed: true });
    const write = { user: 'bob', resourceUri: 'document:d1', permissions: ['document:write'], tenant: 'acme' };
    await client.grant(write);
    expect(await client.check('bob', 'write', { type: 'document', key: 'd1', tenant: 'acme' })).toBe(true);
    await client.revoke(write);
    expect(await client.check('bob', 'write', { type: 'document', key: 'd1', tenant: 'acme' })).toBe(false);
    expect((await client.api.users.list()).data.map((u) => u.key)).toEqual(['bob']);
    expect((await client.api.tenants.get('acme')).key).toBe('acme');
    expect((await client.api.roles.get('viewer')).permissions).toEqual(['document:read']);
    expect((await client.api.resources.get('document')).actions.map((a) => a.key)).toEqual(['read', 'write']);
    expect((await client.api.roleAssignments.list()).total).toBe(1);
    expect((await client.api.conditionSets.list()).total).toBe(0);
    expect((await client.api.conditionSetRules.list()).total).toBe(0);
    const snapshot = await client.pdp.export();
    await client.pdp.load({});
    expect(await client.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(false);
    await client.pdp.load(snapshot);
    expect(engine.exportSync().roleAssignments).toHaveLength(1);

    for (const fault of ['unavailable', 'timeout', 'malformed'] as const) {
      testing.fault(fault);
      await expect(client.plan('bob', 'read', 'document', { tenant: 'acme' })).rejects.toBeInstanceOf(PermissioError);
      await expect(client.checkPermissions(read)).rejects.toBeInstanceOf(PermissioError);
    }
  });

  it('times fails only the next calls; afterMs delays the timeout; throwOnError: false denies', async () => {
    testing = createTestPermissio({ policy: POLICY, throwOnError: false, logger: silent() });
    const { client } = testing;
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      testing.fault('timeout', { times: 1, afterMs: 20 });
      let answer: boolean | undefined;
      const pending = client.check('bob', 'read', 'document', { tenant: 'acme' }).then((allowed) => {
        answer = allowed;
      });
      await vi.advanceTimersByTimeAsync(19);
      expect(answer).toBeUndefined(); // still hanging
      await vi.advanceTimersByTimeAsync(1);
      await pending;
      expect(answer).toBe(false); // timed out: denied, never allowed
    } finally {
      vi.useRealTimers();
    }
    expect(await client.check('bob', 'read', 'document', { tenant: 'acme' })).toBe(true); // times: 1 is spent
    expect(() => testing?.fault('down' as never)).toThrow(/unknown fault "down"; use one of "unavailable"/);
    expect(() => testing?.fault('timeout', { times: 0 })).toThrow(/"times" must be a positive integer/);
    expect(() => testing?.fault('timeout', { afterMs: -1 })).toThrow(/"afterMs" must be/);
  });
});

function silent() {
  const ignore = () => {};
  return { debug: ignore, info: ignore, warn: ignore, error: ignore };
}

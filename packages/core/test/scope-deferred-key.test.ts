/**
 * The scope's deferred first answer: on an embedded (synchronous) PDP the
 * first check of a scope is kept without its cache key, which is computed
 * only when a second question arrives. These tests pin that the shortcut is
 * invisible: same hits, same misses, no stale or crossed answers.
 */
import { describe, expect, it } from 'vitest';
import { Permissio, type CheckResource } from '../src/index.js';
import { Authorizer } from '../src/internal.js';
import { fakePdp } from './fake-pdp.js';

function embeddedScope(allow: (resourceKey: string | undefined) => boolean) {
  const { pdp, calls } = fakePdp({
    kind: 'embedded',
    sync: true,
    allow: (request) => allow(typeof request.resource === 'string' ? undefined : request.resource.key),
  });
  const scope = new Permissio({ pdp }).createRequestScope({ user: 'alice', tenant: 'acme' });
  return { scope, calls };
}

describe('RequestScope deferred first answer', () => {
  it('answers a repeat of the first question from the cache', async () => {
    const { scope, calls } = embeddedScope(() => true);
    expect(await scope.check('read', { type: 'document', key: 'd1' })).toBe(true);
    expect(await scope.check('read', { type: 'document', key: 'd1' })).toBe(true);
    expect(calls.check).toBe(1);
    expect(scope.stats).toEqual({ hits: 1, misses: 1, pdpCalls: 1, batches: 0 });
  });

  it('files the first answer under the question asked, even if the caller mutates its resource later', async () => {
    const { scope, calls } = embeddedScope((key) => key === 'allowed-doc');
    const resource: CheckResource = { type: 'document', key: 'allowed-doc' };
    expect(await scope.check('read', resource)).toBe(true);
    resource.key = 'secret-doc';
    expect(await scope.check('read', resource)).toBe(false);
    expect(calls.check).toBe(2);
    expect(await scope.check('read', { type: 'document', key: 'allowed-doc' })).toBe(true);
    expect(calls.check).toBe(2);
  });

  it('never answers a different question from the first answer', async () => {
    const { scope, calls } = embeddedScope((key) => key === 'd1');
    expect(await scope.check('read', { type: 'document', key: 'd1' })).toBe(true);
    expect(await scope.check('write', { type: 'document', key: 'd1' })).toBe(true);
    expect(await scope.check('read', { type: 'document', key: 'd2' })).toBe(false);
    expect(await scope.check('bob', 'read', { type: 'document', key: 'd2' })).toBe(false);
    expect(await scope.check('read', { type: 'document', key: 'd1', tenant: 'globex' })).toBe(true);
    expect(calls.check).toBe(5);
  });

  it('forgets the first answer on clear()', async () => {
    const { scope, calls } = embeddedScope(() => true);
    await scope.check('read', 'document');
    scope.clear();
    await scope.check('read', 'document');
    expect(calls.check).toBe(2);
  });

  it('keeps a failed first check out of the cache', async () => {
    let fail = true;
    const { pdp, calls } = fakePdp({ kind: 'embedded', sync: true, fail: () => fail, allow: () => true });
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'alice' });
    await expect(scope.check('read', 'document')).rejects.toThrow('pdp down');
    fail = false;
    expect(await scope.check('read', 'document')).toBe(true);
    expect(calls.check).toBe(2);
  });

  it('is shared with the Authorizer: a handler re-asking the guard question costs no PDP call', async () => {
    const { pdp, calls } = fakePdp({ kind: 'embedded', sync: true, allow: () => true });
    const authorizer = new Authorizer<{ user: string }>(
      { client: new Permissio({ pdp }), user: (req) => req.user },
      'test',
    );
    const req = { user: 'alice' };
    const context = await authorizer.begin(req);
    const outcome = await authorizer.authorize(context, req, 'read', { type: 'document', key: 'd1' });
    expect(outcome.kind).toBe('allow');
    expect(await context.scope.check('read', { type: 'document', key: 'd1' })).toBe(true);
    expect(calls.check).toBe(1);
    expect(context.scope.stats.hits).toBe(1);
  });

  it('a non-boolean synchronous answer is an error, never an allow', async () => {
    const { pdp } = fakePdp({ kind: 'embedded', sync: true });
    (pdp as { check: unknown }).check = () => 1;
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'alice' });
    await expect(scope.check('read', 'document')).rejects.toThrow(/non-boolean/);
  });
});

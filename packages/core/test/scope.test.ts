import { describe, expect, it } from 'vitest';
import { Permissio, PermissioValidationError, RequestScope } from '../src/index.js';
import { fakePdp } from './fake-pdp.js';

describe('RequestScope', () => {
  it('sends checks started in the same tick as ONE bulkCheck', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'alice', tenant: 'acme' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => scope.check('read', { type: 'document', key: `d${i}` })),
    );
    expect(answers).toEqual(Array(10).fill(false));
    expect(calls.bulkCheck).toBe(1);
    expect(calls.check).toBe(0);
    expect(calls.bulkSizes).toEqual([10]);
    expect(scope.stats).toEqual({ hits: 0, misses: 10, pdpCalls: 1, batches: 1 });
    expect(calls.requests[0]).toEqual({
      user: 'alice',
      action: 'read',
      resource: { type: 'document', key: 'd0' },
      tenant: 'acme',
      context: undefined,
    });
  });

  it('asks the same question once: memoised and de-duplicated in flight', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'admin-1' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => scope.check('read', 'document')));
    expect(answers).toEqual(Array(10).fill(true));
    expect(await scope.check('read', 'document')).toBe(true);
    expect(calls.check + calls.bulkCheck).toBe(1);
    expect(calls.check).toBe(1); // a batch of one uses pdp.check
    expect(scope.stats).toEqual({ hits: 10, misses: 1, pdpCalls: 1, batches: 0 });
  });

  it('splits batches beyond maxBatchSize', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'u', maxBatchSize: 100 });
    await Promise.all(Array.from({ length: 250 }, (_, i) => scope.check('read', { type: 'doc', key: String(i) })));
    expect(calls.bulkSizes).toEqual([100, 100, 50]);
    expect(scope.stats.pdpCalls).toBe(3);
  });

  it('checks in different ticks go in different calls', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'u' });
    await scope.check('read', 'a');
    await scope.check('read', 'b');
    expect(calls.check).toBe(2);
  });

  it('never caches errors: a failed entry is evicted and a retry asks again', async () => {
    let down = true;
    const { pdp, calls } = fakePdp({ fail: () => down });
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'admin' });
    const first = await Promise.allSettled([
      scope.check('read', 'doc'),
      scope.check('read', 'doc'),
      scope.check('write', 'doc'),
    ]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    down = false;
    expect(await scope.check('read', 'doc')).toBe(true);
    expect(calls.bulkCheck + calls.check).toBe(2);
  });

  it('rejects even when the client has throwOnError: false (deny ≠ error)', async () => {
    const { pdp } = fakePdp({ fail: () => true });
    const scope = new Permissio({ pdp, throwOnError: false, logger: silentLogger }).createRequestScope({ user: 'u' });
    await expect(scope.check('read', 'doc')).rejects.toThrow('pdp down');
  });

  it('takes the user explicitly: check(user, action, resource, opts)', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope({ tenant: 't1' });
    expect(await scope.check('admin-x', 'read', 'document')).toBe(true);
    expect(await scope.check({ key: 'bob' }, 'read', { type: 'document' }, { tenant: 't2' })).toBe(false);
    expect(calls.requests.map((r) => r.tenant)).toEqual(['t1', 't2']);
    await expect(scope.check('read', 'document')).rejects.toBeInstanceOf(PermissioValidationError);
  });

  it('the scope tenant is a default: options.tenant wins', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'u', tenant: 'scope' });
    await Promise.all([scope.check('read', 'doc'), scope.check('read', 'doc', { tenant: 'other' })]);
    expect(calls.requests.map((r) => r.tenant)).toEqual(['scope', 'other']);
    expect(scope.stats.misses).toBe(2);
  });

  it('keys on user attributes and context, not on attribute order', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope();
    await Promise.all([
      scope.check({ key: 'u', attributes: { a: 1, b: 2 } }, 'read', 'doc'),
      scope.check({ key: 'u', attributes: { b: 2, a: 1 } }, 'read', 'doc'),
      scope.check({ key: 'u', attributes: { a: 1, b: 3 } }, 'read', 'doc'),
      scope.check('u', 'read', 'doc', { context: { ip: '1' } }),
      scope.check('u', 'read', 'doc', { context: { ip: '2' } }),
    ]);
    expect(calls.bulkSizes).toEqual([4]);
    expect(scope.stats.hits).toBe(1);
  });

  it('embedded PDPs are asked directly (no batching), stats stay meaningful', async () => {
    const { pdp, calls } = fakePdp({ kind: 'embedded', sync: true });
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'admin' });
    const answers = await Promise.all([scope.check('read', 'a'), scope.check('read', 'b'), scope.check('read', 'a')]);
    expect(answers).toEqual([true, true, true]);
    expect(calls.check).toBe(2);
    expect(calls.bulkCheck).toBe(0);
    expect(scope.stats).toEqual({ hits: 1, misses: 2, pdpCalls: 2, batches: 0 });
  });

  it('batching can be forced on for an embedded PDP', async () => {
    const { pdp, calls } = fakePdp({ kind: 'embedded', sync: true });
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'admin', batching: true });
    await Promise.all([scope.check('read', 'a'), scope.check('read', 'b')]);
    expect(calls.bulkCheck).toBe(1);
  });

  it('a non-boolean answer from the PDP is an error, never an allow', async () => {
    const { pdp } = fakePdp({ kind: 'embedded', sync: true });
    (pdp as { check: unknown }).check = () => 'true';
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'u' });
    await expect(scope.check('read', 'a')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
    await expect(new Permissio({ pdp }).check('u', 'read', 'a')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });

  it('checkDetailed is memoised and feeds the boolean cache', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'admin' });
    const [a, b] = await Promise.all([scope.checkDetailed('read', 'doc'), scope.checkDetailed('read', 'doc')]);
    expect(a).toEqual({ allowed: true, reason: 'role' });
    expect(b).toBe(a);
    expect(await scope.check('read', 'doc')).toBe(true);
    expect(calls.checkDetailed).toBe(1);
    expect(calls.check + calls.bulkCheck).toBe(0);
  });

  it('clear() forgets decisions', async () => {
    const { pdp, calls } = fakePdp();
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'u' });
    await scope.check('read', 'doc');
    scope.clear();
    await scope.check('read', 'doc');
    expect(calls.check).toBe(2);
  });

  it('separate scopes never share answers', async () => {
    const { pdp, calls } = fakePdp();
    const permissio = new Permissio({ pdp });
    const s1 = permissio.createRequestScope({ user: 'admin' });
    const s2 = permissio.createRequestScope({ user: 'bob' });
    expect(await Promise.all([s1.check('read', 'doc'), s2.check('read', 'doc')])).toEqual([true, false]);
    expect(calls.check).toBe(2);
    expect(s1.permissio).toBe(permissio);
    expect(s1).toBeInstanceOf(RequestScope);
  });

  it('validates its options', () => {
    const { pdp } = fakePdp();
    const permissio = new Permissio({ pdp });
    expect(() => permissio.createRequestScope({ maxBatchSize: 0 })).toThrow(PermissioValidationError);
    expect(() => permissio.createRequestScope({ user: 42 as unknown as string })).toThrow(PermissioValidationError);
  });
});

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** `Permissio.plan` and `RequestScope.plan` on the embedded engine, and on a PDP without `plan` (fails closed). */
import { Permissio } from '@permissio/core';
import type { Pdp } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { describe, expect, it } from 'vitest';

const policy = {
  resources: [{ key: 'document', actions: ['read'] }],
  roles: [{ key: 'viewer', permissions: ['document:read'] }],
  tenants: [{ key: 'acme' }],
  roleAssignments: [
    { user: 'ann', role: 'viewer', tenant: 'acme', resourceInstance: 'document:d1' },
    { user: 'ann', role: 'viewer' },
  ],
};
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('Permissio.plan / RequestScope.plan', () => {
  it('the scope plans for its user in its tenant (an option wins) and memoises', async () => {
    const engine = createEngine(policy);
    const permissio = new Permissio({ pdp: engine });
    const scope = permissio.createRequestScope({ user: 'ann', tenant: 'acme' });
    const inAcme = { kind: 'conditional', filter: { field: 'key', op: 'in', value: ['d1'], type: 'string' } };
    expect(await scope.plan('read', 'document')).toEqual(inAcme);
    expect(await scope.plan('read', 'document')).toEqual(inAcme);
    expect(await scope.plan('read', 'document', { tenant: 'default' })).toEqual({ kind: 'always' });
    expect(scope.stats).toMatchObject({ hits: 1, misses: 2, pdpCalls: 2 });
    expect(await permissio.plan('ann', 'read', 'document')).toEqual({ kind: 'always' });
    await expect(permissio.createRequestScope({}).plan('read', 'document')).rejects.toThrow(/no user/);
  });

  it('a scope does not cache a failure', async () => {
    const engine = createEngine(policy);
    let fail = true;
    const pdp = new Proxy(engine, {
      get(target, prop, receiver) {
        if (prop === 'plan') {
          return (...args: Parameters<Pdp['check']>) => {
            if (fail) throw new Error('boom');
            return (target.plan as (...a: unknown[]) => unknown)(...args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const scope = new Permissio({ pdp }).createRequestScope({ user: 'ann' });
    await expect(scope.plan('read', 'document')).rejects.toThrow('boom');
    fail = false;
    expect(await scope.plan('read', 'document')).toEqual({ kind: 'always' });
  });

  it('a PDP without plan: UNSUPPORTED, or never with throwOnError false', async () => {
    const engine = createEngine(policy);
    const withoutPlan = new Proxy(engine, {
      get: (target, prop, receiver) => (prop === 'plan' ? undefined : Reflect.get(target, prop, receiver)),
    });
    await expect(new Permissio({ pdp: withoutPlan }).plan('ann', 'read', 'document')).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
    const lenient = new Permissio({ pdp: withoutPlan, throwOnError: false, logger: quiet });
    expect(await lenient.plan('ann', 'read', 'document')).toEqual({ kind: 'never' });
  });
});

/** Issue 11 item 10: adapters reject unknown options with a "did you mean", from one check in core. */
import { describe, expect, it } from 'vitest';
import { Authorizer } from '../src/adapter/authorizer.js';
import { createRegistration } from '../src/adapter/registration.js';
import { assertKnownOptions } from '../src/adapter/unknown-options.js';
import { closestName } from '../src/suggest.js';
import { Permissio } from '../src/client.js';
import type { Pdp } from '../src/types.js';

const pdp = {
  kind: 'embedded',
  check: () => true,
  bulkCheck: (requests: readonly unknown[]) => requests.map(() => true),
  checkDetailed: () => ({ allowed: true, reason: 'role' }),
} as unknown as Pdp;
const valid = { client: new Permissio({ pdp }), user: () => 'alice' };

describe('unknown adapter options', () => {
  it('suggests the closest known name for typos, plural and case slips', () => {
    const known = ['exposeReason', 'failureStatus', 'decisionTimeout', 'tenant'];
    expect(closestName('exposeReasons', known)).toBe('exposeReason');
    expect(closestName('failurestatus', known)).toBe('failureStatus');
    expect(closestName('tennant', known)).toBe('tenant');
    expect(closestName('somethingElse', known)).toBeUndefined();
  });

  it('ignores options given as undefined and lists every unknown one', () => {
    expect(() => assertKnownOptions({ a: 1, b: undefined }, new Set(['a']), 'x')).not.toThrow();
    expect(() =>
      assertKnownOptions({ exposeReasons: true, zzz: 1 }, new Set(['exposeReason']), '@permissio/x'),
    ).toThrow(
      '@permissio/x: unknown options "exposeReasons" (did you mean "exposeReason"?), "zzz"; known options: exposeReason.',
    );
  });

  it('the Authorizer refuses unknown options, accepting the framework extras it is given', () => {
    expect(() => new Authorizer({ ...valid, exposeReasons: true } as never, 'express')).toThrow(TypeError);
    expect(() => new Authorizer({ ...valid, global: false } as never, 'nestjs', undefined, ['global'])).not.toThrow();
    expect(() => new Authorizer({ ...valid, logger: console }, 'hono')).not.toThrow();
    expect(() => new Authorizer({ ...valid, logger: {} } as never, 'hono')).toThrow(/"logger"/);
  });

  it('knows the requireGuard option everywhere and the per-adapter extras only where passed', () => {
    expect(() => new Authorizer({ ...valid, requireGuard: true }, 'hono')).not.toThrow();
    expect(() => new Authorizer({ ...valid, requireGaurd: true } as never, 'hono')).toThrow(
      /"requireGaurd" \(did you mean "requireGuard"\?\)/,
    );
    expect(() => new Authorizer({ ...valid, refusal: 'error' } as never, 'hono')).toThrow(/unknown option "refusal"/);
    expect(
      () => new Authorizer({ ...valid, refusal: 'error' } as never, 'express', undefined, ['refusal']),
    ).not.toThrow();
  });

  it('a registration carries the refusal mode and requireGuard, defaults and invalid values included', () => {
    const plain = createRegistration({ ...valid }, 'hono');
    expect([plain.refusal, plain.requireGuard]).toEqual(['respond', false]);
    const set = createRegistration({ ...valid, requireGuard: true, refusal: 'error' }, 'express', undefined, [
      'refusal',
    ]);
    expect([set.refusal, set.requireGuard]).toEqual(['error', true]);
    expect(() => createRegistration({ ...valid, refusal: 'throw' }, 'express', undefined, ['refusal'])).toThrow(
      /"refusal" must be "respond"/,
    );
    expect(() => createRegistration({ ...valid, requireGuard: 'yes' } as never, 'hono')).toThrow(/"requireGuard"/);
  });
});

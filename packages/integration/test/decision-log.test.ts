/** `createDecisionLog` (issue 15 item 2): JSON lines, sampling, masking, and a failing sink changing nothing. */
import { describe, expect, it, vi } from 'vitest';
import {
  createDecisionLog,
  MASKED,
  Permissio,
  seededRandom,
  type DecisionEvent,
  type Logger,
  type PolicySnapshot,
} from '@permissio/core';
import { createEngine } from '@permissio/engine';

function policy(): PolicySnapshot {
  return {
    resources: [{ key: 'document', name: 'Document', actions: ['read', 'write'] }],
    roles: [{ key: 'viewer', name: 'Viewer', permissions: ['document:read'] }],
    tenants: [{ key: 'acme', name: 'Acme' }],
    users: [{ key: 'alice' }],
    roleAssignments: [{ user: 'alice', role: 'viewer', tenant: 'acme' }],
  } as PolicySnapshot;
}

function sink() {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => lines.push(chunk), parsed: () => lines.map((l) => JSON.parse(l)) };
}

describe('createDecisionLog', () => {
  it('writes one JSON line per decision', async () => {
    const out = sink();
    const permissio = new Permissio({ pdp: createEngine(policy()), onDecision: createDecisionLog({ to: out }) });
    await permissio.check('alice', 'read', 'document', { tenant: 'acme' });
    await permissio.check('alice', 'write', 'document', { tenant: 'acme' });
    expect(out.lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(out.parsed().map((e: DecisionEvent) => [e.action, e.allowed, e.source])).toEqual([
      ['read', true, 'pdp'],
      ['write', false, 'pdp'],
    ]);
  });

  it('samples: all denies and about 1% of allows over 10,000 decisions (seeded)', async () => {
    const out = sink();
    const onDecision = createDecisionLog({ to: out, sample: { allow: 0.01, deny: 1 }, seed: 42 });
    const permissio = new Permissio({ pdp: createEngine(policy()), onDecision });
    for (let i = 0; i < 10_000; i++) {
      await permissio.check(
        'alice',
        i % 2 === 0 ? 'read' : 'write',
        { type: 'document', key: `d${i}` },
        {
          tenant: 'acme',
        },
      );
    }
    const logged = out.parsed() as DecisionEvent[];
    const denies = logged.filter((e) => !e.allowed).length;
    const allows = logged.filter((e) => e.allowed).length;
    expect(denies).toBe(5_000);
    // 5,000 allows at 1%: 50 expected; ±3σ (σ ≈ 7) is 29 … 71.
    expect(allows).toBeGreaterThanOrEqual(29);
    expect(allows).toBeLessThanOrEqual(71);
  });

  it('the same seed samples the same decisions', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(first).size).toBe(5);
  });

  it('sample 0 logs nothing of that outcome', async () => {
    const out = sink();
    const permissio = new Permissio({
      pdp: createEngine(policy()),
      onDecision: createDecisionLog({ to: out, sample: { allow: 0 } }),
    });
    await permissio.check('alice', 'read', 'document', { tenant: 'acme' });
    await permissio.check('alice', 'write', 'document', { tenant: 'acme' });
    expect(out.parsed().map((e: DecisionEvent) => e.allowed)).toEqual([false]);
  });

  it('masks attribute values by key (case-insensitive, nested) in user, resource and context', async () => {
    const out = sink();
    const permissio = new Permissio({
      pdp: createEngine(policy()),
      onDecision: createDecisionLog({ to: out, mask: ['email', 'SSN'] }),
    });
    const scope = permissio.createRequestScope();
    await scope.check(
      { key: 'alice', attributes: { email: 'a@x.test', dept: 'eng', profile: { ssn: '123' } } },
      'read',
      { type: 'document', key: 'd', attributes: { Email: 'owner@x.test', size: 3 } },
      { tenant: 'acme', context: { email: 'c@x.test', ip: '1.2.3.4' } },
    );
    const [event] = out.parsed() as DecisionEvent[];
    expect(event?.userAttributes).toEqual({ email: MASKED, dept: 'eng', profile: { ssn: MASKED } });
    expect(event?.resource.attributes).toEqual({ Email: MASKED, size: 3 });
    expect(event?.context).toEqual({ email: MASKED, ip: '1.2.3.4' });
    expect(out.lines.join('')).not.toContain('x.test');
    expect(out.lines.join('')).not.toContain('123');
  });

  it('writes to a logger as info with the record', async () => {
    const info = vi.fn();
    const logger: Logger = { debug: () => {}, info, warn: () => {}, error: () => {} };
    const permissio = new Permissio({ pdp: createEngine(policy()), onDecision: createDecisionLog({ to: logger }) });
    await permissio.check('alice', 'read', 'document', { tenant: 'acme' });
    expect(info).toHaveBeenCalledWith('permissio.decision', expect.objectContaining({ user: 'alice', allowed: true }));
  });

  it('a sink that throws changes no decision (reported once)', async () => {
    const error = vi.fn();
    const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error };
    const broken = {
      write: () => {
        throw new Error('disk full');
      },
    };
    const permissio = new Permissio({
      pdp: createEngine(policy()),
      logger,
      onDecision: createDecisionLog({ to: broken }),
    });
    for (let i = 0; i < 3; i++) {
      expect(await permissio.check('alice', 'read', 'document', { tenant: 'acme' })).toBe(true);
      expect(await permissio.check('alice', 'write', 'document', { tenant: 'acme' })).toBe(false);
    }
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('rejects bad options', () => {
    expect(() => createDecisionLog({ to: {} as never })).toThrow(/"to"/);
    expect(() => createDecisionLog({ to: sink(), sample: { allow: 2 } })).toThrow(/sample.allow/);
    expect(() => createDecisionLog({ to: sink(), mask: 'email' as never })).toThrow(/mask/);
  });
});

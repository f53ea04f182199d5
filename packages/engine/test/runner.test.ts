import { PermissioApiError, PermissioNotFoundError, PermissioValidationError } from '@permissio/core';
import { ConformanceFailure, errorKind, mismatch, runVectorSteps } from '@permissio/conformance';
import type { ConformanceVector } from '@permissio/conformance';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';

const base: Omit<ConformanceVector, 'steps'> = {
  name: 'meta',
  description: 'runner self-test',
  policy: {
    resources: [{ key: 'd', actions: ['r'] }],
    roles: [{ key: 'v', permissions: ['d:r'] }],
    roleAssignments: [{ user: 'u', role: 'v' }],
  },
};

describe('conformance runner', () => {
  it('passes a correct vector and counts its checks', async () => {
    const stats = await runVectorSteps(createEngine(), {
      ...base,
      steps: [
        {
          op: 'check',
          request: { user: 'u', action: 'r', resource: 'd' },
          expect: true,
          explain: { reason: 'role', via: { role: 'v' } },
        },
        {
          op: 'bulkCheck',
          requests: [
            { user: 'u', action: 'r', resource: 'd' },
            { user: 'x', action: 'r', resource: 'd' },
          ],
          expect: [true, false],
        },
        { op: 'users.get', args: ['nobody'], expectError: 'not_found' },
      ],
    });
    expect(stats).toEqual({ steps: 3, checks: 3 });
  });

  it.each([
    { op: 'check', request: { user: 'u', action: 'r', resource: 'd' }, expect: false },
    { op: 'check', request: { user: 'u', action: 'r', resource: 'd' }, expect: true, explain: { reason: 'uri_role' } },
    { op: 'users.get', args: ['u'], expectError: 'not_found' },
    { op: 'users.get', args: ['nobody'], expectError: 'conflict' },
    { op: 'users.get', args: ['u'], expect: { key: 'someone-else' } },
    { op: 'users.nope', args: [] },
  ] as ConformanceVector['steps'])('fails a wrong expectation: %j', async (step) => {
    await expect(runVectorSteps(createEngine(), { ...base, steps: [step] })).rejects.toBeInstanceOf(ConformanceFailure);
  });

  it('runs condition set and rule steps, and fails them on a target without those groups', async () => {
    const steps: ConformanceVector['steps'] = [
      { op: 'conditionSets.create', args: [{ key: 'all', type: 'userset', conditions: { allOf: [] } }] },
      {
        op: 'conditionSets.create',
        args: [{ key: 'any', type: 'resourceset', resourceType: 'd', conditions: { allOf: [] } }],
      },
      { op: 'conditionSetRules.create', args: [{ userSet: 'all', permission: 'd:r', resourceSet: 'any' }] },
      { op: 'conditionSetRules.list', args: [{}], expect: { total: 1 } },
      { op: 'check', request: { user: 'x', action: 'r', resource: 'd' }, expect: true },
    ];
    expect(await runVectorSteps(createEngine(), { ...base, steps })).toEqual({ steps: 5, checks: 1 });
    // The engine's operations minus the two ABAC groups (as a PDP that lacks them).
    const engine = createEngine();
    const target = {
      check: (r: Parameters<typeof engine.check>[0]) => engine.check(r),
      checkDetailed: (r: Parameters<typeof engine.checkDetailed>[0]) => engine.checkDetailed(r),
      bulkCheck: (r: Parameters<typeof engine.bulkCheck>[0]) => engine.bulkCheck(r),
      checkPermissions: (r: Parameters<typeof engine.checkPermissions>[0]) => engine.checkPermissions(r),
      getUserPermissions: (...a: Parameters<typeof engine.getUserPermissions>) => engine.getUserPermissions(...a),
      grant: (r: Parameters<typeof engine.grant>[0]) => engine.grant(r),
      revoke: (r: Parameters<typeof engine.revoke>[0]) => engine.revoke(r),
      load: (s: Parameters<typeof engine.load>[0]) => engine.load(s),
      users: engine.users,
      tenants: engine.tenants,
      roles: engine.roles,
      resources: engine.resources,
      roleAssignments: engine.roleAssignments,
    };
    await expect(runVectorSteps(target, { ...base, steps })).rejects.toThrow(/the target has no conditionSets/);
  });

  it('classifies errors by class or by HTTP status', () => {
    expect(errorKind(new PermissioValidationError('x'))).toBe('validation');
    expect(errorKind(new PermissioNotFoundError('x'))).toBe('not_found');
    expect(errorKind(new PermissioApiError('x', { statusCode: 422 }))).toBe('validation');
    expect(errorKind(new PermissioApiError('x', { statusCode: 400 }))).toBe('validation');
    expect(errorKind(new PermissioApiError('x', { statusCode: 409 }))).toBe('conflict');
    expect(errorKind(new Error('x'))).toBeUndefined();
  });

  it('matches subsets, with null meaning absent', () => {
    expect(mismatch({ a: 1 }, { a: 1, b: 2 })).toBeUndefined();
    expect(mismatch({ a: 1 }, { a: 1, b: 2 }, 'exact')).toMatch(/\.b/);
    expect(mismatch({ a: null }, { b: 1 })).toBeUndefined();
    expect(mismatch({ a: null }, { a: 1 })).toMatch(/\.a/);
    expect(mismatch([1, 2], [1])).toMatch(/2 items/);
  });
});

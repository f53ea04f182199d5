/** Issue 11, item 9: snapshots are as strict as the REST API — unknown fields are named, with a "did you mean". */
import { PermissioValidationError } from '@permissio/core';
import type { PolicySnapshot } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { closestName as closest, editDistance } from '@permissio/core/internal';

const BASE = {
  resources: [
    { key: 'doc', actions: ['read', { key: 'write', name: 'Write' }], attributes: [{ key: 'a', type: 'string' }] },
  ],
  roles: [{ key: 'viewer', permissions: ['doc:read'] }],
  tenants: [{ key: 'acme' }],
  users: [{ key: 'u', attributes: { anything: { goes: ['here'] } } }],
  roleAssignments: [
    { user: 'u', role: 'viewer' },
    { user: 'u', role: 'viewer', tenant: 'acme' },
    { user: 'u', role: 'viewer', tenant: 'acme', resourceInstance: 'doc:1' },
    { user: 'u', role: 'viewer', tenant: 'acme', resourceInstance: '/a/b' },
  ],
  grants: [{ user: 'u', resourceUri: '/x', permissions: ['doc:read'], tenant: 'acme' }],
};

function refusal(snapshot: unknown): PermissioValidationError {
  try {
    createEngine(snapshot as PolicySnapshot);
  } catch (error) {
    expect(error).toBeInstanceOf(PermissioValidationError);
    return error as PermissioValidationError;
  }
  throw new Error('the snapshot was accepted');
}

describe('unknown snapshot fields', () => {
  it('names the path of a misspelt field with the closest known field', () => {
    const snapshot = structuredClone(BASE) as Record<string, unknown[]>;
    (snapshot.roleAssignments as Record<string, unknown>[])[3] = { user: 'u', role: 'viewer', tennant: 'acme' };
    const error = refusal(snapshot);
    expect(error.message).toBe('Invalid snapshot: unknown field `roleAssignments[3].tennant`; did you mean `tenant`?');
    expect(error.details).toEqual({ path: 'roleAssignments[3].tennant', field: 'tennant', suggestion: 'tenant' });
  });

  it('refuses a misspelt list name instead of loading nothing', () => {
    const { roleAssignments, ...rest } = BASE;
    const error = refusal({ ...rest, roleAssigments: roleAssignments });
    expect(error.message).toMatch(/unknown field `roleAssigments`; did you mean `roleAssignments`\?/);
  });

  it('checks every level the format defines; lists the known fields when nothing is close', () => {
    const cases: [unknown, RegExp][] = [
      [
        { resources: [{ key: 'd', actions: [{ key: 'r', nmae: 'R' }] }] },
        /`resources\[0\]\.actions\[0\]\.nmae`; did you mean `name`/,
      ],
      [
        { resources: [{ key: 'd', attributes: [{ key: 'a', typ: 'string' }] }] },
        /`resources\[0\]\.attributes\[0\]\.typ`; did you mean `type`/,
      ],
      [{ roles: [{ key: 'r', extend: [] }] }, /`roles\[0\]\.extend`; did you mean `extends`/],
      [{ users: [{ key: 'u', emial: 'x' }] }, /`users\[0\]\.emial`; did you mean `email`/],
      [{ tenants: [{ key: 't', nmae: 'T' }] }, /`tenants\[0\]\.nmae`; did you mean `name`/],
      [
        { grants: [{ user: 'u', resourceUri: '/x', permission: [] }] },
        /`grants\[0\]\.permission`; did you mean `permissions`/,
      ],
      [
        { users: [{ key: 'u', zzzzzzzz: 1 }] },
        /`users\[0\]\.zzzzzzzz`; the known fields here are key, email, firstName, lastName, attributes, type/,
      ],
    ];
    for (const [snapshot, message] of cases) expect(refusal(snapshot).message).toMatch(message);
  });

  it('accepts every field of the format, free-form attributes, and its own export', async () => {
    const engine = createEngine(BASE as PolicySnapshot);
    const exported = await engine.export();
    expect(createEngine(exported).exportSync()).toEqual(exported);
    await expect(engine.load({ ...exported, extra: 1 } as PolicySnapshot)).rejects.toThrow(/unknown field `extra`/);
    expect(engine.exportSync()).toEqual(exported); // a refused load leaves the policy as it was
  });
});

describe('suggestions', () => {
  it('edit distance and closest', () => {
    expect(editDistance('tennant', 'tenant')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(closest('TENANT', ['user', 'tenant'])).toBe('tenant');
    expect(closest('xyz', ['user', 'tenant'])).toBeUndefined();
  });
});

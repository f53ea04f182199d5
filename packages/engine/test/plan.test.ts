/** `engine.plan`: the RBAC parts, tenant isolation, validation, and what cannot be planned. (The differential proof against `check` is in packages/filter.) */
import { PermissioValidationError } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';

const engine = createEngine({
  resources: [
    {
      key: 'document',
      actions: ['read', 'write'],
      attributes: [
        { key: 'a', type: 'string' },
        { key: 'b', type: 'string' },
      ],
    },
    { key: 'folder', actions: ['read'] },
  ],
  roles: [
    { key: 'viewer', permissions: ['document:read', 'folder:read'] },
    { key: 'admin', permissions: ['document:write'], extends: ['viewer'] },
  ],
  tenants: [{ key: 'acme' }],
  roleAssignments: [
    { user: 'boss', role: 'admin' },
    { user: 'ann', role: 'viewer', resourceInstance: 'document:d2' },
    { user: 'ann', role: 'viewer', resourceInstance: 'document:d1' },
    { user: 'ann', role: 'viewer', resourceInstance: 'folder:f1' },
    { user: 'ann', role: 'viewer', resourceInstance: '/p/1' },
    { user: 'ann', role: 'admin', tenant: 'acme' },
  ],
  grants: [{ user: 'ann', resourceUri: '/p/2', permissions: ['document:write'] }],
  conditionSets: [
    { key: 'all', type: 'userset', conditions: { 'user.key': { exists: true } } },
    {
      key: 'same',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { 'resource.a': { equals: { ref: 'resource.b' } } },
    },
  ],
  conditionSetRules: [{ userSet: 'all', permission: 'document:write', resourceSet: 'same', tenant: 'acme' }],
});

describe('engine.plan', () => {
  it('tenant role → always; unknown user, type or action → never', () => {
    expect(engine.plan('boss', 'write', 'document')).toEqual({ kind: 'always' });
    expect(engine.plan('nobody', 'read', 'document')).toEqual({ kind: 'never' });
    expect(engine.plan('boss', 'read', 'nothing')).toEqual({ kind: 'never' });
    expect(engine.plan('boss', 'fly', 'document')).toEqual({ kind: 'never' });
  });

  it('instance roles of the type → key in (sorted); URI roles → under; other types and tenants do not leak', () => {
    expect(engine.plan('ann', 'read', 'document')).toEqual({
      kind: 'conditional',
      filter: {
        anyOf: [
          { field: 'key', op: 'in', value: ['d1', 'd2'], type: 'string' },
          { field: 'uri', op: 'under', value: ['/p/1'], type: 'string' },
        ],
      },
    });
    expect(engine.plan('ann', 'write', 'document')).toEqual({
      kind: 'conditional',
      filter: { field: 'uri', op: 'under', value: ['/p/2'], type: 'string' },
    });
    expect(engine.plan('ann', 'read', 'folder')).toEqual({
      kind: 'conditional',
      filter: {
        anyOf: [
          { field: 'key', op: 'in', value: ['f1'], type: 'string' },
          { field: 'uri', op: 'under', value: ['/p/1'], type: 'string' },
        ],
      },
    });
    expect(engine.plan('ann', 'read', 'document', { tenant: 'acme' })).toEqual({ kind: 'always' });
  });

  it('validates keys like a check', () => {
    expect(() => engine.plan('ann', 'read', 'bad:type')).toThrow(PermissioValidationError);
    expect(() => engine.plan('', 'read', 'document')).toThrow(PermissioValidationError);
    expect(() => engine.plan('ann', 'read', 'document', { tenant: 'x\u0000' })).toThrow(PermissioValidationError);
  });

  it('refuses, naming the path, a condition comparing two resource fields (it cannot be a filter)', () => {
    expect(() => engine.plan('zed', 'write', 'document', { tenant: 'acme' })).toThrow(/resource\.a.*resource\.b/);
    // The rule applies only in acme: elsewhere there is nothing to plan.
    expect(engine.plan('zed', 'write', 'document')).toEqual({ kind: 'never' });
  });
});

/**
 * Rule 5 evaluates on one reusable input frame: a check that re-enters the
 * engine while the frame is in use (an attribute getter calling `check`) must
 * not see or disturb the outer check's values, and nothing of one check may
 * leak into the next.
 */
import type { PolicySnapshot } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';

const policy: PolicySnapshot = {
  resources: [{ key: 'document', actions: ['read'], attributes: [{ key: 'ownerId', type: 'string' }] }],
  users: [{ key: 'alice' }, { key: 'bob' }],
  userAttributes: [{ key: 'dept', type: 'string' }],
  conditionSets: [
    { key: 'everyone', type: 'userset', conditions: { 'user.key': { exists: true } } },
    { key: 'engineers', type: 'userset', conditions: { 'user.dept': { equals: 'eng' } } },
    {
      key: 'own',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { 'resource.ownerId': { equals: { ref: 'user.key' } } },
    },
    {
      key: 'all-docs',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { 'resource.key': { exists: true } },
    },
  ],
  conditionSetRules: [
    { userSet: 'everyone', permission: 'document:read', resourceSet: 'own' },
    { userSet: 'engineers', permission: 'document:read', resourceSet: 'all-docs' },
  ],
};

describe('the reusable condition frame', () => {
  it('a check made from inside an attribute getter neither sees nor disturbs the outer check', () => {
    const engine = createEngine(policy);
    const inner: boolean[] = [];
    const reentrant = (owner: string, innerUser: string) => ({
      get ownerId() {
        inner.push(
          engine.check({
            user: innerUser,
            action: 'read',
            resource: { type: 'document', key: 'other', attributes: { ownerId: innerUser } },
          }),
        );
        return owner;
      },
    });
    // Outer: alice on a document alice owns (allow); inner: bob on his own (allow).
    expect(
      engine.check({
        user: 'alice',
        action: 'read',
        resource: { type: 'document', key: 'd1', attributes: reentrant('alice', 'bob') },
      }),
    ).toBe(true);
    // Outer: bob on a document alice owns (deny) while the inner check is alice's own document.
    expect(
      engine.check({
        user: 'bob',
        action: 'read',
        resource: { type: 'document', key: 'd2', attributes: reentrant('alice', 'alice') },
      }),
    ).toBe(false);
    expect(inner).toEqual([true, true]);
  });

  it('a check made while the outer check reads its user (a getter on the check user) does not disturb it', () => {
    const engine = createEngine(policy);
    const inner: boolean[] = [];
    const user = {
      key: 'bob',
      get email() {
        inner.push(
          engine.check({
            user: 'alice',
            action: 'read',
            resource: { type: 'document', key: 'x', attributes: { ownerId: 'alice' } },
          }),
        );
        return undefined;
      },
    };
    // Bob neither owns d1 (alice does) nor is an engineer: denied, whatever the inner check (alice) did meanwhile.
    const resource = { type: 'document', key: 'd1', attributes: { ownerId: 'alice' } };
    expect(engine.check({ user, action: 'read', resource })).toBe(false);
    expect(inner).toEqual([true]);
  });

  it('check-time user attributes of one check do not carry over to the next', () => {
    const engine = createEngine(policy);
    const resource = { type: 'document', key: 'd1', attributes: { ownerId: 'someone-else' } };
    expect(engine.check({ user: { key: 'carol', attributes: { dept: 'eng' } }, action: 'read', resource })).toBe(true);
    expect(engine.check({ user: 'carol', action: 'read', resource })).toBe(false);
    expect(engine.check({ user: { key: 'bob', attributes: { dept: 'eng' } }, action: 'read', resource })).toBe(true);
    expect(engine.check({ user: 'bob', action: 'read', resource })).toBe(false);
  });
});

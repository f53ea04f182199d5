/** `definePolicy` is the identity at runtime: the engine loads the same snapshot, typed or not. */
import { definePolicy, Permissio, type PolicySnapshot } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';

const snapshot = {
  resources: [{ key: 'document', actions: ['read', 'write'] }],
  roles: [{ key: 'viewer', permissions: ['document:read'] }],
  roleAssignments: [{ user: 'alice', role: 'viewer' }],
} satisfies PolicySnapshot;

describe('definePolicy', () => {
  it('returns the snapshot itself, which the engine loads unchanged', async () => {
    const policy = definePolicy(snapshot);
    expect(policy).toBe(snapshot);
    const permissio = new Permissio({ pdp: createEngine(policy) });
    expect(await permissio.check('alice', 'read', { type: 'document', key: 'd' })).toBe(true);
    expect(await permissio.check('alice', 'write', 'document')).toBe(false);
    expect(await createEngine(policy).export()).toEqual(await createEngine(snapshot).export());
  });
});

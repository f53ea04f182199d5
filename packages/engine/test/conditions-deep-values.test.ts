/**
 * Check-time values are not depth-bounded: a `ref` between two of them
 * compares structures of any depth without deepening the call stack.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { jsonEquals } from '../src/conditions/equality.js';

function deepArray(depth: number, leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function deepObject(depth: number, leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { a: value, b: i };
  return value;
}

describe('structural equality of deep values', () => {
  it('jsonEquals is exact on 200k-deep arrays and objects (no RangeError)', () => {
    for (const make of [deepArray, deepObject]) {
      expect(jsonEquals(make(200_000, 1), make(200_000, 1))).toBe(true);
      expect(jsonEquals(make(200_000, 1), make(200_000, 2))).toBe(false);
      expect(jsonEquals(make(200_000, 1), make(199_999, 1))).toBe(false);
    }
    expect(jsonEquals({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEquals({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEquals([1, 2], [2, 1])).toBe(false);
    expect(jsonEquals({}, [])).toBe(false);
    expect(jsonEquals(JSON.parse('{"__proto__":1}'), {})).toBe(false);
  });

  it('a check with a ref between two 100k-deep check-time attributes answers', async () => {
    const engine = createEngine({
      resources: [{ key: 'item', actions: ['read'] }],
      userAttributes: [
        { key: 'j', type: 'json' },
        { key: 'k', type: 'json' },
      ],
      conditionSets: [
        { key: 'same', type: 'userset', conditions: { 'user.j': { equals: { ref: 'user.k' } } } },
        { key: 'any', type: 'resourceset', resourceType: 'item', conditions: { allOf: [] } },
      ],
      conditionSetRules: [{ userSet: 'same', permission: 'item:read', resourceSet: 'any' }],
    });
    const check = (k: unknown) =>
      engine.check({
        user: { key: 'u', attributes: { j: deepArray(100_000, 'x'), k } },
        action: 'read',
        resource: 'item',
      });
    expect(check(deepArray(100_000, 'x'))).toBe(true);
    expect(check(deepArray(100_000, 'y'))).toBe(false);
  });
});

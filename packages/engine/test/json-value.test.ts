import { describe, expect, it } from 'vitest';
import { jsonValue } from '../src/conditions/json-value.js';

describe('jsonValue: a value as a JSON round trip leaves it', () => {
  it('returns plain JSON data as it is, without a copy', () => {
    const plain = { a: [1, 'x', true, null, { b: 2 }] };
    expect(jsonValue(plain)).toBe(plain);
    expect(jsonValue('s')).toBe('s');
    expect(jsonValue(0)).toBe(0);
  });

  it('converts what JSON converts', () => {
    expect(jsonValue(new Date('2027-01-01T00:00:00Z'))).toBe('2027-01-01T00:00:00.000Z');
    expect(jsonValue({ at: new Date(0) })).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    expect(jsonValue([undefined, () => 1, Number.NaN])).toEqual([null, null, null]);
    expect(jsonValue({ gone: undefined, fn: () => 1, kept: 1 })).toEqual({ kept: 1 });
    expect(jsonValue(Number.NEGATIVE_INFINITY)).toBeNull();
    expect(jsonValue(() => 1)).toBeUndefined();
    expect(jsonValue(Symbol('s'))).toBeUndefined();
  });

  it('keeps a __proto__ key an ordinary own key after a copy', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "d": "x"}') as Record<string, unknown>;
    value.d = new Date(0);
    const out = jsonValue(value) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is absent (never a crash) for what JSON cannot encode', () => {
    // A cycle of plain objects: the scan stops at its node limit and the value is read as it is (the comparisons
    // are iterative and exact on it); with a Date reached first, JSON.stringify refuses it: absent.
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonValue(cyclic)).toBe(cyclic);
    const cyclicDate: Record<string, unknown> = { d: new Date(0) };
    cyclicDate.a = { b: cyclicDate };
    expect(() => jsonValue(cyclicDate)).not.toThrow();
    const dated: Record<string, unknown> = { self: null, d: new Date(0) };
    dated.self = dated;
    expect(jsonValue([new Date(0), dated])).toBeUndefined();
    expect(jsonValue(10n)).toBeUndefined();
    expect(jsonValue({ n: 10n })).toBeUndefined();
    let deep: unknown = new Date(0);
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => jsonValue(deep)).not.toThrow();
    const throwing = {
      toJSON() {
        throw new Error('boom');
      },
    };
    expect(jsonValue(throwing)).toBeUndefined();
  });
});

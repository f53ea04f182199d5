import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, checkCacheKey } from '../src/internal.js';
import type { CheckResource } from '../src/index.js';

describe('checkCacheKey', () => {
  it('delimiter tricks cannot collide', () => {
    const keys = [
      checkCacheKey('a|read', 'x', 'doc', undefined, undefined),
      checkCacheKey('a', 'read|x', 'doc', undefined, undefined),
      checkCacheKey('a', 'read', 'x|doc', undefined, undefined),
      checkCacheKey('a","read', 'x', 'doc', undefined, undefined),
      checkCacheKey('a', '","read', 'doc', undefined, undefined),
      checkCacheKey('a:read', 'x', 'doc', undefined, undefined),
      checkCacheKey('a', 'read', 'doc', 'x', undefined),
      checkCacheKey('a', 'read', 'doc', undefined, { x: 1 }),
      checkCacheKey('a', 'read', { type: 'doc', key: 'x' }, undefined, undefined),
      checkCacheKey('a', 'read', { type: 'doc', uri: 'x' }, undefined, undefined),
      checkCacheKey('a', 'read', { type: 'doc', tenant: 'x' }, undefined, undefined),
      checkCacheKey({ key: 'a', attributes: { x: 1 } }, 'read', 'doc', undefined, undefined),
      checkCacheKey('a', 'read', { type: 'doc', attributes: { x: 1 } }, undefined, undefined),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('attribute and context order do not split the key', () => {
    expect(checkCacheKey({ key: 'u', attributes: { a: 1, b: { c: 1, d: 2 } } }, 'r', 'doc', 't', { x: 1, y: 2 })).toBe(
      checkCacheKey({ key: 'u', attributes: { b: { d: 2, c: 1 }, a: 1 } }, 'r', 'doc', 't', { y: 2, x: 1 }),
    );
    expect(
      checkCacheKey(
        'u',
        'r',
        { type: 'doc', key: 'k', attributes: { p: [1, { z: 1, y: 2 }], q: 1 } },
        undefined,
        undefined,
      ),
    ).toBe(
      checkCacheKey(
        'u',
        'r',
        { attributes: { q: 1, p: [1, { y: 2, z: 1 }] }, key: 'k', type: 'doc' },
        undefined,
        undefined,
      ),
    );
  });

  it('a string user or resource equals its object form; profile fields do not matter', () => {
    expect(checkCacheKey('u', 'r', 'doc', undefined, undefined)).toBe(
      checkCacheKey({ key: 'u', email: 'u@x.io' }, 'r', { type: 'doc' }, undefined, undefined),
    );
  });

  it('the effective tenant matters; resource.tenant wins over the option', () => {
    expect(checkCacheKey('u', 'r', 'doc', 'a', undefined)).not.toBe(checkCacheKey('u', 'r', 'doc', 'b', undefined));
    expect(checkCacheKey('u', 'r', { type: 'doc', tenant: 'a' }, 'b', undefined)).toBe(
      checkCacheKey('u', 'r', { type: 'doc', tenant: 'a' }, 'c', undefined),
    );
    expect(checkCacheKey('u', 'r', { type: 'doc', tenant: 'a' }, undefined, undefined)).not.toBe(
      checkCacheKey('u', 'r', { type: 'doc' }, 'a', undefined),
    );
  });

  it('__proto__ keys stay data', () => {
    const a = JSON.parse('{"__proto__": {"x": 1}, "b": 2}') as Record<string, unknown>;
    const b = JSON.parse('{"b": 2, "__proto__": {"x": 2}}') as Record<string, unknown>;
    expect(canonicalJson(a)).toBe('{"__proto__":{"x":1},"b":2}');
    expect(canonicalJson(a)).not.toBe(canonicalJson(b));
  });

  it('property: distinct string inputs never collide', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string(), fc.string(), fc.string(), fc.option(fc.string(), { nil: undefined })),
        fc.tuple(fc.string(), fc.string(), fc.string(), fc.option(fc.string(), { nil: undefined })),
        (x, y) => {
          const same = x[0] === y[0] && x[1] === y[1] && x[2] === y[2] && x[3] === y[3];
          const kx = checkCacheKey(x[0], x[1], x[2], x[3], undefined);
          const ky = checkCacheKey(y[0], y[1], y[2], y[3], undefined);
          return same === (kx === ky);
        },
      ),
    );
  });

  it('circular input is a validation error', () => {
    const context: Record<string, unknown> = {};
    context.self = context;
    expect(() => checkCacheKey('u', 'r', 'doc', undefined, context)).toThrow(/circular/);
  });
});

describe('checkCacheKey fast path', () => {
  it('gives exactly the canonical encoding for attribute-free object resources', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.record({
          type: fc.string(),
          key: fc.option(fc.string(), { nil: undefined }),
          uri: fc.option(fc.string(), { nil: undefined }),
          tenant: fc.option(fc.string(), { nil: undefined }),
        }),
        fc.option(fc.string(), { nil: undefined }),
        (user, action, resource, tenant) => {
          const clean: CheckResource = { type: resource.type };
          if (resource.key !== undefined) clean.key = resource.key;
          if (resource.uri !== undefined) clean.uri = resource.uri;
          if (resource.tenant !== undefined) clean.tenant = resource.tenant;
          const expected = canonicalJson([
            user,
            null,
            action,
            clean.type,
            clean.key ?? null,
            clean.uri ?? null,
            clean.tenant ?? null,
            null,
            clean.tenant ?? tenant ?? null,
            null,
          ]);
          expect(checkCacheKey(user, action, clean, tenant, undefined)).toBe(expected);
        },
      ),
    );
  });
});

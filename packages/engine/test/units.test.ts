import { PermissioValidationError } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { matchesSearch, pageRequest, paginate, searchTerm } from '../src/pagination.js';
import { State } from '../src/state.js';
import { UriCache } from '../src/uri-cache.js';
import { attributesIn, cloneValue } from '../src/values.js';

describe('pagination', () => {
  it('defaults to page 1 of 10', () => {
    expect(pageRequest(undefined)).toEqual({ page: 1, perPage: 10 });
    expect(paginate([1, 2, 3], { page: 2, perPage: 2 })).toEqual({ data: [3], page: 2, perPage: 2, total: 3 });
  });
  it.each([{ page: 0 }, { page: 1.5 }, { perPage: 101 }, { perPage: 0 }, { page: '2' as unknown as number }])(
    'rejects %j',
    (params) => {
      expect(() => pageRequest(params)).toThrow(PermissioValidationError);
    },
  );
  it('search is a case-insensitive substring', () => {
    expect(searchTerm({ search: 'AbC' })).toBe('abc');
    expect(searchTerm({ search: '' })).toBeUndefined();
    expect(matchesSearch('abc', undefined, 'xxABCxx')).toBe(true);
    expect(matchesSearch('abc', 'ab')).toBe(false);
    expect(() => searchTerm({ search: 5 })).toThrow(PermissioValidationError);
  });
});

describe('values', () => {
  it('cloneValue copies deeply and keeps __proto__ as a plain own key', () => {
    const input = JSON.parse('{"__proto__": {"admin": true}, "nested": {"list": [1, {"a": 2}]}}') as Record<
      string,
      unknown
    >;
    const copy = cloneValue(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'nested']);
    expect((copy as { admin?: unknown }).admin).toBeUndefined();
    expect(copy.nested).toEqual(input.nested);
    expect(copy.nested).not.toBe(input.nested);
  });
  it('attributesIn accepts objects only', () => {
    expect(attributesIn(undefined)).toEqual({});
    expect(() => attributesIn([1])).toThrow(PermissioValidationError);
    expect(() => attributesIn('x')).toThrow(PermissioValidationError);
  });
});

describe('UriCache', () => {
  it('returns ancestors-or-self of the canonical form and caches valid URIs only', () => {
    const cache = new UriCache(2);
    expect(cache.ancestors('/a/%62/')).toEqual(['/', '/a', '/a/b']);
    expect(cache.canonical('/a/%62/')).toBe('/a/b');
    expect(() => cache.ancestors('/a/../b')).toThrow(PermissioValidationError);
    expect(() => cache.ancestors(42)).toThrow(PermissioValidationError);
    cache.ancestors('/x');
    cache.ancestors('/y'); // capacity reached: cleared, still correct
    expect(cache.ancestors('/a/b/c')).toEqual(['/', '/a', '/a/b', '/a/b/c']);
  });
});

describe('State', () => {
  it('has the default tenant and prunes empty holdings', () => {
    const state = new State();
    expect(state.tenants.has('default')).toBe(true);
    expect(state.addAssignment('u', 'r', 'default')).toBe(true);
    expect(state.addAssignment('u', 'r', 'default')).toBe(false);
    expect(state.addGrant('u', 'default', '/a', 'doc:read')).toBe(true);
    expect(state.removeAssignment('u', 'r', 'default')).toBe(true);
    expect(state.index.has('u')).toBe(true);
    expect(state.removeGrant('u', 'default', '/a', 'doc:read')).toBe(true);
    expect(state.index.has('u')).toBe(false);
    expect(state.removeGrant('u', 'default', '/a', 'doc:read')).toBe(false);
  });
  it('uses Maps: __proto__ is an ordinary key', () => {
    const state = new State();
    state.addAssignment('__proto__', '__proto__', '__proto__', 'doc:__proto__');
    expect(state.hasAssignment('__proto__', '__proto__', '__proto__', 'doc:__proto__')).toBe(true);
    expect(state.hasAssignment('constructor', '__proto__', '__proto__')).toBe(false);
  });
});

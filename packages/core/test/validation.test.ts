import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PermissioValidationError, isUriAncestorOrSelf, isValidKey, parseResourceInstance } from '../src/index.js';
import {
  MAX_ATTRIBUTE_DEPTH,
  MAX_ATTRIBUTES_SIZE,
  assertAttributesWithinLimits,
  assertKey,
  canonicalizeResourceUri,
  parsePermission,
  canonicalPermission,
  uriAncestors,
} from '../src/internal.js';

describe('canonicalizeResourceUri', () => {
  it.each([
    ['/', '/'],
    ['/project/456', '/project/456'],
    ['/project/456/', '/project/456'],
    ['/files/my%20doc', '/files/my doc'],
    ['/a/*/**/:id/[^/]+', '/a/*/**/:id/[^/]+'],
    ['/doc;x=1', '/doc;x=1'],
    ['/discount/100%25', '/discount/100%25'],
    ['/caf%C3%A9', '/café'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalizeResourceUri(input)).toBe(expected);
  });

  it.each([
    ['relative', 'project/1'],
    ['empty', ''],
    ['double slash', '/a//b'],
    ['leading double slash', '//a'],
    ['dot-dot', '/a/../b'],
    ['dot', '/a/./b'],
    ['encoded dot-dot', '/a/%2e%2e/b'],
    ['encoded slash', '/a%2Fb'],
    ['double-encoded slash', '/a%252Fb'],
    ['double-encoded anything', '/a%2541'],
    ['malformed escape', '/a%zz'],
    ['lone percent', '/100%'],
    ['control char', '/a\u0000b'],
    ['encoded control char', '/a%0Ab'],
    ['backslash', '/a\\b'],
    ['encoded backslash', '/a%5Cb'],
    ['over 2048 bytes', `/${'a'.repeat(2048)}`],
    ['over 32 segments', '/s'.repeat(33)],
    ['not a string', 42],
  ])('rejects %s', (_name, input) => {
    expect(() => canonicalizeResourceUri(input)).toThrow(PermissioValidationError);
  });

  it('says what is wrong', () => {
    expect(() => canonicalizeResourceUri('/a/../b')).toThrow(/"\." and "\.\." segments/);
    expect(() => canonicalizeResourceUri('/a%252Fb')).toThrow(/percent-encoded twice/);
  });

  it('is idempotent: the canonical form reads back as itself', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), (segments) => {
        const raw = `/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
        let once: string;
        try {
          once = canonicalizeResourceUri(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(PermissioValidationError);
          return;
        }
        expect(canonicalizeResourceUri(once)).toBe(once);
      }),
    );
  });
});

describe('URI ancestry', () => {
  it('lists ancestors on segment boundaries', () => {
    expect(uriAncestors('/project/456/documents/789')).toEqual([
      '/',
      '/project',
      '/project/456',
      '/project/456/documents',
      '/project/456/documents/789',
    ]);
    expect(uriAncestors('/')).toEqual(['/']);
  });

  it.each([
    ['/project/456', '/project/456', true],
    ['/project/456', '/project/456/documents/789', true],
    ['/project/456', '/project/4567', false],
    ['/project/456', '/project/456-x', false],
    ['/project/456', '/project/456.json', false],
    ['/project/456', '/project', false],
    ['/', '/anything', true],
  ])('%s covers %s: %s', (ancestor, uri, expected) => {
    expect(isUriAncestorOrSelf(ancestor, uri)).toBe(expected);
  });
});

describe('keys, permissions, instances', () => {
  it('accepts prototype names as plain keys', () => {
    for (const key of ['__proto__', 'constructor', 'toString']) expect(() => assertKey(key, 'user')).not.toThrow();
  });

  it('rejects bad keys with a message naming the kind', () => {
    expect(() => assertKey('', 'user')).toThrow(/user key: it is empty/);
    expect(() => assertKey('x'.repeat(257), 'role')).toThrow(/role key: 257 characters/);
    expect(() => assertKey('a\nb', 'tenant')).toThrow(/control character/);
    expect(() => assertKey('doc:x', 'resource type')).toThrow(/must not contain ":"/);
    expect(() => assertKey(7, 'user')).toThrow(/expected a string, got number/);
  });

  it('parses permissions', () => {
    expect(parsePermission('document:read')).toEqual({ type: 'document', action: 'read' });
    for (const bad of ['document', ':read', 'document:', 'a:b:c', 5, '.read', 'document.', '']) {
      expect(() => parsePermission(bad)).toThrow(PermissioValidationError);
    }
  });

  it('reads the dotted spelling on the last dot, and never when there is a colon (#16)', () => {
    expect(parsePermission('document.read')).toEqual({ type: 'document', action: 'read' });
    expect(parsePermission('billing.invoice.create')).toEqual({ type: 'billing.invoice', action: 'create' });
    expect(parsePermission('billing.invoice:create')).toEqual({ type: 'billing.invoice', action: 'create' });
    expect(parsePermission('doc:read.all')).toEqual({ type: 'doc', action: 'read.all' });
    expect(canonicalPermission('billing.invoice.create')).toBe('billing.invoice:create');
    expect(canonicalPermission('document:read')).toBe('document:read');
  });

  it('parses instances and URIs', () => {
    expect(parseResourceInstance('document:doc:1')).toEqual({
      kind: 'instance',
      type: 'document',
      key: 'doc:1',
      value: 'document:doc:1',
    });
    expect(parseResourceInstance('/p/1/')).toEqual({ kind: 'uri', uri: '/p/1', value: '/p/1' });
    expect(() => parseResourceInstance('document')).toThrow(PermissioValidationError);
    expect(() => parseResourceInstance('/p/../x')).toThrow(PermissioValidationError);
  });
});

describe('lone UTF-16 surrogates (issue 10, #11)', () => {
  const lone = ['a\uD800', '\uDC00b', 'x\uDBFFy', '\uDFFF'];

  it.each(lone)('key %j is invalid everywhere, with a typed error', (key) => {
    expect(isValidKey(key)).toBe(false);
    expect(() => assertKey(key, 'user')).toThrow(PermissioValidationError);
    expect(() => assertKey(key, 'user')).toThrow(/lone UTF-16 surrogate/);
    expect(() => parsePermission(`document:${key}`)).toThrow(PermissioValidationError);
    expect(() => parseResourceInstance(`document:${key}`)).toThrow(PermissioValidationError);
    expect(() => canonicalizeResourceUri(`/docs/${key}`)).toThrow(PermissioValidationError);
    expect(() => parseResourceInstance(`/docs/${key}`)).toThrow(PermissioValidationError);
  });

  it('a surrogate pair (an astral character) stays valid', () => {
    expect(isValidKey('doc-\u{1F600}')).toBe(true);
    expect(() => assertKey('doc-\u{1F600}', 'user')).not.toThrow();
    expect(canonicalizeResourceUri('/docs/\u{1F600}')).toBe('/docs/\u{1F600}');
    expect(canonicalizeResourceUri('/docs/%F0%9F%98%80')).toBe('/docs/\u{1F600}');
  });

  it('an encoded lone surrogate in a URI is a validation error, not a URIError', () => {
    expect(() => canonicalizeResourceUri('/docs/%ED%A0%80')).toThrow(PermissioValidationError);
  });
});

describe('assertAttributesWithinLimits', () => {
  function deep(levels: number): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    let current = root;
    for (let i = 1; i < levels; i++) {
      const next: Record<string, unknown> = {};
      current.a = next;
      current = next;
    }
    return root;
  }

  it('accepts 32 levels, refuses 33 with a message naming the limit', () => {
    expect(() => assertAttributesWithinLimits(deep(MAX_ATTRIBUTE_DEPTH))).not.toThrow();
    expect(() => assertAttributesWithinLimits(deep(MAX_ATTRIBUTE_DEPTH + 1))).toThrow(/MAX_ATTRIBUTE_DEPTH is 32/);
    expect(() => assertAttributesWithinLimits({ list: [[[1]]] })).not.toThrow();
  });

  it('refuses a 100,000-level document and a cyclic object without overflowing the stack', () => {
    expect(() => assertAttributesWithinLimits(deep(100_000))).toThrow(PermissioValidationError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => assertAttributesWithinLimits(cyclic, 'user attributes')).toThrow(/Invalid user attributes: nested/);
  });

  it('refuses more than MAX_ATTRIBUTES_SIZE characters', () => {
    expect(() => assertAttributesWithinLimits({ s: 'x'.repeat(MAX_ATTRIBUTES_SIZE - 100) })).not.toThrow();
    expect(() => assertAttributesWithinLimits({ s: 'x'.repeat(MAX_ATTRIBUTES_SIZE) })).toThrow(/MAX_ATTRIBUTES_SIZE/);
    expect(() => assertAttributesWithinLimits({ n: new Array(MAX_ATTRIBUTES_SIZE).fill(1) })).toThrow(
      /MAX_ATTRIBUTES_SIZE/,
    );
  });
});

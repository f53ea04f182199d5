/**
 * Core of issue 11 items 4–6 and 11: route markers and manifest formatting,
 * the unguarded-route refusal, the refusal error, and the policy check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Pdp, Permissio } from '../src/index.js';
import {
  PermissioRefusalError,
  checkManifestAgainstPolicy,
  describeGuard,
  formatManifest,
  guardOf,
  isPublicMarker,
  manifestEntry,
  markGuard,
  markPublic,
  markResourceType,
  resolveRefusalMode,
  resolveRouteValidation,
  selectRefusalHook,
  suggest,
  unguardedOutcome,
  unguardedStyle,
} from '../src/internal.js';

describe('route markers and manifest', () => {
  it('describes each resource form', () => {
    expect(describeGuard('read', 'document')).toEqual({
      action: 'read',
      resource: 'document',
      resourceType: 'document',
    });
    expect(describeGuard('read', { type: 'document', key: 'd1' })).toEqual({
      action: 'read',
      resource: 'document:d1',
      resourceType: 'document',
    });
    expect(describeGuard('read', () => 'x')).toEqual({
      action: 'read',
      resource: '(resolver)',
      resourceType: undefined,
    });
    expect(
      describeGuard(
        'read',
        markResourceType(() => 'x', 'file'),
      ),
    ).toMatchObject({ resourceType: 'file' });
  });

  it('tags handlers without changing them', () => {
    const handler = () => 1;
    expect(markGuard(handler, 'read', 'document')).toBe(handler);
    expect(guardOf(handler)?.action).toBe('read');
    expect(Object.keys(handler)).toEqual([]);
    expect(isPublicMarker(handler)).toBe(false);
    expect(isPublicMarker(markPublic(() => 2))).toBe(true);
    expect(guardOf(null)).toBeUndefined();
  });

  it('formats an aligned table; a guard wins over a public marker', () => {
    const text = formatManifest([
      manifestEntry('get', '/documents/:id', [describeGuard('read', 'document')], true),
      manifestEntry('get', '/health', [], true),
      manifestEntry('delete', '/x', [], false),
    ]);
    expect(text.split('\n')).toEqual([
      'GET     /documents/:id  read document',
      'GET     /health         public',
      'DELETE  /x              UNGUARDED',
    ]);
  });
});

describe('unguarded routes', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('500 naming the route in development, a generic 403 in production; never a hook', () => {
    process.env.NODE_ENV = 'production';
    expect(unguardedStyle()).toBe('production');
    const prod = unguardedOutcome('GET /admin', 'production');
    expect(prod).toMatchObject({ kind: 'unguarded', status: 403 });
    expect(prod.problem.detail).not.toContain('/admin');
    process.env.NODE_ENV = 'test';
    expect(unguardedStyle()).toBe('development');
    const dev = unguardedOutcome('GET /admin', 'development');
    expect(dev).toMatchObject({ status: 500, problem: { status: 500, title: 'Internal Server Error' } });
    expect(dev.problem.detail).toContain('GET /admin');
    expect(selectRefusalHook(dev, { onDenied: 1, onError: 2, onUnauthenticated: 3 })).toBeUndefined();
  });

  it('PermissioRefusalError carries status, statusCode and the problem', () => {
    const error = new PermissioRefusalError(unguardedOutcome('GET /x', 'production'));
    expect(error).toMatchObject({ status: 403, statusCode: 403, code: 'PERMISSIO_UNGUARDED', expose: false });
    expect(error.problem.status).toBe(403);
    expect(resolveRefusalMode(undefined, 'x')).toBe('respond');
    expect(() => resolveRefusalMode('next', 'x')).toThrow(/"refusal"/);
    expect(resolveRouteValidation(undefined, 'x')).toBe('warn');
    expect(() => resolveRouteValidation(true, 'x')).toThrow(/"routeValidation"/);
  });
});

describe('policy check', () => {
  it('suggests the closest name (a swap counts once)', () => {
    expect(suggest('raed', ['read', 'write'])).toBe(' (did you mean "read"?)');
    expect(suggest('documnet', ['document'])).toBe(' (did you mean "document"?)');
    expect(suggest('frobnicate', ['read'])).toBe('');
  });

  it('finds unknown actions and types against an embedded engine only', async () => {
    // Only `kind` and `export()` are read by the check.
    const engine = {
      kind: 'embedded',
      export: async () => ({ resources: [{ key: 'document', actions: ['read', { key: 'write' }] }] }),
    } as unknown as Pdp;
    const entries = [
      manifestEntry('GET', '/a', [describeGuard('read', 'document')], false),
      manifestEntry('PUT', '/a', [describeGuard('write', { type: 'document' })], false),
      manifestEntry('GET', '/b', [describeGuard('editor', 'document')], false),
      manifestEntry('GET', '/c', [describeGuard('read', 'invoice')], false),
    ];
    const result = await checkManifestAgainstPolicy({ pdp: engine } as Permissio, entries);
    expect(result.issues.map((i) => `${i.method} ${i.path}`)).toEqual(['GET /b', 'GET /c']);
    const remote = await checkManifestAgainstPolicy(
      { pdp: { ...engine, kind: 'remote' } } as unknown as Permissio,
      entries,
    );
    expect(remote).toMatchObject({ checked: false, issues: [] });
  });
});

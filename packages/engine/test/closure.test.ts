import { describe, expect, it } from 'vitest';
import { MAX_WRITE_CLOSURE_WORK, RoleClosure } from '../src/closure.js';
import type { RoleRecord } from '../src/state.js';

function roles(defs: Record<string, { p?: string[]; e?: string[] }>): Map<string, RoleRecord> {
  const map = new Map<string, RoleRecord>();
  for (const [key, d] of Object.entries(defs)) {
    map.set(key, { key, name: key, permissions: new Set(d.p ?? []), extends: new Set(d.e ?? []) });
  }
  return map;
}

describe('RoleClosure', () => {
  it('includes inherited permissions with the shortest path, parents in key order on ties', () => {
    const map = roles({
      a: { p: ['x:1'] },
      b: { e: ['a'] },
      c: { p: ['x:2'], e: ['b', 'a'] },
      z: { p: ['x:1'] },
      d: { e: ['z', 'b'] },
    });
    const closure = new RoleClosure(map);
    closure.rebuildAll();
    expect(closure.path('c', 'x:1')).toEqual(['c', 'a']);
    expect(closure.path('c', 'x:2')).toEqual(['c']);
    expect(closure.path('b', 'x:1')).toEqual(['b', 'a']);
    // d reaches x:1 via z (length 2) and via b→a (length 3)
    expect(closure.path('d', 'x:1')).toEqual(['d', 'z']);
    expect(closure.has('a', 'x:2')).toBe(false);
    expect(closure.permissions('ghost').length).toBe(0);
  });

  it('refresh recomputes dependents transitively', () => {
    const map = roles({ a: {}, b: { e: ['a'] }, c: { e: ['b'] } });
    const closure = new RoleClosure(map);
    closure.rebuildAll();
    map.get('a')?.permissions.add('x:1');
    closure.refresh(['a']);
    expect(closure.path('c', 'x:1')).toEqual(['c', 'b', 'a']);
  });

  it('a delete takes the affected set before removing edges', () => {
    const map = roles({ a: { p: ['x:1'] }, b: { e: ['a'] } });
    const closure = new RoleClosure(map);
    closure.rebuildAll();
    const affected = closure.affectedBy(['a']);
    map.delete('a');
    map.get('b')?.extends.delete('a');
    closure.recompute(affected);
    expect(closure.has('b', 'x:1')).toBe(false);
    expect(closure.permissions('a').length).toBe(0);
  });

  it('reaches follows extends', () => {
    const map = roles({ a: {}, b: { e: ['a'] }, c: { e: ['b'] } });
    const closure = new RoleClosure(map);
    expect(closure.reaches('c', 'a')).toBe(true);
    expect(closure.reaches('a', 'c')).toBe(false);
    expect(closure.reaches('a', 'a')).toBe(true);
  });
});

describe('RoleClosure write limits', () => {
  it('refuses a write whose recomputation exceeds MAX_WRITE_CLOSURE_WORK; a load never checks it', () => {
    const defs: Record<string, { p?: string[]; e?: string[] }> = {
      base: { p: Array.from({ length: 900_000 }, (_, i) => `x:${i}`) },
    };
    for (let i = 1; i <= 600; i++) defs[`r${i}`] = { e: [i === 1 ? 'base' : `r${i - 1}`] };
    const closure = new RoleClosure(roles(defs));
    closure.rebuildAll(); // 601 roles × 28,125 words: above the per-write limit, accepted on load
    expect(closure.has('r600', 'x:899999')).toBe(true);
    expect(() => closure.assertWritable('base', undefined, 1)).toThrow(
      /MAX_WRITE_CLOSURE_WORK|closure words per write/,
    );
    expect(() => closure.assertWritable('r600', undefined, 1)).not.toThrow(); // nothing inherits from it
    expect(601 * Math.ceil(900_001 / 32)).toBeGreaterThan(MAX_WRITE_CLOSURE_WORK);
  });
});

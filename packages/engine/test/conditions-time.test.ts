/** `time` values: strict ISO 8601 / RFC 3339 parsing to instants, and the public condition types. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseTime } from '../src/conditions/index.js';
import type { Condition, ConditionSet, ConditionSetRule, Operand } from '../src/conditions/index.js';

describe('parseTime', () => {
  it('accepts dates (midnight UTC) and date-times with an offset', () => {
    expect(parseTime('2024-01-01')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTime('2024-01-01T10:20Z')).toBe(Date.UTC(2024, 0, 1, 10, 20));
    expect(parseTime('2024-01-01T10:20:30.123456789+02:00')).toBe(Date.UTC(2024, 0, 1, 8, 20, 30, 123));
    expect(parseTime('2024-01-01t10:20:30-0130')).toBe(Date.UTC(2024, 0, 1, 11, 50, 30));
    expect(parseTime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTime('0001-01-01')).toBe(new Date('0001-01-01T00:00:00Z').getTime());
    expect(parseTime(new Date(5))).toBe(5);
  });
  it('refuses anything else', () => {
    for (const bad of [
      '2024-01-01T10:20:30',
      '2023-02-29',
      '2024-04-31',
      '2024-00-10',
      '2024-01-01T24:00Z',
      '2024-01-01T10:60Z',
      '2024-01-01T10:20:60Z',
      '2024-01-01T10:20+24:00',
      '2024-1-1',
      'January 1, 2024',
      ' 2024-01-01',
      '1704067200000',
      '',
      `2024-01-01T10:20:30.${'1'.repeat(40)}Z`,
      new Date(Number.NaN),
      1704067200000,
      null,
      undefined,
    ]) {
      expect({ bad, ms: parseTime(bad) }).toEqual({ bad, ms: Number.NaN });
    }
  });
});

describe('public types', () => {
  it('accept the contract shapes', () => {
    const engineers: ConditionSet = {
      key: 'engineers',
      type: 'userset',
      conditions: { allOf: [{ 'user.dept': { equals: 'eng' } }, { not: { 'user.level': { 'less-than': 3 } } }] },
    };
    const own: ConditionSet = {
      key: 'own',
      type: 'resourceset',
      resourceType: 'document',
      conditions: { anyOf: [{ 'resource.ownerId': { equals: { ref: 'user.key' } } }] },
    };
    const rule: ConditionSetRule = { userSet: engineers.key, permission: 'document:edit', resourceSet: own.key };
    expectTypeOf(rule.tenant).toEqualTypeOf<string | undefined>();
    expectTypeOf<{ ref: string }>().toMatchTypeOf<Operand>();
    expectTypeOf<{ 'user.dept': { equals: 'eng' } }>().toMatchTypeOf<Condition>();
    // @ts-expect-error an unknown operator is not a Comparison
    const bad: Condition = { 'user.dept': { eq: 'eng' } };
    expect(bad).toBeDefined();
  });
});

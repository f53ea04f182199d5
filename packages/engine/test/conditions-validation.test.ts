/**
 * Write-time validation: every error of the contract's list names the set
 * and the JSON path; hostile input (prototype keys, 10k-deep nesting, huge
 * arrays, cycles, number-like strings) is refused or treated as plain data.
 */
import { PermissioValidationError } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import {
  MAX_ARRAY_LENGTH,
  MAX_COMPARISONS,
  MAX_CONDITION_DEPTH,
  Tri,
  compileConditionSet,
  validateCondition,
} from '../src/conditions/index.js';
import { CATALOG, expectInvalid, input, resourceset, userset } from './conditions-helpers.js';

const { TRUE: T, FALSE: F, UNKNOWN: U } = Tri;
const ok = { 'user.dept': { equals: 'eng' } };

function nested(depth: number, leaf: unknown = ok): unknown {
  let node = leaf;
  for (let i = 1; i < depth; i++) node = i % 2 === 0 ? { not: node } : { allOf: [node] };
  return node;
}

describe('validation errors name the set and the path', () => {
  it('unknown path', () => {
    const error = expectInvalid(
      () => userset({ allOf: [ok, { 'subject.dept': { equals: 'x' } }] }),
      'conditionSets[eng].conditions.allOf[1]["subject.dept"]',
      'unknown path',
    );
    expect(error.details).toEqual({
      conditionSet: 'eng',
      path: 'conditionSets[eng].conditions.allOf[1]["subject.dept"]',
    });
    expectInvalid(() => userset({ user: { equals: 'x' } }), 'conditions.user', 'names no attribute');
    expectInvalid(() => userset({ 'user.': { equals: 'x' } }), 'names no attribute');
    expectInvalid(() => userset({ 'context.a..b': { equals: 'x' } }), 'empty segment');
    expectInvalid(() => userset({ 'context.a\u0000': { equals: 'x' } }), 'control character');
  });
  it('undeclared attribute', () => {
    expectInvalid(
      () => userset({ anyOf: [{ not: { 'user.team': { equals: 'x' } } }] }),
      'conditionSets[eng].conditions.anyOf[0].not["user.team"]',
      'not a built-in and not a declared attribute of users',
      'declare it first',
    );
    expectInvalid(() => resourceset({ 'resource.owner': { equals: 'x' } }), 'resource type "document"');
  });
  it('operator not defined for the type, and unknown operators', () => {
    expectInvalid(
      () => userset({ 'user.admin': { 'greater-than': true } }),
      '["user.admin"]["greater-than"]',
      'not defined',
    );
    expectInvalid(() => userset({ 'user.dept': { eq: 'x' } }), '["user.dept"].eq', 'unknown operator "eq"');
  });
  it('operand of the wrong type (number-like strings are strings)', () => {
    expectInvalid(
      () => userset({ 'user.level': { equals: '5' } }),
      '["user.level"].equals',
      'needs a number',
      'the string "5"',
    );
    expectInvalid(() => userset({ 'user.dept': { equals: 5 } }), 'needs a string');
    expectInvalid(() => userset({ 'user.admin': { equals: 'true' } }), 'needs true or false');
    expectInvalid(() => userset({ 'user.hired': { 'less-than': '2024-01-01T10:00:00' } }), 'ISO 8601');
    expectInvalid(() => userset({ 'user.hired': { 'less-than': 1704067200000 } }), 'ISO 8601');
    expectInvalid(() => userset({ 'user.level': { in: [1, '2'] } }), '["user.level"].in[1]', 'needs a number');
    expectInvalid(() => userset({ 'user.level': { in: 1 } }), 'needs an array');
    expectInvalid(() => userset({ 'user.tags': { contains: ['a'] } }), 'JSON scalar');
    expectInvalid(() => userset({ 'user.tags': { 'contains-any': [{ a: 1 }] } }), 'contains-any"][0]');
    expectInvalid(() => userset({ 'user.tags': { equals: [[1]] } }), 'equals[0]');
    expectInvalid(() => userset({ 'user.profile': { equals: [1] } }), 'needs a JSON object');
    expectInvalid(() => userset({ 'user.meta': { equals: null } }), 'needs a JSON value (not null)');
    expectInvalid(() => userset({ 'user.dept': { exists: 'yes' } }), 'exists takes true or false');
    expectInvalid(() => userset({ 'user.dept': { 'starts-with': 1 } }), 'needs a string');
  });
  it('shape: one path and one operator per comparison, one key per node', () => {
    expectInvalid(() => userset({ 'user.dept': { equals: 'a' }, 'user.level': { equals: 1 } }), 'exactly one key');
    expectInvalid(() => userset({}), 'exactly one key', 'got none');
    expectInvalid(() => userset({ 'user.dept': { equals: 'a', 'not-equals': 'b' } }), 'exactly one operator');
    expectInvalid(() => userset({ 'user.dept': {} }), 'exactly one operator, got none');
    expectInvalid(() => userset({ 'user.dept': 'eng' }), 'a comparison is');
    expectInvalid(() => userset({ allOf: ok }), '.allOf', 'takes an array');
    expectInvalid(() => userset({ allOf: [ok, 'x'] }), 'allOf[1]', 'expected a condition object');
    expectInvalid(() => userset(null), 'expected a condition object');
  });
  it(`depth > ${MAX_CONDITION_DEPTH}`, () => {
    expect(userset(nested(MAX_CONDITION_DEPTH))(input({ user: { dept: 'eng' } }))).not.toBe(U);
    expectInvalid(() => userset(nested(MAX_CONDITION_DEPTH + 1)), 'nested deeper than 8 levels');
  });
  it(`> ${MAX_COMPARISONS} comparisons`, () => {
    const many = (n: number) => ({
      anyOf: Array.from({ length: n }, (_, i) => ({ 'user.dept': { equals: `d${i}` } })),
    });
    expect(userset(many(MAX_COMPARISONS))(input({ user: { dept: 'd63' } }))).toBe(T);
    expectInvalid(() => userset(many(MAX_COMPARISONS + 1)), 'conditions.anyOf[64]', 'more than 64 comparisons');
  });
  it(`operand arrays > ${MAX_ARRAY_LENGTH}`, () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(userset({ 'user.level': { in: list(MAX_ARRAY_LENGTH) } })(input({ user: { level: 999 } }))).toBe(T);
    expectInvalid(
      () => userset({ 'user.level': { in: list(MAX_ARRAY_LENGTH + 1) } }),
      '["user.level"].in',
      'at most 1000',
    );
  });
  it('a set larger than 16 KB of JSON', () => {
    const big = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(900, 'x'));
    expectInvalid(() => userset({ 'user.dept': { in: big } }), 'larger than 16384 bytes');
    // The limit counts the whole set: a longer name tips a set that fits over the limit.
    const set = (name: string) => ({
      key: 'eng',
      type: 'userset',
      name,
      conditions: { 'user.dept': { in: big.slice(0, 18) } },
    });
    const fits = JSON.stringify(set('n')).length;
    expect(fits).toBeLessThanOrEqual(16 * 1024);
    expect(() => compileConditionSet(set('n'), CATALOG)).not.toThrow();
    const over = 'n'.repeat(16 * 1024 - fits + 2);
    expect(JSON.stringify(set(over)).length).toBe(16 * 1024 + 1);
    expectInvalid(() => compileConditionSet(set(over), CATALOG), 'larger than 16384 bytes');
    expect(() => compileConditionSet(set(over.slice(1)), CATALOG)).not.toThrow();
  });
});

describe('condition set shape', () => {
  const base = {
    key: 'docs',
    type: 'resourceset',
    resourceType: 'document',
    conditions: { 'resource.public': { equals: true } },
  };
  it('compiles a set, keeps a private copy, reports the attributes it uses', () => {
    const conditions = {
      allOf: [{ 'resource.ownerId': { equals: { ref: 'user.dept' } } }, { 'resource.public': { equals: true } }],
    };
    const compiled = compileConditionSet({ ...base, conditions }, CATALOG);
    conditions.allOf.pop();
    expect(compiled.set.conditions).toEqual({
      allOf: [{ 'resource.ownerId': { equals: { ref: 'user.dept' } } }, { 'resource.public': { equals: true } }],
    });
    expect([...compiled.uses.resource].sort()).toEqual(['ownerId', 'public']);
    expect([...compiled.uses.user]).toEqual(['dept']);
    expect(compiled.evaluate(input({ user: { dept: 'a' }, resource: { ownerId: 'a', public: true } }))).toBe(T);
  });
  it('validateCondition returns the declared attributes used, built-ins and context excluded', () => {
    const uses = validateCondition(
      { allOf: [{ 'user.key': { equals: 'x' } }, { 'user.level': { equals: 1 } }, { 'context.a': { equals: 1 } }] },
      { setKey: 'u', setType: 'userset', catalog: CATALOG },
    );
    expect([...uses.user]).toEqual(['level']);
    expect(uses.resource.size + uses.tenant.size).toBe(0);
  });
  it('refuses unknown fields, bad type, resourceType rules', () => {
    expectInvalid(
      () => compileConditionSet({ ...base, extra: 1 }, CATALOG),
      'conditionSets[docs].extra',
      'unknown field',
    );
    expectInvalid(() => compileConditionSet({ ...base, type: 'groupset' }, CATALOG), 'conditionSets[docs].type');
    expectInvalid(() => compileConditionSet({ ...base, resourceType: undefined }, CATALOG), '.resourceType');
    expectInvalid(() => compileConditionSet({ ...base, resourceType: 'nope' }, CATALOG), 'does not exist');
    expectInvalid(() => compileConditionSet({ ...base, type: 'userset' }, CATALOG), 'a userset has no resourceType');
    expectInvalid(() => compileConditionSet({ ...base, conditions: undefined }, CATALOG), '.conditions: required');
    expectInvalid(() => compileConditionSet({ ...base, key: '' }, CATALOG), 'Invalid condition set', 'empty');
    expectInvalid(() => compileConditionSet({ ...base, key: 'a"b', x: 1 }, CATALOG), 'conditionSets["a\\"b"].x');
  });
});

describe('hostile input', () => {
  it('__proto__ / constructor / prototype as paths and keys: refused or plain data', () => {
    const proto = JSON.parse('{"__proto__": {"equals": "x"}}');
    expectInvalid(() => userset(proto), 'unknown path "__proto__"');
    expectInvalid(() => userset(JSON.parse('{"user.dept": {"__proto__": "x"}}')), 'unknown operator "__proto__"');
    expectInvalid(() => userset({ 'user.prototype': { exists: true } }), 'unknown path user.prototype');
    expectInvalid(() => userset({ 'constructor.name': { exists: true } }), 'unknown path');
    // Declared attributes named __proto__ / constructor are data: an empty record does not have them.
    expect(userset({ 'user.constructor': { exists: true } })(input())).toBe(F);
    expect(userset({ 'user.__proto__': { equals: 'x' } })(input())).toBe(U);
    expect(userset({ 'user.__proto__': { equals: 'x' } })(input({ user: JSON.parse('{"__proto__": "x"}') }))).toBe(T);
    expect(userset({ 'context.__proto__': { exists: true } })(input())).toBe(F);
    expect(userset({ 'context.constructor.name': { equals: 'Object' } })(input())).toBe(U);
    expect(userset({ 'context.toString': { exists: true } })(input())).toBe(F);
    const ctx = JSON.parse('{"__proto__": {"polluted": "yes"}}');
    expect(userset({ 'context.__proto__.polluted': { equals: 'yes' } })(input({ context: ctx }))).toBe(T);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // An operand object with prototype-ish keys is data compared structurally.
    const operand = JSON.parse('{"__proto__": {"admin": true}, "constructor": 1}');
    const evaluate = userset({ 'user.meta': { equals: operand } });
    expect(evaluate(input({ user: { meta: JSON.parse('{"__proto__": {"admin": true}, "constructor": 1}') } }))).toBe(T);
    expect(evaluate(input({ user: { meta: { constructor: 1 } } }))).toBe(F);
    expect(evaluate(input({ user: { meta: {} } }))).toBe(F);
  });
  it('10k-deep nesting is refused without recursion (objects and parsed JSON)', () => {
    for (const deep of [
      nested(10_000),
      JSON.parse(`${'{"not":'.repeat(10_000)}{"user.dept":{"equals":"x"}}${'}'.repeat(10_000)}`),
    ]) {
      expectInvalid(() => userset(deep), 'nested deeper than 8 levels');
    }
    let operand: unknown = 'x';
    for (let i = 0; i < 10_000; i++) operand = [operand];
    expectInvalid(() => userset({ 'user.meta': { equals: operand } }), 'nested deeper than 64 JSON levels');
    let object: unknown = 1;
    for (let i = 0; i < 10_000; i++) object = { a: object };
    expectInvalid(() => userset({ 'context.x': { equals: object } }), 'nested deeper than 64 JSON levels');
  });
  it('100k-element operand arrays and wide trees are refused', () => {
    const huge = Array.from({ length: 100_000 }, (_, i) => `v${i}`);
    expectInvalid(() => userset({ 'user.dept': { in: huge } }), 'the array has 100000 elements');
    expectInvalid(() => userset({ 'user.tags': { 'contains-all': huge } }), 'at most 1000');
    expectInvalid(() => userset({ allOf: Array.from({ length: 100_000 }, () => ({ allOf: [] })) }), 'larger than');
  });
  it('cycles and non-JSON values are refused', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.allOf = [cyclic];
    expectInvalid(() => userset(cyclic), 'nested deeper than 8 levels');
    const loop: unknown[] = [];
    loop.push(loop);
    expectInvalid(() => userset({ 'user.meta': { equals: loop } }), 'nested deeper');
    expectInvalid(() => userset({ 'user.meta': { equals: new Date() } }), 'not a JSON value');
    expectInvalid(() => userset({ 'user.meta': { equals: () => 1 } }), 'not a JSON value');
    expectInvalid(() => userset({ 'user.level': { equals: Number.NaN } }), 'not a JSON number');
    expectInvalid(() => userset({ 'user.level': { equals: undefined } }), 'not a JSON value');
  });
  it('number-like strings are strings at evaluation too', () => {
    expect(userset({ 'user.level': { equals: 5 } })(input({ user: { level: '5' } }))).toBe(U);
    expect(userset({ 'user.dept': { equals: '5' } })(input({ user: { dept: 5 } }))).toBe(U);
    expect(userset({ 'user.dept': { in: ['1', '2'] } })(input({ user: { dept: 1 } }))).toBe(U);
    expect(userset({ 'context.x': { equals: '1e3' } })(input({ context: { x: 1000 } }))).toBe(U);
    expect(userset({ 'context.x': { equals: 1000 } })(input({ context: { x: '1e3' } }))).toBe(U);
    expect(userset({ 'user.tags': { contains: '1' } })(input({ user: { tags: [1] } }))).toBe(F);
  });
  it('a hostile value at evaluation never throws or allows', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const evaluate = userset({ 'user.meta': { equals: [[['x']]] } });
    expect(evaluate(input({ user: { meta: deep } }))).toBe(F);
    const cyclic: Record<string, unknown> = {};
    cyclic.a = cyclic;
    expect(userset({ 'user.profile': { equals: { a: { a: {} } } } })(input({ user: { profile: cyclic } }))).toBe(F);
  });
  it('the error is a PermissioValidationError with code VALIDATION_ERROR', () => {
    const error = expectInvalid(() => userset({ x: 1 }));
    expect(error).toBeInstanceOf(PermissioValidationError);
    expect(error.code).toBe('VALIDATION_ERROR');
  });
});

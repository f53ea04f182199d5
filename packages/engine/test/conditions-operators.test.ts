/**
 * Every operator on every type it accepts (TRUE, FALSE and UNKNOWN cases),
 * and its rejection on the types it does not accept.
 */
import { describe, expect, it } from 'vitest';
import { OPERATORS, OPERATORS_BY_TYPE, Tri } from '../src/conditions/index.js';
import type { AttributeType } from '../src/conditions/index.js';
import { expectInvalid, input, userset } from './conditions-helpers.js';

const { TRUE: T, FALSE: F, UNKNOWN: U } = Tri;
const ABSENT = Symbol('absent');

/** [path, operator, operand, [value, expected][]] */
type Case = [string, string, unknown, [unknown, Tri][]];

const CASES: Case[] = [
  // string
  [
    'user.dept',
    'equals',
    'eng',
    [
      ['eng', T],
      ['Eng', F],
      ['eng ', F],
      [5, U],
      [null, U],
      [ABSENT, U],
    ],
  ],
  [
    'user.dept',
    'not-equals',
    'eng',
    [
      ['ops', T],
      ['eng', F],
      [['eng'], U],
      [ABSENT, U],
    ],
  ],
  [
    'user.dept',
    'in',
    ['eng', 'ops'],
    [
      ['ops', T],
      ['hr', F],
      [5, U],
      [ABSENT, U],
    ],
  ],
  [
    'user.dept',
    'not-in',
    ['eng', 'ops'],
    [
      ['hr', T],
      ['eng', F],
      [true, U],
      [null, U],
    ],
  ],
  [
    'user.dept',
    'contains',
    'ng',
    [
      ['eng', T],
      ['ops', F],
      [['ng'], U],
      [ABSENT, U],
    ],
  ],
  [
    'user.dept',
    'starts-with',
    'en',
    [
      ['eng', T],
      ['e', F],
      ['ENG', F],
      [['en'], U],
    ],
  ],
  [
    'user.dept',
    'exists',
    true,
    [
      ['', T],
      ['x', T],
      [null, F],
      [ABSENT, F],
      [5, T],
    ],
  ],
  [
    'user.dept',
    'exists',
    false,
    [
      ['x', F],
      [null, T],
      [ABSENT, T],
    ],
  ],
  // number
  [
    'user.level',
    'equals',
    3,
    [
      [3, T],
      [3.0, T],
      [4, F],
      ['3', U],
      [null, U],
      [Number.NaN, U],
    ],
  ],
  [
    'user.level',
    'not-equals',
    3,
    [
      [4, T],
      [3, F],
      ['4', U],
      [ABSENT, U],
    ],
  ],
  [
    'user.level',
    'greater-than',
    3,
    [
      [4, T],
      [3, F],
      [-1, F],
      ['4', U],
      [Number.POSITIVE_INFINITY, U],
    ],
  ],
  [
    'user.level',
    'greater-than-equals',
    3,
    [
      [3, T],
      [2.99, F],
      [ABSENT, U],
    ],
  ],
  [
    'user.level',
    'less-than',
    3,
    [
      [2, T],
      [3, F],
      [true, U],
    ],
  ],
  [
    'user.level',
    'less-than-equals',
    3,
    [
      [3, T],
      [4, F],
      [null, U],
    ],
  ],
  [
    'user.level',
    'in',
    [1, 2],
    [
      [2, T],
      [3, F],
      ['2', U],
    ],
  ],
  [
    'user.level',
    'not-in',
    [1, 2],
    [
      [3, T],
      [1, F],
      ['3', U],
    ],
  ],
  [
    'user.level',
    'exists',
    true,
    [
      [0, T],
      [ABSENT, F],
    ],
  ],
  // bool
  [
    'user.admin',
    'equals',
    true,
    [
      [true, T],
      [false, F],
      ['true', U],
      [1, U],
    ],
  ],
  [
    'user.admin',
    'not-equals',
    true,
    [
      [false, T],
      [true, F],
      [ABSENT, U],
    ],
  ],
  [
    'user.admin',
    'in',
    [true],
    [
      [true, T],
      [false, F],
      ['true', U],
    ],
  ],
  [
    'user.admin',
    'not-in',
    [true],
    [
      [false, T],
      [true, F],
      [0, U],
    ],
  ],
  [
    'user.admin',
    'exists',
    true,
    [
      [false, T],
      [null, F],
    ],
  ],
  // time
  [
    'user.hired',
    'equals',
    '2024-01-01T00:00:00Z',
    [
      ['2024-01-01T01:00:00+01:00', T],
      ['2024-01-01', T],
      [new Date('2024-01-01T00:00:00Z'), T],
      ['2024-01-01T00:00:00.001Z', F],
      ['2024-01-01T00:00:00', U],
      ['yesterday', U],
      ['2024-02-30', U],
      [1704067200000, U],
      [ABSENT, U],
    ],
  ],
  [
    'user.hired',
    'not-equals',
    '2024-01-01',
    [
      ['2024-01-02', T],
      ['2024-01-01T00:00Z', F],
      ['x', U],
    ],
  ],
  [
    'user.hired',
    'greater-than',
    '2024-01-01T00:00:00Z',
    [
      ['2024-01-01T00:00:01Z', T],
      ['2024-01-01T00:30:00+01:00', F],
      ['soon', U],
    ],
  ],
  [
    'user.hired',
    'greater-than-equals',
    '2024-01-01',
    [
      ['2024-01-01T00:00:00Z', T],
      ['2023-12-31T23:59:59.999Z', F],
    ],
  ],
  [
    'user.hired',
    'less-than',
    '2024-01-01',
    [
      ['2023-12-31', T],
      ['2024-01-01', F],
      [null, U],
    ],
  ],
  [
    'user.hired',
    'less-than-equals',
    '2024-01-01',
    [
      ['2024-01-01', T],
      ['2024-01-02', F],
      [5, U],
    ],
  ],
  [
    'user.hired',
    'in',
    ['2024-01-01', '2025-01-01T00:00:00Z'],
    [
      ['2025-01-01T02:00:00+02:00', T],
      ['2024-06-01', F],
      ['x', U],
    ],
  ],
  [
    'user.hired',
    'not-in',
    ['2024-01-01'],
    [
      ['2024-06-01', T],
      ['2024-01-01T00:00:00Z', F],
      [ABSENT, U],
    ],
  ],
  [
    'user.hired',
    'exists',
    true,
    [
      ['not even a time', T],
      [ABSENT, F],
    ],
  ],
  // array
  [
    'user.tags',
    'equals',
    ['a', 'b'],
    [
      [['a', 'b'], T],
      [['b', 'a'], F],
      [['a'], F],
      ['a', U],
      [ABSENT, U],
    ],
  ],
  [
    'user.tags',
    'not-equals',
    ['a', 'b'],
    [
      [['a'], T],
      [['a', 'b'], F],
      ['ab', U],
    ],
  ],
  [
    'user.tags',
    'contains',
    'a',
    [
      [['a', 'x'], T],
      [['b'], F],
      [[], F],
      ['a', U],
      [null, U],
    ],
  ],
  [
    'user.tags',
    'contains',
    1,
    [
      [[1, 2], T],
      [['1'], F],
    ],
  ],
  [
    'user.tags',
    'contains-any',
    ['a', 'z'],
    [
      [['z'], T],
      [['b'], F],
      [[], F],
      ['a', U],
    ],
  ],
  ['user.tags', 'contains-any', [], [[['a'], F]]],
  [
    'user.tags',
    'contains-all',
    ['a', 'b'],
    [
      [['b', 'x', 'a'], T],
      [['a'], F],
      ['ab', U],
    ],
  ],
  ['user.tags', 'contains-all', [], [[[], T]]],
  [
    'user.tags',
    'exists',
    true,
    [
      [[], T],
      [ABSENT, F],
    ],
  ],
  // json
  [
    'user.meta',
    'equals',
    { x: [1, { y: 2 }] },
    [
      [{ x: [1, { y: 2 }] }, T],
      [{ x: [1, { y: 3 }] }, F],
      [{ x: [1, { y: 2 }], z: 1 }, F],
      [ABSENT, U],
      [null, U],
    ],
  ],
  [
    'user.meta',
    'equals',
    5,
    [
      [5, T],
      ['5', F],
      [[5], F],
    ],
  ],
  [
    'user.meta',
    'exists',
    true,
    [
      [0, T],
      [null, F],
    ],
  ],
  // object
  [
    'user.profile',
    'equals',
    { a: 1 },
    [
      [{ a: 1 }, T],
      [{ a: 2 }, F],
      [{}, F],
      [[1], U],
      ['{"a":1}', U],
    ],
  ],
  [
    'user.profile',
    'exists',
    false,
    [
      [{}, F],
      [ABSENT, T],
    ],
  ],
];

describe('operators on declared types', () => {
  for (const [path, op, operand, rows] of CASES) {
    it(`${path} ${op} ${JSON.stringify(operand)}`, () => {
      const evaluate = userset({ [path]: { [op]: operand } });
      for (const [value, expected] of rows) {
        const attrs = value === ABSENT ? {} : { [path.slice(5)]: value };
        expect({ value, result: evaluate(input({ user: attrs })) }).toEqual({ value, result: expected });
      }
    });
  }
});

const PATH_OF: Record<AttributeType, string> = {
  string: 'user.dept',
  number: 'user.level',
  bool: 'user.admin',
  time: 'user.hired',
  array: 'user.tags',
  json: 'user.meta',
  object: 'user.profile',
};

describe('operators refused on types that do not define them', () => {
  for (const [type, path] of Object.entries(PATH_OF) as [AttributeType, string][]) {
    const allowed = OPERATORS_BY_TYPE.get(type) as ReadonlySet<string>;
    for (const op of OPERATORS.filter((o) => !allowed.has(o))) {
      it(`${op} on ${type}`, () => {
        expectInvalid(
          () => userset({ allOf: [{ 'user.dept': { exists: true } }, { [path]: { [op]: 'x' } }] }),
          `conditionSets[eng].conditions.allOf[1]["${path}"]`,
          `operator ${op} is not defined for ${path} (type ${type})`,
        );
      });
    }
  }
  it('every declared type is covered and the table matches the contract', () => {
    expect(Object.keys(PATH_OF).sort()).toEqual(['array', 'bool', 'json', 'number', 'object', 'string', 'time']);
    expect(OPERATORS).toHaveLength(13);
    expect([...(OPERATORS_BY_TYPE.get('json') ?? [])].sort()).toEqual(['equals', 'exists']);
    expect([...(OPERATORS_BY_TYPE.get('object') ?? [])].sort()).toEqual(['equals', 'exists']);
  });
});

describe('built-in paths', () => {
  it('user.key, user.email, user.roles', () => {
    expect(userset({ 'user.key': { equals: 'alice' } })(input())).toBe(T);
    expect(userset({ 'user.email': { 'starts-with': 'a@' } })(input())).toBe(U);
    expect(userset({ 'user.email': { 'starts-with': 'a@' } })(input({ email: 'a@x.io' }))).toBe(T);
    expect(userset({ 'user.roles': { contains: 'admin' } })(input({ roles: ['viewer', 'admin'] }))).toBe(T);
    expect(userset({ 'user.roles': { contains: 'admin' } })(input())).toBe(F);
    expect(userset({ 'tenant.key': { equals: 'default' } })(input())).toBe(T);
  });
  it("the check's user attributes win over the stored ones, key by key", () => {
    const evaluate = userset({ allOf: [{ 'user.dept': { equals: 'eng' } }, { 'user.level': { equals: 3 } }] });
    expect(evaluate(input({ stored: { dept: 'ops', level: 3 }, user: { dept: 'eng' } }))).toBe(T);
    expect(evaluate(input({ stored: { dept: 'eng', level: 3 }, user: { dept: 'ops' } }))).toBe(F);
    expect(evaluate(input({ stored: { dept: 'eng', level: 3 }, user: { dept: null } }))).toBe(U);
    expect(evaluate(input({ stored: { dept: 'eng', level: 3 }, user: { dept: undefined } }))).toBe(T);
  });
});

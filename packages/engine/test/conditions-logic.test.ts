/**
 * Three-valued logic, `ref` operands, untyped `context.*` / tenant paths, and
 * the guarantee that a missing, null or wrong-type attribute never becomes
 * TRUE through `not`.
 */
import { describe, expect, it } from 'vitest';
import { Tri, compileCondition } from '../src/conditions/index.js';
import { CATALOG, expectInvalid, input, resourceset, userset } from './conditions-helpers.js';

const { TRUE: T, FALSE: F, UNKNOWN: U } = Tri;

const isEng = { 'user.dept': { equals: 'eng' } };
const senior = { 'user.level': { 'greater-than-equals': 5 } };

describe('Kleene logic', () => {
  const values = { T: { dept: 'eng' }, F: { dept: 'ops' }, U: {} } as const;
  const lvl = { T: { level: 9 }, F: { level: 1 }, U: { level: '9' } } as const;
  const order = { T, F, U } as const;
  const and = (a: Tri, b: Tri) => Math.min(a, b);
  const or = (a: Tri, b: Tri) => Math.max(a, b);
  for (const a of ['T', 'F', 'U'] as const) {
    for (const b of ['T', 'F', 'U'] as const) {
      it(`${a} and/or ${b}`, () => {
        const attrs = input({ user: { ...values[a], ...lvl[b] } });
        expect(userset({ allOf: [isEng, senior] })(attrs)).toBe(and(order[a], order[b]));
        expect(userset({ anyOf: [isEng, senior] })(attrs)).toBe(or(order[a], order[b]));
        expect(userset({ not: { allOf: [isEng, senior] } })(attrs)).toBe(0 - and(order[a], order[b]));
      });
    }
  }
  it('not UNKNOWN is UNKNOWN, never TRUE', () => {
    expect(userset({ not: isEng })(input())).toBe(U);
    expect(userset({ not: { not: isEng } })(input())).toBe(U);
    expect(userset({ not: isEng })(input({ user: { dept: null } }))).toBe(U);
    expect(userset({ not: isEng })(input({ user: { dept: 42 } }))).toBe(U);
    expect(userset({ not: isEng })(input({ user: { dept: 'ops' } }))).toBe(T);
    expect(userset({ not: { 'user.dept': { exists: true } } })(input())).toBe(T);
  });
  it('warning example: "not classified" over a document without the attribute is not a match', () => {
    const notSecret = resourceset({ not: { 'resource.classification': { equals: 'secret' } } });
    expect(notSecret(input({ resource: { classification: 'public' } }))).toBe(T);
    expect(notSecret(input({ resource: { classification: 'secret' } }))).toBe(F);
    expect(notSecret(input({ resource: {} }))).toBe(U);
    const explicit = resourceset({
      anyOf: [
        { 'resource.classification': { exists: false } },
        { not: { 'resource.classification': { equals: 'secret' } } },
      ],
    });
    expect(explicit(input({ resource: {} }))).toBe(T);
  });
  it('empty allOf is TRUE and empty anyOf is FALSE', () => {
    expect(userset({ allOf: [] })(input())).toBe(T);
    expect(userset({ anyOf: [] })(input())).toBe(F);
  });
  it('results are exactly 1, 0 and -1 (no -0)', () => {
    expect(Object.is(userset({ not: isEng })(input()), 0)).toBe(true);
  });
});

describe('ref operands', () => {
  const owner = resourceset({ 'resource.ownerId': { equals: { ref: 'user.key' } } });
  it('owners may edit their own documents', () => {
    expect(owner(input({ userKey: 'alice', resource: { ownerId: 'alice' } }))).toBe(T);
    expect(owner(input({ userKey: 'bob', resource: { ownerId: 'alice' } }))).toBe(F);
    expect(owner(input({ resource: {} }))).toBe(U);
    expect(owner(input({ resource: { ownerId: 7 } }))).toBe(U);
  });
  it('absent or wrong-type ref is UNKNOWN', () => {
    const sameDept = userset({ 'user.dept': { equals: { ref: 'user.dept2' } } });
    expect(sameDept(input({ user: { dept: 'eng', dept2: 'eng' } }))).toBe(T);
    expect(sameDept(input({ user: { dept: 'eng' } }))).toBe(U);
    expect(sameDept(input({ user: { dept: 'eng', dept2: 5 } }))).toBe(U);
    expect(userset({ not: { 'user.dept': { equals: { ref: 'user.dept2' } } } })(input({ user: { dept: 'eng' } }))).toBe(
      U,
    );
  });
  it('array contains ref, value in ref array, contains-any / contains-all against a ref array', () => {
    const editor = resourceset({ 'resource.editors': { contains: { ref: 'user.key' } } });
    expect(editor(input({ userKey: 'bob', resource: { editors: ['ann', 'bob'] } }))).toBe(T);
    expect(editor(input({ userKey: 'eve', resource: { editors: ['ann', 'bob'] } }))).toBe(F);
    expect(editor(input({ userKey: 'eve', resource: { editors: 'eve' } }))).toBe(U);
    const listed = resourceset({ 'resource.ownerId': { in: { ref: 'user.tags' } } });
    expect(listed(input({ user: { tags: ['a', 'b'] }, resource: { ownerId: 'b' } }))).toBe(T);
    expect(listed(input({ user: { tags: ['a', 'b'] }, resource: { ownerId: 'c' } }))).toBe(F);
    expect(listed(input({ user: { tags: 'b' }, resource: { ownerId: 'b' } }))).toBe(U);
    const notListed = resourceset({ 'resource.ownerId': { 'not-in': { ref: 'user.tags' } } });
    expect(notListed(input({ user: { tags: ['a'] }, resource: { ownerId: 'b' } }))).toBe(T);
    const any = resourceset({ 'resource.editors': { 'contains-any': { ref: 'user.tags' } } });
    expect(any(input({ user: { tags: ['x', 'b'] }, resource: { editors: ['b'] } }))).toBe(T);
    expect(any(input({ user: { tags: ['x'] }, resource: { editors: ['b'] } }))).toBe(F);
    const all = resourceset({ 'resource.editors': { 'contains-all': { ref: 'user.tags' } } });
    expect(all(input({ user: { tags: ['a', 'b'] }, resource: { editors: ['b', 'a', 'c'] } }))).toBe(T);
    expect(all(input({ user: { tags: ['a', 'z'] }, resource: { editors: ['b', 'a'] } }))).toBe(F);
  });
  it('time ref compares instants; time in ref array parses each element', () => {
    const newer = resourceset({ 'resource.created': { 'greater-than': { ref: 'user.hired' } } });
    expect(newer(input({ user: { hired: '2024-01-01' }, resource: { created: '2024-01-01T00:00:01Z' } }))).toBe(T);
    expect(newer(input({ user: { hired: '2024-01-01' }, resource: { created: '2023-01-01' } }))).toBe(F);
    expect(newer(input({ user: { hired: 'nope' }, resource: { created: '2023-01-01' } }))).toBe(U);
    const when = resourceset({ 'resource.created': { in: { ref: 'context.days' } } });
    expect(
      when(
        input({ context: { days: ['2024-01-02', '2024-01-01T02:00:00+02:00'] }, resource: { created: '2024-01-01' } }),
      ),
    ).toBe(T);
  });
  it('refs to context and untyped tenant attributes are checked at evaluation', () => {
    const sameDept = userset({ 'user.dept': { equals: { ref: 'tenant.dept' } } });
    expect(sameDept(input({ user: { dept: 'eng' }, tenant: { dept: 'eng' } }))).toBe(T);
    expect(sameDept(input({ user: { dept: 'eng' }, tenant: { dept: 1 } }))).toBe(U);
    const recent = resourceset({ 'resource.created': { 'greater-than': { ref: 'context.since' } } });
    expect(recent(input({ resource: { created: '2024-05-01' }, context: { since: '2024-01-01' } }))).toBe(T);
    expect(recent(input({ resource: { created: '2024-05-01' }, context: { since: 5 } }))).toBe(U);
  });
  it('an untyped path takes its type from a typed ref', () => {
    const fromCtx = resourceset({ 'context.owner': { equals: { ref: 'user.key' } } });
    expect(fromCtx(input({ userKey: 'bob', context: { owner: 'bob' } }))).toBe(T);
    expect(fromCtx(input({ userKey: 'bob', context: { owner: ['bob'] } }))).toBe(U);
  });
  it('refused: ref to a path of another type, names the path', () => {
    expectInvalid(
      () => resourceset({ allOf: [{ 'resource.size': { equals: { ref: 'user.dept' } } }] }),
      'conditionSets[docs].conditions.allOf[0]["resource.size"].equals.ref',
      'user.dept is of type string',
    );
    expectInvalid(() => resourceset({ 'resource.ownerId': { in: { ref: 'user.dept' } } }), 'needs an array path');
    expectInvalid(
      () => resourceset({ 'resource.editors': { contains: { ref: 'user.tags' } } }),
      'user.tags is of type array',
    );
    expectInvalid(() => resourceset({ 'context.a': { equals: { ref: 'context.b' } } }), 'both untyped');
    expectInvalid(() => userset({ 'user.dept': { equals: { ref: 5 } } }), '.equals.ref', 'ref takes a path string');
    expectInvalid(
      () => userset({ 'user.dept': { equals: { ref: 'user.nope' } } }),
      '.equals.ref',
      'unknown path user.nope',
    );
  });
});

describe('context.* (untyped: the operand gives the type, checked at evaluation)', () => {
  it('equals / ordering / time / contains / in / starts-with / exists', () => {
    expect(userset({ 'context.ip': { equals: '10.0.0.1' } })(input({ context: { ip: '10.0.0.1' } }))).toBe(T);
    expect(userset({ 'context.ip': { equals: '10.0.0.1' } })(input({ context: { ip: 10 } }))).toBe(U);
    expect(userset({ 'context.n': { 'greater-than': 5 } })(input({ context: { n: 6 } }))).toBe(T);
    expect(userset({ 'context.n': { 'greater-than': 5 } })(input({ context: { n: '6' } }))).toBe(U);
    const before = userset({ 'context.now': { 'less-than': '2030-01-01T00:00:00Z' } });
    expect(before(input({ context: { now: '2029-12-31T23:00:00-02:00' } }))).toBe(F);
    expect(before(input({ context: { now: '2029-12-31T21:00:00-02:00' } }))).toBe(T);
    expect(before(input({ context: { now: 'later' } }))).toBe(U);
    const has = userset({ 'context.x': { contains: 'ab' } });
    expect(has(input({ context: { x: 'xaby' } }))).toBe(T);
    expect(has(input({ context: { x: ['ab'] } }))).toBe(T);
    expect(has(input({ context: { x: ['abc'] } }))).toBe(F);
    expect(has(input({ context: { x: 5 } }))).toBe(U);
    const inList = userset({ 'context.x': { in: ['a', 1, true] } });
    expect(inList(input({ context: { x: 1 } }))).toBe(T);
    expect(inList(input({ context: { x: '1' } }))).toBe(F);
    expect(inList(input({ context: { x: { a: 1 } } }))).toBe(U);
    expect(userset({ 'context.a.b.c': { equals: 1 } })(input({ context: { a: { b: { c: 1 } } } }))).toBe(T);
    expect(userset({ 'context.a.b.c': { equals: 1 } })(input({ context: { a: { b: 1 } } }))).toBe(U);
    expect(userset({ 'context.a.b': { exists: true } })(input({ context: { a: [{ b: 1 }] } }))).toBe(F);
    expect(userset({ 'context.o': { equals: { k: [1] } } })(input({ context: { o: { k: [1] } } }))).toBe(T);
    expect(userset({ 'context.s': { 'starts-with': 'x' } })(input({ context: { s: 'xy' } }))).toBe(T);
  });
  it('refused: operands that give no type', () => {
    expectInvalid(() => userset({ 'context.x': { equals: null } }), '["context.x"].equals', 'use exists');
    expectInvalid(() => userset({ 'context.x': { 'greater-than': true } }), 'compares numbers or times');
    expectInvalid(() => userset({ 'context.x': { 'greater-than': 'soon' } }), 'ISO 8601');
    expectInvalid(() => userset({ 'context.x': { in: 'a' } }), 'takes an array');
    expectInvalid(() => userset({ 'context.x': { 'not-equals': { a: 1 } } }), 'not-equals is not defined');
  });
});

describe('scope of a set', () => {
  it('a userset may not read resource.*', () => {
    expectInvalid(() => userset({ 'resource.classification': { equals: 'x' } }), 'a userset cannot read');
    expectInvalid(() => userset({ 'user.dept': { equals: { ref: 'resource.ownerId' } } }), 'a userset cannot read');
  });
  it('a resourceset reads user.* and tenant.* only through ref', () => {
    expectInvalid(
      () => resourceset({ 'user.dept': { equals: 'eng' } }),
      'conditionSets[docs].conditions["user.dept"]',
      'may only appear as an operand',
    );
    expectInvalid(() => resourceset({ 'tenant.key': { equals: 'x' } }), 'may only appear as an operand');
  });
  it("a resourceset may not read another resource type's attribute", () => {
    expectInvalid(() => resourceset({ 'resource.color': { equals: 'red' } }), 'declared on "folder"');
  });
  it('declared tenant attributes are typed when the catalog declares them', () => {
    const scope = {
      setKey: 't',
      setType: 'userset' as const,
      catalog: { ...CATALOG, tenant: [{ key: 'tier', type: 'number' as const }] },
    };
    expect(compileCondition({ 'tenant.tier': { 'greater-than': 1 } }, scope)(input({ tenant: { tier: 2 } }))).toBe(T);
    expectInvalid(() => compileCondition({ 'tenant.tier': { equals: 'gold' } }, scope), 'needs a number');
    expectInvalid(() => compileCondition({ 'tenant.plan': { equals: 'gold' } }, scope), 'unknown path tenant.plan');
  });
});

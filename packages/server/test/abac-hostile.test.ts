/**
 * Hostile condition JSON over REST: `__proto__`/`constructor` keys and
 * paths, 10k-deep nesting, huge operand arrays, numeric-looking strings.
 * Every answer is a 422 (or 413 for a body over the limit) or a write whose
 * condition is evaluated as plain data — never a 500, never an allow.
 */
import type { PolicySnapshot } from '@permissio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PermissioServer } from '../src/index.js';
import { client, KEY_A, SCOPE_A, startTestServer } from './helpers.js';

let server: PermissioServer;
let api: ReturnType<typeof client>;

const POLICY: PolicySnapshot = {
  resources: [{ key: 'item', actions: ['read', 'probe'], attributes: [{ key: 'n', type: 'number' }] }],
  userAttributes: [
    { key: 's', type: 'string' },
    { key: 'n', type: 'number' },
    { key: 't', type: 'time' },
    { key: 'j', type: 'json' },
    { key: 'k', type: 'json' },
    { key: 'a', type: 'array' },
    { key: 'constructor', type: 'string' },
  ],
  conditionSets: [{ key: 'any-item', type: 'resourceset', resourceType: 'item', conditions: { allOf: [] } }],
};

beforeAll(async () => {
  server = await startTestServer({ seed: POLICY, seedScopes: [SCOPE_A] });
  api = client(server.url, KEY_A);
});
afterAll(() => server.close());

/** `POST P/condition_sets` with a raw JSON text (so `__proto__` keys reach the server as written). */
const createRaw = (text: string) => api('POST', 'P/condition_sets', undefined, text);

/** A userset with `conditions`, ruled onto `item:<action>` over every item; returns the create status. */
async function ruled(key: string, conditionsJson: string, action = 'read'): Promise<number> {
  const answer = await createRaw(`{"key":${JSON.stringify(key)},"type":"userset","conditions":${conditionsJson}}`);
  if (answer.status !== 201) return answer.status;
  const rule = await api('POST', 'P/condition_set_rules', {
    userSet: key,
    permission: `item:${action}`,
    resourceSet: 'any-item',
  });
  expect(rule.status).toBe(201);
  return 201;
}

async function allowed(user: unknown, context?: unknown, action = 'read'): Promise<boolean> {
  const body: Record<string, unknown> = { user, action, resource: { type: 'item', key: 'i1' } };
  if (context !== undefined) body.context = context;
  const answer = await api('POST', 'P/check', body);
  expect(answer.status, answer.text).toBe(200);
  return answer.body.allowed;
}

function nested(depth: number, leaf: string, open: (inner: string) => string): string {
  let text = leaf;
  for (let i = 0; i < depth; i++) text = open(text);
  return text;
}

describe('hostile condition JSON over REST', () => {
  it('10k-deep nesting (combinators, operand values, a whole body) is a 422 or 413 — no crash, no stack overflow', async () => {
    const leaf = '{"user.s":{"equals":"x"}}';
    const deepNot = await createRaw(
      `{"key":"deep","type":"userset","conditions":${nested(10_000, leaf, (i) => `{"not":${i}}`)}}`,
    );
    expect(deepNot.status).toBe(422);
    expect(deepNot.body.error.message).toMatch(/nested deeper than 8/);

    const deepAll = await createRaw(
      `{"key":"deep","type":"userset","conditions":${nested(10_000, leaf, (i) => `{"allOf":[${i}]}`)}}`,
    );
    expect(deepAll.status).toBe(422);

    const deepOperand = await createRaw(
      `{"key":"deep","type":"userset","conditions":{"user.j":{"equals":${nested(10_000, '1', (i) => `[${i}]`)}}}}`,
    );
    expect(deepOperand.status).toBe(422);

    const deepObject = await createRaw(
      `{"key":"deep","type":"userset","conditions":{"user.j":{"equals":${nested(10_000, '1', (i) => `{"a":${i}}`)}}}}`,
    );
    expect(deepObject.status).toBe(422);

    // 300k levels of arrays (600 KB): under the body limit, refused by the schema (conditions is an object).
    const veryDeep = await createRaw(
      `{"key":"deep","type":"userset","conditions":${'['.repeat(300_000)}${']'.repeat(300_000)}}`,
    );
    expect(veryDeep.status).toBe(422);
    // 150k levels of objects (750 KB): the engine's iterative walk refuses it with a bounded message.
    const veryDeepObject = await createRaw(
      `{"key":"deep","type":"userset","conditions":${'{"a":'.repeat(150_000)}1${'}'.repeat(150_000)}}`,
    );
    expect(veryDeepObject.status).toBe(422);
    expect(veryDeepObject.text.length).toBeLessThan(4096);

    const snapshot = await api(
      'PUT',
      'P/snapshot',
      undefined,
      JSON.stringify({ ...POLICY, conditionSets: [] }).replace(
        '"conditionSets":[]',
        `"conditionSets":[{"key":"deep","type":"userset","conditions":${nested(10_000, leaf, (i) => `{"not":${i}}`)}}]`,
      ),
    );
    expect(snapshot.status).toBe(422);
    expect((await api('GET', 'P/condition_sets/deep')).status).toBe(404);
    expect((await api('GET', '/healthz')).status).toBe(200);
  });

  it('a ref between two check-time values 50k–100k levels deep is compared without deepening the stack', async () => {
    expect(await ruled('refs', '{"user.j":{"equals":{"ref":"user.k"}}}', 'probe')).toBe(201);
    const deep = (n: number, leaf: string) => `${'['.repeat(n)}${leaf}${']'.repeat(n)}`;
    const deepObject = (n: number, leaf: string) => `${'{"a":'.repeat(n)}${leaf}${'}'.repeat(n)}`;
    // Arrays up to 100k levels, objects up to 50k (both under the 1 MiB body limit).
    for (const [make, same, other, depths] of [
      [deep, '1', '2', [10_000, 100_000]],
      [deepObject, '"x"', '"y"', [10_000, 50_000]],
    ] as const) {
      for (const n of depths) {
        const raw = (leafK: string) =>
          `{"user":{"key":"u","attributes":{"j":${make(n, same)},"k":${make(n, leafK)}}},"action":"probe","resource":"item"}`;
        const equal = await api('POST', 'P/check', undefined, raw(same));
        expect(equal.status, equal.text).toBe(200);
        expect(equal.body.allowed).toBe(true);
        const differ = await api('POST', 'P/check/explain', undefined, raw(other));
        expect(differ.status, differ.text).toBe(200);
        expect(differ.body.allowed).toBe(false);
      }
    }
    await api('DELETE', 'P/condition_sets/refs');
  });

  it('__proto__ and constructor as keys and paths: 422 or plain data, never the prototype', async () => {
    // a __proto__ field of the set itself is an unknown field, named
    const protoField = await createRaw(
      '{"key":"p","type":"userset","conditions":{"allOf":[]},"__proto__":{"resourceType":"item"}}',
    );
    expect(protoField.status).toBe(422);
    expect(protoField.body.error.details.field).toBe('body.__proto__');

    expect(await ruled('p1', '{"__proto__":{"equals":1}}')).toBe(422); // not a path
    expect(await ruled('p2', '{"user.__proto__":{"exists":true}}')).toBe(422); // not declared
    expect(await ruled('p3', '{"user.s":{"__proto__":"x"}}')).toBe(422); // not an operator
    expect(await ruled('p4', '{"constructor":{"equals":1}}')).toBe(422);
    expect(await ruled('p5', '{"allOf":[],"__proto__":{"anyOf":[]}}')).toBe(422); // two keys in a node
    expect(await ruled('p6', '{"user.s":{"equals":{"__proto__":{"ref":"user.key"}}}}')).toBe(422); // not a string
    expect(await ruled('p7', '{"user.s":{"equals":{"ref":"user.__proto__"}}}')).toBe(422);

    // context paths are untyped: evaluated over own keys only
    expect(await ruled('ctx', '{"context.constructor.name":{"equals":"Object"}}')).toBe(201);
    expect(await allowed('u', {})).toBe(false);
    expect(await allowed('u')).toBe(false);
    expect(await allowed('u', { constructor: { name: 'Object' } })).toBe(true);
    await api('DELETE', 'P/condition_sets/ctx');

    expect(await ruled('ctx-proto', '{"context.__proto__.polluted":{"exists":true}}')).toBe(201);
    expect(await allowed('u', {})).toBe(false);
    expect(await allowed('u', JSON.parse('{"__proto__":{"polluted":1}}'))).toBe(true);
    await api('DELETE', 'P/condition_sets/ctx-proto');

    // a declared attribute named constructor is plain data; a missing one is UNKNOWN, not Object
    expect(await ruled('ctor', '{"user.constructor":{"exists":true}}')).toBe(201);
    expect(await allowed({ key: 'u', attributes: {} })).toBe(false);
    expect(await allowed({ key: 'u', attributes: { constructor: 'x' } })).toBe(true);
    await api('DELETE', 'P/condition_sets/ctor');

    // a json operand holding __proto__ is compared as data (the set echoes it back as an own key)
    expect(await ruled('jproto', '{"user.j":{"equals":{"__proto__":{"admin":true}}}}')).toBe(201);
    const echoed = await api('GET', 'P/condition_sets/jproto');
    expect(echoed.text).toContain('"__proto__":{"admin":true}');
    expect(await allowed({ key: 'u', attributes: { j: {} } })).toBe(false);
    expect(await allowed({ key: 'u', attributes: JSON.parse('{"j":{"__proto__":{"admin":true}}}') })).toBe(true);
    await api('DELETE', 'P/condition_sets/jproto');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('huge operand arrays: > 1,000 elements or > 16 KB is a 422, over 1 MiB a 413', async () => {
    const big = await ruled('big', JSON.stringify({ 'user.n': { in: Array.from({ length: 1001 }, (_, i) => i) } }));
    expect(big).toBe(422);
    const wide = await ruled(
      'wide',
      JSON.stringify({ 'user.s': { in: Array.from({ length: 1000 }, () => 'x'.repeat(40)) } }),
    );
    expect(wide).toBe(422);
    const huge = await ruled(
      'huge',
      JSON.stringify({ 'user.n': { in: Array.from({ length: 300_000 }, (_, i) => i) } }),
    );
    expect(huge).toBe(413);
    for (const key of ['big', 'wide', 'huge']) expect((await api('GET', `P/condition_sets/${key}`)).status).toBe(404);
  });

  it('numeric-looking strings are strings: 422 against a number, exact string comparison otherwise', async () => {
    expect(await ruled('n1', '{"user.n":{"equals":"5"}}')).toBe(422);
    expect(await ruled('n2', '{"user.n":{"in":["1","2"]}}')).toBe(422);
    expect(await ruled('n3', '{"user.n":{"greater-than":"1e3"}}')).toBe(422);
    expect(await ruled('n4', '{"user.t":{"greater-than":"1700000000"}}')).toBe(422);

    expect(await ruled('s1', '{"user.s":{"in":["1","1e3","0x10"]}}', 'probe')).toBe(201);
    expect(await allowed({ key: 'u', attributes: { s: '1' } }, undefined, 'probe')).toBe(true);
    expect(await allowed({ key: 'u', attributes: { s: 1 } }, undefined, 'probe')).toBe(false);
    expect(await allowed({ key: 'u', attributes: { s: '1000' } }, undefined, 'probe')).toBe(false);
    expect(await allowed({ key: 'u', attributes: { s: 1000 } }, undefined, 'probe')).toBe(false);
    expect(await allowed({ key: 'u', attributes: { s: '16' } }, undefined, 'probe')).toBe(false);
    await api('DELETE', 'P/condition_sets/s1');

    expect(await ruled('n5', '{"user.n":{"equals":5}}', 'probe')).toBe(201);
    expect(await allowed({ key: 'u', attributes: { n: '5' } }, undefined, 'probe')).toBe(false);
    expect(await allowed({ key: 'u', attributes: { n: 5 } }, undefined, 'probe')).toBe(true);
    expect(await ruled('n6', '{"not":{"user.n":{"equals":5}}}')).toBe(201);
    expect(await allowed({ key: 'u', attributes: { n: '6' } })).toBe(false); // not UNKNOWN stays UNKNOWN
    expect(await allowed({ key: 'u', attributes: { n: 6 } })).toBe(true);
  });
});

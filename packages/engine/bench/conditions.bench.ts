/**
 * Micro-benchmark of compiled conditions: a typical 3-comparison userset
 * (`dept = eng AND level >= 3 AND roles contains "staff"`), a resourceset
 * with a `ref` (owner), and `findMatchingRule` on 100 sets / 500 rules.
 * Compared with a hand-written closure of the same userset (the floor).
 *
 * Run: node --conditions=@permissio/source --import tsx bench/conditions.bench.ts
 */
import {
  Tri,
  buildConditionRuleIndex,
  compileCondition,
  compileConditionSet,
  findMatchingRule,
} from '../src/conditions/index.js';
import type { AttributeCatalog, ConditionSetRule, EvalInput } from '../src/conditions/index.js';

const catalog: AttributeCatalog = {
  user: [
    { key: 'dept', type: 'string' },
    { key: 'level', type: 'number' },
  ],
  resourceTypes: new Map([
    [
      'document',
      [
        { key: 'ownerId', type: 'string' },
        { key: 'classification', type: 'string' },
      ],
    ],
  ]),
};

const typical = compileCondition(
  {
    allOf: [
      { 'user.dept': { equals: 'eng' } },
      { 'user.level': { 'greater-than-equals': 3 } },
      { 'user.roles': { contains: 'staff' } },
    ],
  },
  { setKey: 'eng', setType: 'userset', catalog },
);
const owner = compileCondition(
  {
    anyOf: [
      { 'resource.ownerId': { equals: { ref: 'user.key' } } },
      { 'resource.classification': { in: ['public', 'internal'] } },
    ],
  },
  { setKey: 'own', setType: 'resourceset', resourceType: 'document', catalog },
);
const floor = (i: EvalInput): Tri => {
  const a = i.user.attributes ?? {};
  return a.dept === 'eng' && typeof a.level === 'number' && a.level >= 3 && i.user.roles.includes('staff')
    ? Tri.TRUE
    : Tri.FALSE;
};

const inputs: EvalInput[] = Array.from({ length: 1024 }, (_, n) => ({
  user: {
    key: `user-${n}`,
    roles: n % 3 === 0 ? ['staff', 'viewer'] : ['viewer'],
    attributes: { dept: n % 2 === 0 ? 'eng' : 'ops', level: n % 7 },
  },
  resource: {
    type: 'document',
    tenant: 'default',
    attributes: { ownerId: `user-${n % 5 === 0 ? n : n + 1}`, classification: n % 4 === 0 ? 'public' : 'secret' },
  },
  tenant: { key: 'default', attributes: {} },
  context: {},
}));

function measure(name: string, run: (i: EvalInput) => unknown, iterations = 5_000_000): number {
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += Number(run(inputs[i & 1023] as EvalInput) === Tri.TRUE);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) sink += Number(run(inputs[i & 1023] as EvalInput) === Tri.TRUE);
  const seconds = (performance.now() - start) / 1000;
  const rate = iterations / seconds;
  console.log(`${name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(14)} ops/s   (matches ${sink})`);
  return rate;
}

// 100 sets (50 usersets, 50 resourcesets) and 500 rules over 5 permissions.
const sets = [];
for (let i = 0; i < 50; i++) {
  sets.push(
    compileConditionSet(
      {
        key: `us-${i}`,
        type: 'userset',
        conditions: {
          allOf: [{ 'user.dept': { equals: i % 2 === 0 ? 'eng' : 'ops' } }, { 'user.level': { equals: i % 7 } }],
        },
      },
      catalog,
    ),
    compileConditionSet(
      {
        key: `rs-${i}`,
        type: 'resourceset',
        resourceType: 'document',
        conditions: { 'resource.classification': { equals: i % 2 === 0 ? 'public' : 'secret' } },
      },
      catalog,
    ),
  );
}
const rules: ConditionSetRule[] = [];
for (let i = 0; i < 500; i++) {
  rules.push({
    userSet: `us-${i % 50}`,
    permission: `document:a${i % 5}`,
    resourceSet: `rs-${(i * 7 + Math.floor(i / 50)) % 50}`,
  });
}
const index = buildConditionRuleIndex(sets, rules);

console.log(`node ${process.version}`);
const compiled = measure('compiled 3-comparison userset', typical);
const hand = measure('hand-written closure (floor)', floor);
measure('compiled resourceset with ref + in', owner);
measure(
  'findMatchingRule (100 sets, 500 rules)',
  (i) => (findMatchingRule(index, 'document:a1', 'default', i) ? Tri.TRUE : 0),
  2_000_000,
);
console.log(`compiled / floor: ${(compiled / hand).toFixed(2)}`);

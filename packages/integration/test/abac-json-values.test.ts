/**
 * Attribute and context values that are not plain JSON (a Date, a class with `toJSON`, NaN, a function …) decide
 * the same on the embedded engine as through the HTTP client and the local server, where they travel as JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permissio } from '@permissio/core';
import type { Condition, PolicySnapshot } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import type { PermissioServer } from '@permissio/server';
import { ENVIRONMENT, PROJECT, TOKEN, localServer } from './helpers.js';

const ISO = '2027-01-01T00:00:00.000Z';
const DATE = new Date(ISO);

class Money {
  constructor(readonly cents: number) {}
  toJSON() {
    return { amount: this.cents / 100 };
  }
}
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const base: PolicySnapshot = {
  resources: [
    {
      key: 'doc',
      actions: ['read'],
      attributes: [
        { key: 'label', type: 'string' },
        { key: 'until', type: 'time' },
        { key: 'meta', type: 'json' },
        { key: 'tags', type: 'array' },
        { key: 'score', type: 'number' },
      ],
    },
  ],
  userAttributes: [{ key: 'team', type: 'string' }],
  tenants: [{ key: 'default' }],
  users: [{ key: 'stored', attributes: { team: 'blue' } }],
};

/** One resourceset/userset condition per case; the rule grants doc:read when it holds. */
interface Case {
  name: string;
  userSet?: Condition;
  resourceSet?: Condition;
  user?: { key: string; attributes?: Record<string, unknown> };
  attributes?: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** The decision a JSON round trip of the inputs gives. */
  expected: boolean;
}

const CASES: Case[] = [
  {
    name: 'Date in a string attribute is its ISO string',
    resourceSet: { 'resource.label': { equals: ISO } },
    attributes: { label: DATE },
    expected: true,
  },
  {
    name: 'Date in a time attribute compares as an instant',
    resourceSet: { 'resource.until': { 'greater-than': '2026-06-01T00:00:00Z' } },
    attributes: { until: DATE },
    expected: true,
  },
  {
    name: 'Date inside a json attribute',
    resourceSet: { 'resource.meta': { equals: { at: ISO } } },
    attributes: { meta: { at: DATE } },
    expected: true,
  },
  {
    name: 'Date inside an array attribute',
    resourceSet: { 'resource.tags': { contains: ISO } },
    attributes: { tags: [DATE] },
    expected: true,
  },
  {
    name: 'Date in the context',
    resourceSet: { 'context.at': { equals: ISO } },
    context: { at: DATE },
    expected: true,
  },
  {
    name: 'a class with toJSON in the context, read through',
    resourceSet: { 'context.price.amount': { equals: 12.5 } },
    context: { price: new Money(1250) },
    expected: true,
  },
  {
    name: 'a class instance is its own fields',
    resourceSet: { 'resource.meta': { equals: { x: 1, y: 2 } } },
    attributes: { meta: new Point(1, 2) },
    expected: true,
  },
  {
    name: 'NaN is null: the comparison is UNKNOWN, and not() of it too',
    resourceSet: { not: { 'resource.score': { 'less-than': 5 } } },
    attributes: { score: Number.NaN },
    expected: false,
  },
  {
    name: 'Infinity is null',
    resourceSet: { 'resource.score': { 'greater-than': 5 } },
    attributes: { score: Number.POSITIVE_INFINITY },
    expected: false,
  },
  {
    name: 'undefined inside an array is null',
    resourceSet: { 'resource.tags': { 'contains-any': ['x'] } },
    attributes: { tags: [undefined, 'x'] },
    expected: true,
  },
  {
    name: 'a function-valued check attribute is absent: the stored value decides',
    userSet: { 'user.team': { equals: 'blue' } },
    user: { key: 'stored', attributes: { team: () => 'red' } },
    expected: true,
  },
  {
    name: 'a Date check attribute overrides the stored one as its ISO string',
    userSet: { 'user.team': { equals: ISO } },
    user: { key: 'stored', attributes: { team: DATE } },
    expected: true,
  },
];

function policyFor(c: Case): PolicySnapshot {
  return {
    ...base,
    conditionSets: [
      { key: 'users', type: 'userset', conditions: c.userSet ?? { 'user.key': { exists: true } } },
      {
        key: 'docs',
        type: 'resourceset',
        resourceType: 'doc',
        conditions: c.resourceSet ?? { 'resource.key': { exists: true } },
      },
    ],
    conditionSetRules: [{ userSet: 'users', permission: 'doc:read', resourceSet: 'docs' }],
  };
}

let server: PermissioServer;
let http: Permissio;
beforeAll(async () => {
  server = await localServer();
  http = new Permissio({ token: TOKEN, apiUrl: server.url, projectId: PROJECT, environmentId: ENVIRONMENT });
});
afterAll(async () => {
  await http?.close();
  await server?.close();
});

describe('non-JSON attribute values decide the same embedded and over HTTP', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const policy = policyFor(c);
      const local = new Permissio({ pdp: createEngine(policy) });
      await http.pdp.load(policy);
      const user = c.user ?? { key: 'anyone' };
      const resource = { type: 'doc', key: 'd1', attributes: c.attributes ?? {} };
      const options = c.context === undefined ? undefined : { context: c.context };
      const embedded = await local.check(user, 'read', resource, options);
      const remote = await http.check(user, 'read', resource, options);
      expect({ embedded, remote }).toEqual({ embedded: c.expected, remote: c.expected });
    });
  }
});

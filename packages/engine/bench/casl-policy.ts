/**
 * The same condition rules written the idiomatic CASL way, for the bench and
 * the agreement test: per request, `defineAbility((can) => …)` for that user
 * — the usersets are plain JavaScript tests of the user's attributes (CASL
 * conditions are about the subject, not the user), each rule of a matching
 * userset is a `can(action, type, conditions)` whose mongo-style conditions
 * are the resourceset's condition with `user.*` refs substituted — then
 * `ability.can(action, subject(type, row))`.
 *
 * Translated (once, at load): `equals` (literal or `user.*` ref),
 * `not-equals`, `greater-than(-equals)`, `less-than(-equals)`, `in`,
 * `not-in`; `allOf` merges into one query; `anyOf` becomes several `can`
 * rules; `not` over one comparison becomes the negated operator plus
 * `$exists: true`. Anything else throws: the bench's policy must be one that
 * both sides express. The translation is faithful on present, well-typed
 * attributes (our side answers UNKNOWN, and denies, on a missing or mistyped
 * one; CASL compares the raw value), which is what the bench's requests pass.
 */
import { defineAbility, subject } from '@casl/ability';
import type { MongoAbility, MongoQuery } from '@casl/ability';
import type { Attributes, Condition, ConditionSet, ConditionSetRule } from '@permissio/core';

type UserAttributes = Readonly<Record<string, unknown>>;
/** The user as the application holds it: its key and stored attributes. */
export interface CaslUser {
  key: string;
  attributes: UserAttributes;
}
type Query = Record<string, Record<string, unknown>>;
/** A query builder: the resourceset's conditions for one user (refs substituted). */
type QueryFor = (user: CaslUser) => MongoQuery;

interface CaslRule {
  action: string;
  type: string;
  queries: readonly QueryFor[];
}

interface UserGroup {
  matches: (user: CaslUser) => boolean;
  rules: CaslRule[];
}

export interface CaslPolicy {
  /** Per request: the user's ability, built from the rules of the usersets they match. */
  abilityFor(user: CaslUser): MongoAbility;
  /** `abilityFor(user).can(action, subject(type, row))`. */
  can(user: CaslUser, action: string, type: string, row: Record<string, unknown>): boolean;
}

const MONGO: Readonly<Record<string, string>> = {
  equals: '$eq',
  'not-equals': '$ne',
  'greater-than': '$gt',
  'greater-than-equals': '$gte',
  'less-than': '$lt',
  'less-than-equals': '$lte',
  in: '$in',
  'not-in': '$nin',
};
const NEGATED: Readonly<Record<string, string>> = {
  equals: '$ne',
  'not-equals': '$eq',
  'greater-than': '$lte',
  'greater-than-equals': '$lt',
  'less-than': '$gte',
  'less-than-equals': '$gt',
  in: '$nin',
  'not-in': '$in',
};

/** Builds the CASL side of `sets` and `rules` (rules with a tenant are refused: CASL has no tenant here). */
export function caslPolicy(sets: readonly ConditionSet[], rules: readonly ConditionSetRule[]): CaslPolicy {
  const byKey = new Map(sets.map((s) => [s.key, s]));
  const groups = new Map<string, UserGroup>();
  const resourceQueries = new Map<string, QueryFor[]>();
  for (const rule of rules) {
    if (rule.tenant !== undefined) throw new Error('casl-policy: tenant-scoped rules are not translated');
    const userSet = byKey.get(rule.userSet) as ConditionSet;
    const resourceSet = byKey.get(rule.resourceSet) as ConditionSet;
    let group = groups.get(userSet.key);
    if (group === undefined) {
      group = { matches: userPredicate(userSet.conditions), rules: [] };
      groups.set(userSet.key, group);
    }
    let queries = resourceQueries.get(resourceSet.key);
    if (queries === undefined) {
      queries = disjuncts(resourceSet.conditions).map(queryFor);
      resourceQueries.set(resourceSet.key, queries);
    }
    const [type, action] = rule.permission.split(':') as [string, string];
    group.rules.push({ action, type, queries });
  }
  const groupList = [...groups.values()];
  const abilityFor = (user: CaslUser): MongoAbility =>
    defineAbility((can) => {
      for (const group of groupList) {
        if (!group.matches(user)) continue;
        for (const rule of group.rules) for (const query of rule.queries) can(rule.action, rule.type, query(user));
      }
    });
  return {
    abilityFor,
    can: (user, action, type, row) => abilityFor(user).can(action, subject(type, row)),
  };
}

/** The row CASL checks: the resource's attributes plus its key (what an application loads from its database). */
export function caslRow(resource: { key?: string | undefined; attributes: Attributes }): Record<string, unknown> {
  return { key: resource.key, ...resource.attributes };
}

function comparison(condition: Condition): [string, string, unknown] {
  const entries = Object.entries(condition as Record<string, Record<string, unknown>>);
  const [path, body] = entries[0] as [string, Record<string, unknown>];
  const [operator, operand] = Object.entries(body)[0] as [string, unknown];
  return [path, operator, operand];
}

/** Disjunctive normal form: a list of conjunctions (each a list of possibly negated comparisons). */
function disjuncts(condition: Condition): Condition[][] {
  if ('anyOf' in condition && Array.isArray(condition.anyOf)) return condition.anyOf.flatMap(disjuncts);
  if ('allOf' in condition && Array.isArray(condition.allOf)) {
    let product: Condition[][] = [[]];
    for (const child of condition.allOf) {
      const options = disjuncts(child);
      product = product.flatMap((left) => options.map((right) => [...left, ...right]));
    }
    return product;
  }
  return [[condition]];
}

function queryFor(conjunction: readonly Condition[]): QueryFor {
  const parts: { field: string; op: string; value: (user: CaslUser) => unknown; ref: boolean; exists: boolean }[] = [];
  for (const item of conjunction) {
    const negated = 'not' in item;
    const [path, operator, operand] = comparison(negated ? (item as { not: Condition }).not : item);
    if (!path.startsWith('resource.')) throw new Error(`casl-policy: ${path} is not a resource attribute`);
    const op = (negated ? NEGATED : MONGO)[operator];
    if (op === undefined) throw new Error(`casl-policy: ${negated ? 'not ' : ''}${operator} has no mongo operator`);
    const ref = typeof operand === 'object' && operand !== null && 'ref' in operand;
    parts.push({ field: path.slice('resource.'.length), op, value: userValue(operand), ref, exists: negated });
  }
  const constant = parts.every((part) => !part.ref);
  const build = (user: CaslUser): MongoQuery => {
    const query: Query = {};
    for (const part of parts) {
      const field = query[part.field] ?? {};
      if (field[part.op] !== undefined) throw new Error(`casl-policy: two ${part.op} on ${part.field}`);
      field[part.op] = part.value(user);
      if (part.exists) field.$exists = true;
      query[part.field] = field;
    }
    return query as MongoQuery;
  };
  if (!constant) return build;
  // No `user.*` ref: one query object for every request (as an application would write a constant).
  const shared = build({ key: '', attributes: {} });
  return () => shared;
}

/** A literal operand, or a `user.*` ref read from the user. */
function userValue(operand: unknown): (user: CaslUser) => unknown {
  if (typeof operand === 'object' && operand !== null && 'ref' in operand) {
    const ref = (operand as { ref: string }).ref;
    if (!ref.startsWith('user.')) throw new Error(`casl-policy: ref ${ref} is not a user path`);
    const name = ref.slice('user.'.length);
    return (user: CaslUser) => (name === 'key' ? user.key : user.attributes[name]);
  }
  return () => operand;
}

/** A userset's condition as a plain JavaScript test of the user (the way a CASL application writes it). */
function userPredicate(condition: Condition): (user: CaslUser) => boolean {
  if ('allOf' in condition && Array.isArray(condition.allOf)) {
    const children = condition.allOf.map(userPredicate);
    return (user) => children.every((child) => child(user));
  }
  if ('anyOf' in condition && Array.isArray(condition.anyOf)) {
    const children = condition.anyOf.map(userPredicate);
    return (user) => children.some((child) => child(user));
  }
  if ('not' in condition) throw new Error('casl-policy: not in a userset is not translated');
  const [path, operator, operand] = comparison(condition);
  if (!path.startsWith('user.')) throw new Error(`casl-policy: ${path} is not a user attribute`);
  const name = path.slice('user.'.length);
  const read = (user: CaslUser): unknown => (name === 'key' ? user.key : user.attributes[name]);
  switch (operator) {
    case 'equals':
      return (user) => read(user) === operand;
    case 'not-equals':
      return (user) => read(user) !== undefined && read(user) !== operand;
    case 'greater-than':
      return (user) => (read(user) as number) > (operand as number);
    case 'greater-than-equals':
      return (user) => (read(user) as number) >= (operand as number);
    case 'less-than':
      return (user) => (read(user) as number) < (operand as number);
    case 'less-than-equals':
      return (user) => (read(user) as number) <= (operand as number);
    case 'in':
      return (user) => (operand as unknown[]).includes(read(user));
    default:
      throw new Error(`casl-policy: ${operator} in a userset is not translated`);
  }
}

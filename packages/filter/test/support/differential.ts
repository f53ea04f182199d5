/**
 * The differential comparison: for each user × action, the keys the check
 * allows row by row, the keys `toPredicate(plan)` selects and the keys the SQL
 * filter returns on a real database must be the same set. A disagreement is
 * reported with a minimal reproduction: the one row, the user, the plan, the
 * SQL and the condition sets in play.
 */
import type { CheckUser, ResourcePlan } from '@permissio/core';
import type { Engine } from '@permissio/engine';
import { toPredicate, toSql } from '../../src/index.js';
import type { Row, World } from './generate.js';
import { ACTIONS, TYPE } from './generate.js';
import { COLUMNS, predicateRow, resourceOf } from './sqlite.js';
import type { Db } from './sqlite.js';

export interface Tally {
  questions: number;
  allowed: number;
  denied: number;
  plans: Record<ResourcePlan['kind'], number>;
  disagreements: string[];
}

/** Runs `sql` with `params` and answers the selected keys (SQLite or anything that can). */
export type SqlRunner = (where: string, params: unknown[]) => string[] | Promise<string[]>;

export function sqliteRunner(db: Db): SqlRunner {
  return (where, params) =>
    db
      .prepare(`SELECT key FROM docs WHERE ${where}`)
      .pluck()
      .all(...(params as unknown[]))
      .map(String);
}

export interface Subject {
  user: string | CheckUser;
  tenant: string;
  context: Record<string, unknown>;
}

/** The plan source: the engine itself, or a client over HTTP. */
export type Planner = (subject: Subject, action: string) => ResourcePlan | Promise<ResourcePlan>;

/**
 * The keys `check` allows and `toPredicate` selects, per engine (so per policy) and question: a second database
 * compared on the same engine and world reuses them instead of running 300,000 checks again.
 */
const answered = new WeakMap<Engine, Map<string, Set<string>>>();

function memo(engine: Engine, key: string, compute: () => Set<string>): Set<string> {
  let cache = answered.get(engine);
  if (cache === undefined) {
    cache = new Map();
    answered.set(engine, cache);
  }
  let keys = cache.get(key);
  if (keys === undefined) {
    keys = compute();
    cache.set(key, keys);
  }
  return keys;
}

export async function compareAll(
  engine: Engine,
  world: World,
  planner: Planner,
  runners: Record<string, SqlRunner>,
  userCount: number,
  dialect: 'sqlite' | 'postgres' = 'sqlite',
): Promise<Tally> {
  const tally: Tally = {
    questions: 0,
    allowed: 0,
    denied: 0,
    plans: { always: 0, never: 0, conditional: 0 },
    disagreements: [],
  };
  for (const u of world.users.slice(0, userCount)) {
    const subject: Subject = { user: u.key, tenant: u.tenant, context: u.context };
    for (const action of ACTIONS) {
      const plan = await planner(subject, action);
      tally.plans[plan.kind]++;
      const predicate = toPredicate(plan);
      const { sql, params } = toSql(plan, { columns: COLUMNS, dialect });
      const question = JSON.stringify([world.rows.length, subject, action]);
      const byCheck = memo(engine, `check ${question}`, () => {
        const keys = new Set<string>();
        for (const row of world.rows) {
          const allowed = engine.check({
            user: subject.user,
            action,
            resource: resourceOf(row),
            tenant: subject.tenant,
            context: subject.context,
          });
          if (allowed) keys.add(row.key);
        }
        return keys;
      });
      tally.questions += world.rows.length;
      tally.allowed += byCheck.size;
      tally.denied += world.rows.length - byCheck.size;
      const byPredicate = memo(engine, `predicate ${world.rows.length} ${JSON.stringify(plan)}`, () => {
        const keys = new Set<string>();
        for (const row of world.rows) if (predicate(predicateRow(row))) keys.add(row.key);
        return keys;
      });
      const bySql: Record<string, Set<string>> = {};
      for (const [name, run] of Object.entries(runners)) bySql[name] = new Set(await run(sql, params));
      for (const row of world.rows) {
        const answers: Record<string, boolean> = {
          check: byCheck.has(row.key),
          predicate: byPredicate.has(row.key),
        };
        for (const name of Object.keys(runners)) answers[name] = bySql[name]?.has(row.key) === true;
        const values = Object.values(answers);
        if (values.every((v) => v === values[0])) continue;
        if (tally.disagreements.length < 5) {
          tally.disagreements.push(reproduction(world, subject, action, row, plan, sql, params, answers));
        }
      }
    }
  }
  return tally;
}

function reproduction(
  world: World,
  subject: Subject,
  action: string,
  row: Row,
  plan: ResourcePlan,
  sql: string,
  params: unknown[],
  answers: Record<string, boolean>,
): string {
  const user = typeof subject.user === 'string' ? subject.user : subject.user.key;
  const permission = `${TYPE}:${action}`;
  const rules = (world.snapshot.conditionSetRules ?? []).filter((r) => r.permission === permission);
  const setKeys = new Set(rules.flatMap((r) => [r.userSet, r.resourceSet]));
  return JSON.stringify(
    {
      answers,
      check: { user, action, resource: resourceOf(row), tenant: subject.tenant, context: subject.context },
      userRecord: world.snapshot.users?.find((x) => x.key === user),
      assignments: (world.snapshot.roleAssignments ?? []).filter((a) => a.user === user),
      grants: (world.snapshot.grants ?? []).filter((g) => g.user === user),
      rules,
      conditionSets: (world.snapshot.conditionSets ?? []).filter((s) => setKeys.has(s.key)),
      plan,
      sql,
      params,
    },
    null,
    2,
  );
}

/**
 * The invariant of ABAC.md, "Data filtering": for every user, action and
 * row, `check` allows ⇔ `toPredicate(plan)(row)` ⇔ the row is returned by
 * `toSql(plan)` on a real SQLite database — on generated policies (tenant
 * roles, instance roles and grants, URI roles and grants, condition rules over
 * string/number/bool/array/time attributes with missing and null values) and
 * generated tables.
 */
import { createEngine } from '@permissio/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAll, sqliteRunner } from './support/differential.js';
import type { Tally } from './support/differential.js';
import { generateWorld, mulberry32 } from './support/generate.js';
import type { Rand, World } from './support/generate.js';
import type { Engine } from '@permissio/engine';
import { POSTGRES_SKIP, postgresTable } from './support/postgres.js';
import { createTable } from './support/sqlite.js';

/** One generated policy and table per seed, with its engine: the SQLite and PostgreSQL legs compare the same world. */
const fixtures = new Map<number, { world: World; engine: Engine }>();
function fixture(seed: number): { world: World; engine: Engine } {
  let found = fixtures.get(seed);
  if (found === undefined) {
    const world = generateWorld(mulberry32(seed), 50, 2000);
    found = { world, engine: createEngine(world.snapshot) };
    fixtures.set(seed, found);
  }
  return found;
}

async function run(world: World, users: number, engine: Engine = createEngine(world.snapshot)): Promise<Tally> {
  const db = createTable(world.rows);
  try {
    return await compareAll(
      engine,
      world,
      (s, action) => engine.plan(s.user, action, 'doc', { tenant: s.tenant, context: s.context }),
      { sqlite: sqliteRunner(db) },
      users,
    );
  } finally {
    db.close();
  }
}

function expectAgreement(tally: Tally): void {
  if (tally.disagreements.length > 0) {
    throw new Error(`check, toPredicate and SQL disagree; minimal reproduction(s):\n${tally.disagreements.join('\n')}`);
  }
}

describe('check == toPredicate(plan) == toSql(plan) on SQLite', () => {
  for (const seed of [1, 3]) {
    it(`agrees on a generated policy and 2,000 rows, 50 users × 3 actions (seed ${seed})`, async () => {
      const { world, engine } = fixture(seed);
      const tally = await run(world, 50, engine);
      expectAgreement(tally);
      expect(tally.questions).toBe(50 * 3 * 2000);
      // Not vacuous: both answers occur, and plans of every kind are exercised over the seeds.
      expect(tally.allowed).toBeGreaterThan(0);
      expect(tally.denied).toBeGreaterThan(0);
      expect(tally.plans.conditional).toBeGreaterThan(0);
    });
  }

  it('agrees on policies and tables drawn by fast-check (shrinks to a small counterexample)', async () => {
    const kinds = { always: 0, never: 0, conditional: 0 };
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const rand: Rand = (min, max) => g(fc.integer, { min, max });
        const world = generateWorld(rand, 8, 60);
        const tally = await run(world, 8);
        for (const k of Object.keys(kinds) as (keyof typeof kinds)[]) kinds[k] += tally.plans[k];
        expectAgreement(tally);
      }),
      { numRuns: 30, seed: 20261130 },
    );
    expect(kinds.conditional).toBeGreaterThan(0);
    expect(kinds.never).toBeGreaterThan(0);
  });
});

// PostgreSQL: on the run's throwaway PostgreSQL (test/support/postgres-global-setup.ts) or PERMISSIO_TEST_POSTGRES_URL;
// skipped, with the reason, where neither exists. Seed 3's world: its check answers are computed once for both legs.
describe('check == toSql(plan, postgres) on PostgreSQL', () => {
  it('agrees on a generated policy and 2,000 rows, 50 users × 3 actions', async (ctx) => {
    if (POSTGRES_SKIP !== undefined) ctx.skip(`PostgreSQL leg skipped: ${POSTGRES_SKIP}`);
    const { world, engine } = fixture(3);
    const table = await postgresTable(world.rows);
    if (table === undefined) throw new Error('A PostgreSQL database was provided but no table was created.');
    try {
      const tally = await compareAll(
        engine,
        world,
        (s, action) => engine.plan(s.user, action, 'doc', { tenant: s.tenant, context: s.context }),
        { postgres: table.runner },
        50,
        'postgres',
      );
      expectAgreement(tally);
      expect(tally.questions).toBe(50 * 3 * 2000);
      expect(tally.allowed).toBeGreaterThan(0);
      expect(tally.denied).toBeGreaterThan(0);
    } finally {
      await table.close();
    }
  });
});

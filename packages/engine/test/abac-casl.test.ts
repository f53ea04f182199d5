/**
 * The ABAC bench's claim "0 disagreements with CASL on 2,000 sampled checks",
 * as a test: the bench's policy (10,000 users, 100 condition sets, 500 rules)
 * through `Permissio.check` on the engine, and through the idiomatic CASL
 * translation (`bench/casl-policy.ts`), on 2,000 requests from fixed seeds.
 */
import { Permissio } from '@permissio/core';
import type { ConditionSet } from '@permissio/core';
import { describe, expect, it } from 'vitest';
import { caslUsers, compareWithCasl } from '../bench/abac-agreement.js';
import { abacBench } from '../bench/abac-policy.js';
import { caslPolicy } from '../bench/casl-policy.js';
import { createEngine } from '../src/index.js';

// The bench's own policy and first 2,000 requests (seed 7), built once for both tests that use it.
const main = abacBench(7, 10_000, 2_000);
const mainPermissio = new Permissio({ pdp: createEngine(main.policy) });
const mainUsers = caslUsers(main.policy.users ?? []);

describe('ABAC agrees with CASL on the bench policy', () => {
  it.each([
    { seed: 7, users: 10_000 },
    { seed: 2024, users: 2_000 },
  ])('seed $seed, $users users: 0 disagreements on 2,000 sampled checks', async ({ seed, users }) => {
    const bench = seed === 7 ? main : abacBench(seed, users, 2_000);
    const permissio = seed === 7 ? mainPermissio : new Permissio({ pdp: createEngine(bench.policy) });
    const casl = caslPolicy(bench.sets, bench.rules);
    const result = await compareWithCasl(permissio, casl, caslUsers(bench.policy.users ?? []), bench.requests);
    expect(result.checks).toBe(2_000);
    // Both answers occur often enough for agreement to mean something.
    expect(result.allowed).toBeGreaterThan(200);
    expect(result.allowed).toBeLessThan(1_800);
    // On failure this prints the first disagreement with its inputs (user, attributes, action, resource).
    expect({ count: result.disagreements.length, first: result.disagreements[0] }).toEqual({
      count: 0,
      first: undefined,
    });
  });

  it('detects a CASL side that differs from the policy (the comparison can fail)', async () => {
    // CASL built from a policy whose size-bounded resourcesets allow 500 more bytes than ours.
    const skewed = main.sets.map((set): ConditionSet => {
      const text = JSON.stringify(set.conditions).replace(/"less-than":(\d+)/g, (_, n) => `"less-than":${+n + 500}`);
      return { ...set, conditions: JSON.parse(text) };
    });
    const result = await compareWithCasl(mainPermissio, caslPolicy(skewed, main.rules), mainUsers, main.requests);
    expect(result.disagreements.length).toBeGreaterThan(0);
    const first = result.disagreements[0];
    expect(first).toMatchObject({ permissio: false, casl: true });
    expect(first?.request.resource.attributes.size).toBeGreaterThanOrEqual(1000);
    expect(first?.userAttributes).toHaveProperty('dept');
  });
});

/**
 * The ABAC part of a vector's policy, written through the management API
 * instead of the snapshot: the same vector, with `userAttributes`,
 * `conditionSets` and `conditionSetRules` taken out of `policy` and created
 * by steps (`users.createAttribute`, `conditionSets.create`,
 * `conditionSetRules.create`) before the vector's own steps. On the server
 * these steps go through the REST routes, on the client through `HttpPdp`,
 * so every snapshot-based ABAC vector also proves the management path.
 */
import type { ConformanceVector, ManagementStep } from './format.js';

/** Suffix of the name of a vector rewritten by {@link withManagementSetUp}. */
export const VIA_MANAGEMENT = ' (set up through the management API)';

/** The vector with its ABAC policy written by management steps; `undefined` when the policy has none. */
export function withManagementSetUp(vector: ConformanceVector): ConformanceVector | undefined {
  const { userAttributes = [], conditionSets = [], conditionSetRules = [], ...rest } = vector.policy;
  if (userAttributes.length + conditionSets.length + conditionSetRules.length === 0) return undefined;
  const setUp: ManagementStep[] = [
    ...userAttributes.map((a): ManagementStep => ({ op: 'users.createAttribute', args: [a], note: 'set-up' })),
    ...conditionSets.map((s): ManagementStep => ({ op: 'conditionSets.create', args: [s], note: 'set-up' })),
    ...conditionSetRules.map((r): ManagementStep => ({ op: 'conditionSetRules.create', args: [r], note: 'set-up' })),
  ];
  return {
    name: `${vector.name}${VIA_MANAGEMENT}`,
    description: vector.description,
    policy: rest,
    steps: [...setUp, ...vector.steps],
  };
}

/** {@link withManagementSetUp} of every vector that has an ABAC policy. */
export function managementSetUpVariants(vectors: readonly ConformanceVector[]): ConformanceVector[] {
  return vectors.flatMap((vector) => withManagementSetUp(vector) ?? []);
}

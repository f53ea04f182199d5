/** Runs vectors against a target and registers them as test cases. */
import type { Decision } from '@permissio/core';
import type { ConformanceTarget, ConformanceVector, ErrorKind, Step } from './format.js';
import { errorKind, mismatch, show } from './match.js';

/** A failed expectation, naming the vector and the step. */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
  constructor(
    readonly vector: string,
    readonly step: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  /**
   * Also ask `checkDetailed` for every `check` step and require the same
   * `allowed` (check and explain must agree).
   * @defaultValue true
   */
  crossCheckExplain?: boolean;
}

/** What a run verified. */
export interface RunStats {
  steps: number;
  /** Individual check expectations: `check` steps plus each entry of a `bulkCheck`. */
  checks: number;
}

const GROUPS = new Set([
  'users',
  'tenants',
  'roles',
  'resources',
  'roleAssignments',
  'conditionSets',
  'conditionSetRules',
  'permissions',
  'principals',
]);

/** Loads the vector's policy into `target`, then runs every step in order; throws {@link ConformanceFailure}. */
export async function runVectorSteps(
  target: ConformanceTarget,
  vector: ConformanceVector,
  options: RunOptions = {},
): Promise<RunStats> {
  const stats: RunStats = { steps: 0, checks: 0 };
  try {
    await target.load(vector.policy);
  } catch (error) {
    throw new ConformanceFailure(vector.name, -1, `${vector.name}: loading the policy failed: ${describeError(error)}`);
  }
  for (let index = 0; index < vector.steps.length; index++) {
    const step = vector.steps[index] as Step;
    const where = `${vector.name} step ${index} (${step.op}${step.note === undefined ? '' : `: ${step.note}`})`;
    const fail = (message: string): never => {
      throw new ConformanceFailure(vector.name, index, `${where}: ${message}`);
    };
    let result: unknown;
    try {
      result = await perform(target, step, options, fail);
    } catch (error) {
      if (error instanceof ConformanceFailure) throw error;
      if (step.expectError !== undefined) {
        const kind = errorKind(error);
        if (kind !== step.expectError) fail(`expected a ${step.expectError} error, got ${describeError(error)}`);
        stats.steps++;
        continue;
      }
      fail(`unexpected error ${describeError(error)}`);
    }
    if (step.expectError !== undefined) fail(`expected a ${step.expectError} error, got ${show(result)}`);
    verify(step, result, fail);
    stats.steps++;
    if (step.op === 'check') stats.checks++;
    if (step.op === 'bulkCheck') stats.checks += step.requests.length;
  }
  return stats;
}

async function perform(
  target: ConformanceTarget,
  step: Step,
  options: RunOptions,
  fail: (message: string) => never,
): Promise<unknown> {
  switch (step.op) {
    case 'check': {
      const allowed = await target.check(step.request);
      if (step.explain !== undefined || options.crossCheckExplain !== false) {
        const decision: Decision = await target.checkDetailed(step.request);
        if (decision.allowed !== allowed) fail(`check said ${allowed} but checkDetailed said ${show(decision)}`);
        if (step.explain !== undefined) {
          const diff = mismatch(step.explain, decision);
          if (diff !== undefined) fail(`explanation differs: ${diff}`);
        }
      }
      return allowed;
    }
    case 'bulkCheck':
      return target.bulkCheck(step.requests);
    case 'checkPermissions':
      return target.checkPermissions(step.request);
    case 'getUserPermissions':
      return target.getUserPermissions(...step.args);
    case 'grant':
      return target.grant(...step.args);
    case 'revoke':
      return target.revoke(...step.args);
    case 'load':
      return target.load(...step.args);
    case 'export':
      if (target.export === undefined) return fail('the target has no export()');
      return target.export();
    default: {
      const [group, method] = step.op.split('.');
      if (group === undefined || method === undefined || !GROUPS.has(group)) return fail(`unknown op ${step.op}`);
      const api = target[group as keyof ConformanceTarget] as unknown as Record<string, unknown> | undefined;
      if (api === undefined) return fail(`the target has no ${group} (needed by ${step.op})`);
      const fn = api[method];
      if (typeof fn !== 'function') return fail(`unknown op ${step.op}`);
      return (fn as (...args: unknown[]) => unknown).apply(api, step.args);
    }
  }
}

function verify(step: Step, result: unknown, fail: (message: string) => never): void {
  switch (step.op) {
    case 'check':
      if (step.expect === undefined) fail('a check step needs "expect" or "expectError"');
      if (result !== step.expect) fail(`expected ${step.expect}, got ${show(result)}`);
      return;
    case 'bulkCheck':
    case 'checkPermissions':
    case 'getUserPermissions': {
      if (step.expect === undefined) return;
      const diff = mismatch(step.expect, result, 'exact');
      if (diff !== undefined) fail(diff);
      return;
    }
    case 'grant':
    case 'revoke':
    case 'load':
      return;
    default: {
      if (!('expect' in step) || step.expect === undefined) return;
      const diff = mismatch(step.expect, result, step.match ?? 'subset');
      if (diff !== undefined) fail(diff);
    }
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    return `${error.name}${status === undefined ? '' : ` ${String(status)}`}: ${error.message}`;
  }
  return show(error);
}

/** The minimal test-framework surface (vitest, jest, node:test all fit). */
export interface TestApi {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
}

export interface RegisterOptions extends RunOptions {
  /** Suite name. @defaultValue "conformance" */
  name?: string;
  /** A fresh target per vector (the runner loads the vector's policy into it). */
  createTarget: () => ConformanceTarget | Promise<ConformanceTarget>;
  /** Releases a target after its vector. */
  disposeTarget?: (target: ConformanceTarget) => void | Promise<void>;
  /** Vectors to run. @defaultValue loadVectors() */
  vectors: readonly ConformanceVector[];
  /** Skips vectors (e.g. ones a transport cannot express). */
  filter?: (vector: ConformanceVector) => boolean;
}

/** Registers one test case per vector. */
export function registerConformanceTests(test: TestApi, options: RegisterOptions): void {
  test.describe(options.name ?? 'conformance', () => {
    for (const vector of options.vectors) {
      if (options.filter !== undefined && !options.filter(vector)) continue;
      test.it(`${vector.name}: ${vector.description}`, async () => {
        const target = await options.createTarget();
        try {
          await runVectorSteps(target, vector, options);
        } finally {
          await options.disposeTarget?.(target);
        }
      });
    }
  });
}

/** Number of check expectations in a set of vectors (`check` steps + `bulkCheck` entries). */
export function countCheckExpectations(vectors: readonly ConformanceVector[]): number {
  let count = 0;
  for (const vector of vectors) {
    for (const step of vector.steps) {
      if (step.op === 'check' && step.expect !== undefined) count++;
      if (step.op === 'bulkCheck' && step.expect !== undefined) count += step.expect.length;
    }
  }
  return count;
}

export type { ErrorKind };

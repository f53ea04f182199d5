/**
 * The conformance vector format (see ../README.md).
 *
 * A vector is a policy snapshot and a list of steps run in order against a
 * fresh target loaded with that policy. A step is a check with its expected
 * answer (and optionally its explanation), a multi check, or a write/read
 * operation with an expected result or error.
 */
import type {
  CheckPermissionsRequest,
  CheckPermissionsResult,
  CheckRequest,
  DecisionReason,
  GrantRequest,
  Pdp,
  PolicySnapshot,
  UserPermissions,
} from '@permissio/core';

/** Error classes a step may expect, matched by class (or HTTP status). */
export type ErrorKind = 'validation' | 'not_found' | 'conflict';

/** Fields every step may carry. */
interface StepBase {
  /** Free text explaining what the step shows. */
  note?: string;
  /** The step must fail with this kind of error. */
  expectError?: ErrorKind;
}

/** Expected explanation: `via` is matched as a subset; `via: null` means "no via". */
export interface ExpectedExplanation {
  reason: DecisionReason;
  via?: Record<string, unknown> | null;
}

export interface CheckStep extends StepBase {
  op: 'check';
  request: CheckRequest;
  /** Expected answer (required unless `expectError`). */
  expect?: boolean;
  /** Expected explanation (`checkDetailed`). */
  explain?: ExpectedExplanation;
}

export interface BulkCheckStep extends StepBase {
  op: 'bulkCheck';
  requests: CheckRequest[];
  expect?: boolean[];
}

export interface CheckPermissionsStep extends StepBase {
  op: 'checkPermissions';
  request: CheckPermissionsRequest;
  expect?: CheckPermissionsResult;
}

export interface GetUserPermissionsStep extends StepBase {
  op: 'getUserPermissions';
  args: [user: string, resourceUri: string, options?: { tenant?: string }];
  expect?: UserPermissions;
}

export interface GrantStep extends StepBase {
  op: 'grant' | 'revoke';
  args: [GrantRequest];
}

export interface LoadStep extends StepBase {
  op: 'load';
  args: [PolicySnapshot];
}

export interface ExportStep extends StepBase {
  op: 'export';
  /** Matched as a subset of the exported snapshot (unless `match: "exact"`). */
  expect?: unknown;
  match?: 'subset' | 'exact';
}

/** Management groups of the target. */
export type ManagementGroup =
  | 'users'
  | 'tenants'
  | 'roles'
  | 'resources'
  | 'roleAssignments'
  | 'conditionSets'
  | 'conditionSetRules'
  | 'permissions'
  | 'principals';

/** `"<group>.<method>"`, e.g. `"roles.addExtends"`, called as `target[group][method](...args)`. */
export interface ManagementStep extends StepBase {
  op: `${ManagementGroup}.${string}`;
  args: unknown[];
  /**
   * Expected resolved value. By default a subset match: objects may carry more
   * keys than expected, arrays must have the same length with matching items.
   */
  expect?: unknown;
  match?: 'subset' | 'exact';
}

export type Step =
  | CheckStep
  | BulkCheckStep
  | CheckPermissionsStep
  | GetUserPermissionsStep
  | GrantStep
  | LoadStep
  | ExportStep
  | ManagementStep;

export interface ConformanceVector {
  /** File name without `.json` (plus `#n` when a file holds several vectors). */
  name: string;
  description: string;
  policy: PolicySnapshot;
  steps: Step[];
}

/**
 * What a vector runs against: the `Pdp` operations (the engine itself, an
 * adapter over the `Permissio` client, or one over the HTTP server).
 * `export`, `conditionSets`, `conditionSetRules`, `permissions` and `principals` are optional: a step
 * that needs one fails on a target without it.
 */
export type ConformanceTarget = Pick<
  Pdp,
  | 'check'
  | 'checkDetailed'
  | 'bulkCheck'
  | 'checkPermissions'
  | 'getUserPermissions'
  | 'grant'
  | 'revoke'
  | 'users'
  | 'tenants'
  | 'roles'
  | 'resources'
  | 'roleAssignments'
  | 'load'
> &
  Partial<Pick<Pdp, 'export' | 'conditionSets' | 'conditionSetRules' | 'permissions' | 'principals'>>;

/**
 * Startup validation of a route manifest against the policy: a
 * `requirePermission('raed', 'document')` (an action or a resource type the
 * policy does not define) is reported when the app starts, not found later
 * as a 403 on every request.
 *
 * Only an embedded PDP is checked (its policy is in-process: `pdp.export()`);
 * against a remote PDP the check is skipped, and says so.
 */
import type { Permissio } from '../client.js';
import { PermissioValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RouteGuard, RouteManifestEntry } from './routes.js';
import { closestName } from '../suggest.js';

/** `off`: no check; `warn`: log each problem as a warning; `error`: fail startup. */
export type RouteValidationMode = 'off' | 'warn' | 'error';

/** One guard that names something the policy does not have. */
export interface PolicyIssue {
  readonly method: string;
  readonly path: string;
  readonly guard: RouteGuard;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** The result of a check. */
export interface PolicyCheckResult {
  /** False when the check could not run (remote PDP, export failed); `reason` says why. */
  readonly checked: boolean;
  readonly reason?: string;
  readonly issues: readonly PolicyIssue[];
}

/**
 * Validates the `routeValidation` option.
 * @throws TypeError naming the option
 */
export function resolveRouteValidation(value: unknown, framework: string): RouteValidationMode {
  if (value === undefined) return 'warn';
  if (value === 'off' || value === 'warn' || value === 'error') return value;
  throw new TypeError(`@permissio/${framework}: option "routeValidation" must be "off", "warn" or "error".`);
}

/** The actions of each resource type of an embedded PDP's policy, or why they are unknown. */
async function policyActions(
  client: Permissio<boolean>,
): Promise<{ actions: Map<string, Set<string>> } | { reason: string }> {
  const pdp = client.pdp;
  if (pdp.kind !== 'embedded') return { reason: 'the PDP is remote; only an embedded engine is checked' };
  let snapshot: Awaited<ReturnType<typeof pdp.export>>;
  try {
    snapshot = await pdp.export();
  } catch (error) {
    return { reason: `the policy could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const actions = new Map<string, Set<string>>();
  for (const resource of snapshot.resources ?? []) {
    actions.set(resource.key, new Set((resource.actions ?? []).map((a) => (typeof a === 'string' ? a : a.key))));
  }
  return { actions };
}

/** Checks every guard of `entries` against the client's policy. Never throws. */
export async function checkManifestAgainstPolicy(
  client: Permissio<boolean>,
  entries: readonly RouteManifestEntry[],
): Promise<PolicyCheckResult> {
  const policy = await policyActions(client);
  if ('reason' in policy) return { checked: false, reason: policy.reason, issues: [] };
  const issues: PolicyIssue[] = [];
  for (const entry of entries) {
    for (const guard of entry.guards) {
      const message = guardProblem(guard, policy.actions);
      if (message !== undefined) {
        issues.push({
          method: entry.method,
          path: entry.path,
          guard,
          message: `${entry.method} ${entry.path}: requirePermission('${guard.action}', ${describe(guard)}): ${message}`,
        });
      }
    }
  }
  return { checked: true, issues };
}

function describe(guard: RouteGuard): string {
  return guard.resource === '(resolver)' ? 'resolver' : `'${guard.resource}'`;
}

function guardProblem(guard: RouteGuard, policy: ReadonlyMap<string, ReadonlySet<string>>): string | undefined {
  const type = guard.resourceType;
  if (type === undefined) {
    // A resolver of unknown type: the action must exist on some resource type.
    for (const actions of policy.values()) if (actions.has(guard.action)) return undefined;
    const all = new Set<string>();
    for (const actions of policy.values()) for (const action of actions) all.add(action);
    return `no resource type of the policy has an action "${guard.action}"${suggest(guard.action, all)}.`;
  }
  const actions = policy.get(type);
  if (actions === undefined) {
    return `the policy has no resource type "${type}"${suggest(type, policy.keys())}; known types: ${list(policy.keys())}.`;
  }
  if (!actions.has(guard.action)) {
    return `resource type "${type}" has no action "${guard.action}"${suggest(guard.action, actions)}; its actions: ${list(actions)}.`;
  }
  return undefined;
}

function list(values: Iterable<string>): string {
  const all = [...values];
  return all.length === 0 ? '(none)' : all.join(', ');
}

/** ` (did you mean "read"?)` for the closest candidate that looks like a typo of `value`, else ``. */
export function suggest(value: string, candidates: Iterable<string>): string {
  const best = closestName(value, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** Options of {@link validateManifest}. */
export interface ValidateManifestOptions {
  /** `warn` logs each issue; `error` throws one error listing them all. @defaultValue 'warn' */
  mode?: RouteValidationMode;
  /** Where warnings go. @defaultValue console */
  logger?: Pick<Logger, 'warn'>;
  /** Name in messages, e.g. `express`. */
  framework: string;
}

/**
 * Checks `entries` against the client's policy, then warns or throws.
 * @throws PermissioValidationError (code `ROUTE_POLICY_MISMATCH`) in `error` mode when a guard names
 *   an action or resource type the policy lacks
 */
export async function validateManifest(
  client: Permissio<boolean>,
  entries: readonly RouteManifestEntry[],
  options: ValidateManifestOptions,
): Promise<PolicyCheckResult> {
  const mode = options.mode ?? 'warn';
  if (mode === 'off') return { checked: false, reason: 'routeValidation is off', issues: [] };
  const result = await checkManifestAgainstPolicy(client, entries);
  if (result.issues.length === 0) return result;
  const where = `@permissio/${options.framework}`;
  if (mode === 'error') {
    throw new PermissioValidationError(
      `${where}: ${result.issues.length} route guard(s) name an action or resource type the policy does not define:\n` +
        result.issues.map((issue) => `  - ${issue.message}`).join('\n'),
      {
        code: 'ROUTE_POLICY_MISMATCH',
        details: result.issues.map(({ method, path, guard }) => ({ method, path, guard })),
      },
    );
  }
  const logger = options.logger ?? console;
  for (const issue of result.issues) logger.warn(`${where}: ${issue.message}`);
  return result;
}

/** Options of the adapters' `validateRoutes(app, options)` (Express, Hono). */
export interface ValidateRoutesOptions {
  /** The client whose policy the guards are checked against (an embedded engine; a remote PDP is skipped). */
  client: Permissio<boolean>;
  /** `'warn'` logs each problem; `'error'` rejects with one error listing them. @defaultValue 'warn' */
  mode?: 'warn' | 'error';
  /** Where warnings go. @defaultValue console */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * The body of an adapter's `validateRoutes(app, options)`: validates the
 * options, reads the manifest, checks it. Rejects (never throws synchronously).
 */
export function validateRoutesWith(
  framework: string,
  manifest: () => readonly RouteManifestEntry[],
  options: ValidateRoutesOptions,
): Promise<PolicyCheckResult> {
  const where = `@permissio/${framework}: validateRoutes(app, { client, mode?, logger? })`;
  if (options === null || typeof options !== 'object' || typeof options.client?.pdp !== 'object') {
    return Promise.reject(new TypeError(`${where}: "client" must be the Permissio client.`));
  }
  if (options.mode !== undefined && options.mode !== 'warn' && options.mode !== 'error') {
    return Promise.reject(new TypeError(`${where}: "mode" must be "warn" or "error".`));
  }
  let entries: readonly RouteManifestEntry[];
  try {
    entries = manifest();
  } catch (error) {
    return Promise.reject(error);
  }
  return validateManifest(options.client, entries, {
    framework,
    mode: options.mode ?? 'warn',
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

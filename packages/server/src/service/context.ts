/**
 * What both transports do before an operation runs: authenticate the bearer
 * API key, require the operation's key scope, charge the rate limit, and
 * resolve the scope (`project_name`) the operation works on.
 */
import type { Pdp } from '@permissio/core';
import type { AuthenticatedKey, KeyRing } from '../auth.js';
import type { RateLimiter } from '../rate-limit.js';
import type { ScopeRegistry, WriteTransaction } from '../registry.js';
import { requireScope } from '../server/require-scope.js';
import type { Scope } from '../storage.js';
import { ServiceCode, ServiceError } from './codes.js';
import { optionalString, type ServiceInput } from './input.js';
import type { ServiceOperation } from './operation.js';

/** What the service needs of the running server. */
export interface ServiceDeps {
  keys: KeyRing;
  limiter: RateLimiter | undefined;
  registry: ScopeRegistry;
}

/** What an operation gets: the scope's engine and its journaled write path. */
export interface ServiceCall {
  key: AuthenticatedKey;
  scope: Scope;
  pdp(): Pdp;
  /** Runs a write under the scope's lock, journaled (durable, replicated) like the native routes' writes. */
  write<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T>;
}

/** The bearer key of an `Authorization` value (HTTP header or gRPC metadata); UNAUTHENTICATED otherwise. */
export function authenticate(keys: KeyRing, authorization: string | undefined): AuthenticatedKey {
  if (authorization === undefined || authorization === '') {
    throw new ServiceError(ServiceCode.UNAUTHENTICATED, 'Missing API key: send "authorization: Bearer permis_key_…".');
  }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (match === null) {
    throw new ServiceError(ServiceCode.UNAUTHENTICATED, 'Malformed authorization: expected "Bearer permis_key_…".');
  }
  const key = keys.authenticate(match[1] as string);
  if (key === undefined) throw new ServiceError(ServiceCode.UNAUTHENTICATED, 'Invalid API key.');
  return key;
}

/**
 * The scope of a request: the API key's project and environment. A
 * `project_name`, when given, must name them — the key's environment
 * (`production`), its project, or `<project>/<environment>` — else
 * PERMISSION_DENIED (a key works on its own scope only).
 */
export function resolveScope(key: AuthenticatedKey, input: ServiceInput): Scope {
  const scope = { projectId: key.projectId, environmentId: key.environmentId };
  const name = optionalString(input, 'project_name');
  if (
    name === undefined ||
    name === scope.environmentId ||
    name === scope.projectId ||
    name === `${scope.projectId}/${scope.environmentId}`
  ) {
    return scope;
  }
  throw new ServiceError(
    ServiceCode.PERMISSION_DENIED,
    `This API key is not allowed on project_name ${JSON.stringify(name.slice(0, 100))}; ` +
      `leave project_name out or name the key's own environment.`,
  );
}

/**
 * Charges `units` of the operation's rate class to the key (`counted` of the
 * call were charged already); RESOURCE_EXHAUSTED over the limit.
 */
function charge(limiter: RateLimiter, op: ServiceOperation, key: AuthenticatedKey, units: number, counted = 0): void {
  const decision = limiter.hit(key.id, op.rateClass, Date.now(), units, counted);
  if (!decision.ok) {
    throw new ServiceError(
      ServiceCode.RESOURCE_EXHAUSTED,
      `Rate limit of ${decision.limit} ${op.rateClass} per window exceeded; retry in ${decision.retryAfter} s.`,
      { retryAfter: decision.retryAfter },
    );
  }
}

/**
 * Step one of a call, before its input is read: authenticates the key,
 * requires the operation's scope and counts the call's arrival (one unit).
 */
export function authorize(
  deps: ServiceDeps,
  op: ServiceOperation,
  authorization: string | undefined,
): AuthenticatedKey {
  const key = authenticate(deps.keys, authorization);
  requireScope(key, op.scope, op.name);
  if (deps.limiter !== undefined) charge(deps.limiter, op, key, 1);
  return key;
}

/** Step two: charges the rest of the input's cost, resolves the scope and runs the operation. */
export async function execute(
  deps: ServiceDeps,
  op: ServiceOperation,
  key: AuthenticatedKey,
  input: ServiceInput,
): Promise<Record<string, unknown>> {
  const units = op.cost === undefined ? 1 : op.cost(input);
  if (deps.limiter !== undefined && units > 1) charge(deps.limiter, op, key, units - 1, 1);
  const scope = resolveScope(key, input);
  const { registry } = deps;
  const call: ServiceCall = {
    key,
    scope,
    pdp: () => registry.get(scope).pdp,
    write: async (work) => (await registry.writeRevisioned(scope, work)).value,
  };
  return await op.run(call, input);
}

/** Both steps, for a transport that has the input at once (gRPC). */
export async function runOperation(
  deps: ServiceDeps,
  op: ServiceOperation,
  authorization: string | undefined,
  input: ServiceInput,
): Promise<Record<string, unknown>> {
  return await execute(deps, op, authorize(deps, op, authorization), input);
}

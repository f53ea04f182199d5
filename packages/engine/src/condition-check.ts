/**
 * Rule 5 of a check (docs/MODEL.md, "Conditions"): some condition set rule
 * with the asked permission, its tenant absent or equal to the check's, whose
 * userset matches the user and whose resourceset matches the resource.
 *
 * Values: `user.*` = the stored user's attributes overlaid key by key by the
 * check's (the check wins; a user not stored matches from the check alone);
 * `user.roles` = the roles the user holds tenant-wide in the check's tenant,
 * inherited included, computed only when a condition reads it; `resource.*`
 * = the check's attributes and the built-ins; `tenant.*` = the stored
 * tenant's attributes; `context.*` = the check's context. Attribute bags that
 * are not plain objects are treated as absent (every comparison on them is
 * UNKNOWN, so they never allow).
 */
import type { Attributes, CheckContext, ConditionSetRule } from '@permissio/core';
import { findMatchingRule } from './conditions/index.js';
import type { EvalInput } from './conditions/index.js';
import type { State } from './state.js';

/** The resource of a check, validated. */
export interface ConditionResource {
  type: string;
  key?: string | undefined;
  uri?: string | undefined;
  attributes?: unknown;
}

/** Whether `permission` has any condition rule (the cheap test every caller makes first). */
export function hasConditionRules(state: State, permission: string): boolean {
  return state.conditions.index?.byPermission.has(permission) === true;
}

/** The first matching rule (documented order), or undefined. Keys must already be valid. */
export function matchConditionRule(
  state: State,
  checkUser: unknown,
  user: string,
  resource: ConditionResource,
  tenant: string,
  permission: string,
  context: unknown,
): ConditionSetRule | undefined {
  const index = state.conditions.index;
  if (index === undefined || !index.byPermission.has(permission)) return undefined;
  return findMatchingRule(index, permission, tenant, evalInput(state, checkUser, user, resource, tenant, context));
}

function bag(value: unknown): Attributes | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Attributes) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The input a condition is evaluated on (also used by plan.ts, with a resource that has no key, URI or attributes). */
export function evalInput(
  state: State,
  checkUser: unknown,
  user: string,
  resource: ConditionResource,
  tenant: string,
  context: unknown,
): EvalInput {
  const stored = state.users.get(user);
  const passed = bag(checkUser);
  const userInput: EvalInput['user'] = new LazyUser(state, user, tenant);
  const email = text(passed?.email) ?? stored?.email;
  const firstName = text(passed?.firstName) ?? stored?.firstName;
  const lastName = text(passed?.lastName) ?? stored?.lastName;
  if (email !== undefined) userInput.email = email;
  if (firstName !== undefined) userInput.firstName = firstName;
  if (lastName !== undefined) userInput.lastName = lastName;
  const checkAttributes = bag(passed?.attributes);
  if (checkAttributes !== undefined) userInput.attributes = checkAttributes;
  if (stored !== undefined) userInput.storedAttributes = stored.attributes;

  // Every input object is built with all its fields (absent = undefined), so the compiled accessors see one shape.
  const resourceInput = {
    type: resource.type,
    key: resource.key,
    tenant,
    uri: resource.uri,
    attributes: bag(resource.attributes),
  } as EvalInput['resource'];
  const tenantInput = { key: tenant, attributes: state.tenants.get(tenant)?.attributes } as EvalInput['tenant'];
  const input = {
    user: userInput,
    resource: resourceInput,
    tenant: tenantInput,
    context: bag(context) as CheckContext | undefined,
  } as EvalInput;
  return input;
}

/** The user of an {@link EvalInput}; `roles` is computed on first read (only a condition on `user.roles` reads it). */
class LazyUser {
  email?: string;
  firstName?: string;
  lastName?: string;
  attributes?: Attributes;
  storedAttributes?: Attributes;
  #roles: readonly string[] | undefined;
  constructor(
    private readonly state: State,
    readonly key: string,
    private readonly tenant: string,
  ) {}
  get roles(): readonly string[] {
    if (this.#roles === undefined) this.#roles = tenantRoles(this.state, this.key, this.tenant);
    return this.#roles;
  }
}

/** Keys of the roles held tenant-wide in `tenant`, plus every role they extend (transitively). */
function tenantRoles(state: State, user: string, tenant: string): string[] {
  const held = state.index.get(user)?.get(tenant);
  if (held === undefined || held.roles.size === 0) return [];
  const seen = new Set<string>(held.roles);
  const queue = [...held.roles];
  for (let i = 0; i < queue.length; i++) {
    for (const parent of state.roles.get(queue[i] as string)?.extends ?? []) {
      if (!seen.has(parent)) {
        seen.add(parent);
        queue.push(parent);
      }
    }
  }
  return [...seen];
}

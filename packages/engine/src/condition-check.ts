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
 *
 * Hot path: the input the compiled conditions read is one reusable frame
 * (filled, evaluated, then cleared so it keeps nothing alive), so a check
 * allocates nothing here. A check started while the frame is in use (an
 * attribute getter calling back into the engine) gets a fresh frame.
 */
import type { Attributes, CheckContext, ConditionSetRule } from '@permissio/core';
import { findRuleIn } from './conditions/rule-index.js';
import type { EvalInput } from './conditions/index.js';
import type { State, TenantRecord, UserRecord } from './state.js';

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
  return matchConditionRuleOn(
    state,
    null,
    null,
    checkUser,
    user,
    resource.type,
    resource.key,
    resource.uri,
    resource.attributes,
    tenant,
    permission,
    context,
  );
}

/**
 * {@link matchConditionRule} with the resource's fields passed one by one (no object per check), and the
 * stored user and tenant records when the caller already looked them up (`null`: look them up here).
 */
export function matchConditionRuleOn(
  state: State,
  storedUser: UserRecord | undefined | null,
  storedTenant: TenantRecord | undefined | null,
  checkUser: unknown,
  user: string,
  type: string,
  key: string | undefined,
  uri: string | undefined,
  attributes: unknown,
  tenant: string,
  permission: string,
  context: unknown,
): ConditionSetRule | undefined {
  const index = state.conditions.index;
  if (index === undefined) return undefined;
  const rules = index.byPermission.get(permission);
  if (rules === undefined) return undefined;
  // Marked busy before filling: reading the check's user may run a getter that calls back into the engine.
  const reuse = !busy;
  const frame = reuse ? shared : new Frame();
  if (reuse) busy = true;
  try {
    frame.fill(state, storedUser, storedTenant, checkUser, user, type, key, uri, attributes, tenant, context);
    return findRuleIn(index, rules, tenant, frame as unknown as EvalInput);
  } finally {
    if (reuse) {
      busy = false;
      frame.clear();
    }
  }
}

function bag(value: unknown): Attributes | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Attributes) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The input a condition is evaluated on, in a frame of its own (plan.ts: a resource with no key, URI or attributes). */
export function evalInput(
  state: State,
  checkUser: unknown,
  user: string,
  resource: ConditionResource,
  tenant: string,
  context: unknown,
): EvalInput {
  const frame = new Frame();
  frame.fill(
    state,
    null,
    null,
    checkUser,
    user,
    resource.type,
    resource.key,
    resource.uri,
    resource.attributes,
    tenant,
    context,
  );
  return frame as unknown as EvalInput;
}

/** `EvalInput['user']`; `roles` is computed on first read (only a condition on `user.roles` reads it). */
class FrameUser {
  key = '';
  email: string | undefined = undefined;
  firstName: string | undefined = undefined;
  lastName: string | undefined = undefined;
  attributes: Attributes | undefined = undefined;
  storedAttributes: Attributes | undefined = undefined;
  state: State | undefined = undefined;
  tenant = '';
  cachedRoles: readonly string[] | undefined = undefined;
  get roles(): readonly string[] {
    if (this.cachedRoles === undefined) {
      this.cachedRoles = this.state === undefined ? [] : tenantRoles(this.state, this.key, this.tenant);
    }
    return this.cachedRoles;
  }
}

class FrameResource {
  type = '';
  key: string | undefined = undefined;
  tenant = '';
  uri: string | undefined = undefined;
  attributes: Attributes | undefined = undefined;
}

class FrameTenant {
  key = '';
  attributes: Attributes | undefined = undefined;
}

/** The {@link EvalInput} of one check; every object keeps one shape, so the compiled accessors stay monomorphic. */
class Frame {
  readonly user = new FrameUser();
  readonly resource = new FrameResource();
  readonly tenant = new FrameTenant();
  context: CheckContext | undefined = undefined;

  fill(
    state: State,
    storedUser: UserRecord | undefined | null,
    storedTenant: TenantRecord | undefined | null,
    checkUser: unknown,
    user: string,
    type: string,
    key: string | undefined,
    uri: string | undefined,
    attributes: unknown,
    tenant: string,
    context: unknown,
  ): void {
    const stored = storedUser === null ? state.users.get(user) : storedUser;
    const u = this.user;
    u.key = user;
    u.state = state;
    u.tenant = tenant;
    u.cachedRoles = undefined;
    const passed = bag(checkUser);
    if (passed !== undefined) {
      u.email = text(passed.email) ?? stored?.email;
      u.firstName = text(passed.firstName) ?? stored?.firstName;
      u.lastName = text(passed.lastName) ?? stored?.lastName;
      u.attributes = bag(passed.attributes);
    } else {
      u.email = stored?.email;
      u.firstName = stored?.firstName;
      u.lastName = stored?.lastName;
      u.attributes = undefined;
    }
    u.storedAttributes = stored?.attributes;
    const r = this.resource;
    r.type = type;
    r.key = key;
    r.tenant = tenant;
    r.uri = uri;
    r.attributes = bag(attributes);
    this.tenant.key = tenant;
    this.tenant.attributes = (storedTenant === null ? state.tenants.get(tenant) : storedTenant)?.attributes;
    this.context = bag(context) as CheckContext | undefined;
  }

  /** Drops every reference the check put in (the shared frame must not keep a policy or a request alive). */
  clear(): void {
    const u = this.user;
    u.email = u.firstName = u.lastName = undefined;
    u.attributes = u.storedAttributes = undefined;
    u.state = undefined;
    u.cachedRoles = undefined;
    this.resource.attributes = undefined;
    this.resource.key = this.resource.uri = undefined;
    this.tenant.attributes = undefined;
    this.context = undefined;
  }
}

const shared = new Frame();
let busy = false;

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

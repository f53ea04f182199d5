/**
 * The development "why" of a 403 (adapter option `explainDenials`, off by
 * default): the decision reason and `via`, the user's roles in the tenant,
 * and the closest rule that would have allowed the request — the role with
 * the fewest permissions that carries `<type>:<action>`, to assign in that
 * tenant. Best effort: what cannot be read (a management call refused) is
 * left out; it never turns a deny into anything else.
 */
import type { Permissio } from '../client.js';
import type { RequestScope } from '../scope.js';
import type { UntypedShape } from '../typed.js';
import { DEFAULT_TENANT, type CheckResource, type DecisionVia, type Role } from '../types.js';

/** The `why` member of a 403 problem body. */
export interface DenialExplanation {
  reason: string;
  via?: DecisionVia;
  /** The permission asked, `<type>:<action>`. */
  permission: string;
  tenant: string;
  /** The user's role assignments in the tenant: `role` (tenant-wide) or `role on <resource>`. */
  roles: string[];
  /** The smallest role that carries the permission: assigning it in `tenant` would allow the request. */
  closestRule?: { role: string; permission: string; tenant: string };
}

/** Most roles and assignments read for one explanation. */
const MAX_READ = 500;

async function collect<T>(iterator: AsyncIterable<T>, max: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

/** Effective permissions of each role (its own plus those of the roles it extends, transitively). */
function effectivePermissions(roles: readonly Role[]): Map<string, Set<string>> {
  const byKey = new Map(roles.map((role) => [role.key, role]));
  const memo = new Map<string, Set<string>>();
  const resolve = (key: string, seen: Set<string>): Set<string> => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    const set = new Set<string>();
    const role = byKey.get(key);
    if (role === undefined || seen.has(key)) return set;
    seen.add(key);
    for (const permission of role.permissions ?? []) set.add(permission);
    for (const parent of role.extends ?? []) for (const p of resolve(parent, seen)) set.add(p);
    memo.set(key, set);
    return set;
  };
  for (const role of roles) resolve(role.key, new Set());
  return memo;
}

/** Explains why the scope's user may not do `action` on `resource`. Never throws. */
export async function explainDenial(
  client: Permissio<boolean>,
  scope: RequestScope<UntypedShape>,
  action: string,
  resource: string | CheckResource,
): Promise<DenialExplanation | undefined> {
  const user = scope.user;
  if (user === undefined) return undefined;
  const userKey = typeof user === 'string' ? user : user.key;
  const type = typeof resource === 'string' ? resource : resource.type;
  const tenant = (typeof resource === 'string' ? undefined : resource.tenant) ?? scope.tenant ?? DEFAULT_TENANT;
  const permission = `${type}:${action}`;
  let decision: { reason: string; via?: DecisionVia };
  try {
    decision = await scope.checkDetailed(action, resource);
  } catch {
    return undefined;
  }
  const why: DenialExplanation = { reason: decision.reason, permission, tenant, roles: [] };
  if (decision.via !== undefined) why.via = decision.via;
  try {
    const assignments = await collect(client.api.roleAssignments.iterate({ user: userKey, tenant }), MAX_READ);
    why.roles = assignments.map((a) =>
      a.resourceInstance === undefined ? a.role : `${a.role} on ${a.resourceInstance}`,
    );
  } catch {
    // Left out: the client may not read assignments.
  }
  try {
    const roles = await collect(client.api.roles.iterate(), MAX_READ);
    const effective = effectivePermissions(roles);
    let best: { role: string; size: number } | undefined;
    for (const [role, permissions] of effective) {
      if (!permissions.has(permission)) continue;
      if (best === undefined || permissions.size < best.size || (permissions.size === best.size && role < best.role)) {
        best = { role, size: permissions.size };
      }
    }
    if (best !== undefined) why.closestRule = { role: best.role, permission, tenant };
  } catch {
    // Left out: the client may not read roles.
  }
  return why;
}

/**
 * A deliberately naive evaluator written straight from docs/MODEL.md: no
 * indexes, no caches, it scans every assignment and grant of the snapshot
 * for every question. The property tests compare the engine against it.
 * Inputs are assumed valid (the generators only produce valid ones).
 */
import type { CheckResource, DecisionReason, PolicySnapshot } from '@permissio/core';

export interface RefQuestion {
  user: string;
  action: string;
  resource: string | CheckResource;
  tenant?: string;
}

export interface RefDecision {
  allowed: boolean;
  reason: DecisionReason;
  role?: string;
  resourceInstance?: string;
}

interface Held {
  user: string;
  tenant: string;
  instance?: string;
  role?: string;
  permission?: string;
}

export class ReferenceEvaluator {
  private readonly held: Held[] = [];
  private readonly users = new Set<string>();

  constructor(private readonly policy: PolicySnapshot) {
    for (const u of policy.users ?? []) this.users.add(u.key);
    for (const a of policy.roleAssignments ?? []) {
      this.users.add(a.user);
      this.held.push({ user: a.user, tenant: a.tenant ?? 'default', instance: a.resourceInstance, role: a.role });
    }
    for (const g of policy.grants ?? []) {
      this.users.add(g.user);
      for (const role of g.roles ?? [])
        this.held.push({ user: g.user, tenant: g.tenant ?? 'default', instance: g.resourceUri, role });
      for (const permission of g.permissions ?? []) {
        this.held.push({ user: g.user, tenant: g.tenant ?? 'default', instance: g.resourceUri, permission });
      }
    }
  }

  /** Does `role` (with everything it extends, transitively) include `permission`? */
  roleIncludes(role: string, permission: string, seen: string[] = []): boolean {
    if (seen.includes(role)) return false;
    const def = (this.policy.roles ?? []).find((r) => r.key === role);
    if (def === undefined) return false;
    if ((def.permissions ?? []).includes(permission)) return true;
    return (def.extends ?? []).some((parent) => this.roleIncludes(parent, permission, [...seen, role]));
  }

  permissionsOf(role: string): string[] {
    const all = (this.policy.resources ?? []).flatMap((r) =>
      (r.actions ?? []).map((a) => `${r.key}:${typeof a === 'string' ? a : a.key}`),
    );
    return all.filter((p) => this.roleIncludes(role, p));
  }

  decide(q: RefQuestion): RefDecision {
    const resource: CheckResource = typeof q.resource === 'string' ? { type: q.resource } : q.resource;
    const tenant = resource.tenant ?? q.tenant ?? 'default';
    const permission = `${resource.type}:${q.action}`;
    if (!this.users.has(q.user)) return { allowed: false, reason: 'unknown_user' };
    const type = (this.policy.resources ?? []).find((r) => r.key === resource.type);
    if (type === undefined) return { allowed: false, reason: 'unknown_resource_type' };
    if (!(type.actions ?? []).some((a) => (typeof a === 'string' ? a : a.key) === q.action)) {
      return { allowed: false, reason: 'unknown_action' };
    }
    const mine = this.held.filter((h) => h.user === q.user && h.tenant === tenant);
    const smallest = (list: Held[]): Held | undefined =>
      [...list].sort((a, b) => ((a.role ?? '') < (b.role ?? '') ? -1 : 1))[0];

    // Rule 1: tenant role.
    const r1 = smallest(
      mine.filter((h) => h.instance === undefined && h.role !== undefined && this.roleIncludes(h.role, permission)),
    );
    if (r1 !== undefined) return { allowed: true, reason: 'role', role: r1.role };
    // Rule 2: instance role.
    const instance = resource.key === undefined ? undefined : `${resource.type}:${resource.key}`;
    if (instance !== undefined) {
      const r2 = smallest(
        mine.filter((h) => h.instance === instance && h.role !== undefined && this.roleIncludes(h.role, permission)),
      );
      if (r2 !== undefined)
        return { allowed: true, reason: 'instance_role', role: r2.role, resourceInstance: instance };
    }
    // Rule 3: URI role on an ancestor-or-equal URI, deepest first.
    const uri = resource.uri;
    const covers = (p: string | undefined): p is string =>
      uri !== undefined && p?.startsWith('/') === true && (p === uri || p === '/' || uri.startsWith(`${p}/`));
    const depth = (p: string): number => (p === '/' ? 0 : p.split('/').length - 1);
    const byDepth = (list: Held[]): Held[] =>
      [...list].sort(
        (a, b) =>
          depth(b.instance as string) - depth(a.instance as string) || ((a.role ?? '') < (b.role ?? '') ? -1 : 1),
      );
    const r3 = byDepth(
      mine.filter((h) => covers(h.instance) && h.role !== undefined && this.roleIncludes(h.role, permission)),
    )[0];
    if (r3 !== undefined) return { allowed: true, reason: 'uri_role', role: r3.role, resourceInstance: r3.instance };
    // Rule 4: direct grant on the instance, then the deepest covering URI.
    const grants = mine.filter((h) => h.permission === permission);
    const onInstance = grants.find((h) => instance !== undefined && h.instance === instance);
    if (onInstance !== undefined) return { allowed: true, reason: 'direct_grant', resourceInstance: instance };
    const r4 = byDepth(grants.filter((h) => covers(h.instance)))[0];
    if (r4 !== undefined) return { allowed: true, reason: 'direct_grant', resourceInstance: r4.instance };
    return { allowed: false, reason: 'no_matching_grant' };
  }

  /** Roles and permissions applying at a URI (the engine's documented getUserPermissions). */
  userPermissions(user: string, uri: string, tenant = 'default'): { permissions: string[]; roles: string[] } {
    const covers = (p: string | undefined): boolean =>
      p === undefined || (p.startsWith('/') && (p === uri || p === '/' || uri.startsWith(`${p}/`)));
    const mine = this.held.filter((h) => h.user === user && h.tenant === tenant && covers(h.instance));
    const roles = [...new Set(mine.flatMap((h) => (h.role === undefined ? [] : [h.role])))].sort();
    const permissions = new Set(mine.flatMap((h) => (h.permission === undefined ? [] : [h.permission])));
    for (const role of roles) for (const p of this.permissionsOf(role)) permissions.add(p);
    return { permissions: [...permissions].sort(), roles };
  }
}

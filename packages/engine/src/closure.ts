/**
 * Role inheritance, precomputed: for each role, every permission it holds
 * (own or inherited) with the inheritance path that yields it.
 *
 * The path for a permission is the shortest chain from the role to a role
 * declaring it; among equally short chains, parents are tried in key order
 * (UTF-16 code-unit order), so the answer does not depend on write order.
 * Extends graphs are acyclic (cycles are rejected on write), so the
 * recursion terminates.
 */
import type { RoleRecord } from './state.js';

/** permission → inheritance path (assigned role first, declaring role last). */
export type PermissionPaths = ReadonlyMap<string, readonly string[]>;

const EMPTY: PermissionPaths = new Map();

export class RoleClosure {
  private readonly closures = new Map<string, Map<string, readonly string[]>>();
  /** Bumped on every recomputation: caches derived from closures compare it. */
  version = 0;

  constructor(private readonly roles: ReadonlyMap<string, RoleRecord>) {}

  /** Permissions of `role` with their paths; empty for an unknown role. */
  get(role: string): PermissionPaths {
    return this.closures.get(role) ?? EMPTY;
  }

  /** `true` iff `role` (with everything it extends) includes `permission`. */
  has(role: string, permission: string): boolean {
    return this.closures.get(role)?.has(permission) === true;
  }

  /** Recomputes every role (after a bulk load). */
  rebuildAll(): void {
    this.version++;
    this.closures.clear();
    for (const key of this.roles.keys()) this.compute(key);
  }

  /**
   * Recomputes the given roles and every role extending them, directly or
   * transitively. Call after a role's own permissions or extends change
   * (edges *into* the role are unchanged by such writes).
   */
  refresh(changed: Iterable<string>): void {
    this.recompute(this.affectedBy(changed));
  }

  /**
   * The given roles and every role extending them, per the current graph.
   * A delete must take this set *before* it removes the role from other
   * roles' extends, then {@link recompute} it.
   */
  affectedBy(changed: Iterable<string>): Set<string> {
    return this.dependentsOf(changed);
  }

  /** Recomputes exactly these roles (dropping the ones that no longer exist). */
  recompute(affected: Iterable<string>): void {
    this.version++;
    const list = [...affected];
    for (const key of list) this.closures.delete(key);
    for (const key of list) if (this.roles.has(key)) this.compute(key);
  }

  /** Computes a just-created role (nothing extends it yet, so nothing else changes). */
  computeNew(key: string): void {
    this.version++;
    this.closures.delete(key);
    this.compute(key);
  }

  /** `true` iff `from` reaches `to` through extends (or is it). */
  reaches(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      if (key === to) return true;
      if (seen.has(key)) continue;
      seen.add(key);
      const role = this.roles.get(key);
      if (role !== undefined) for (const parent of role.extends) stack.push(parent);
    }
    return false;
  }

  private dependentsOf(changed: Iterable<string>): Set<string> {
    const children = new Map<string, string[]>();
    for (const role of this.roles.values()) {
      for (const parent of role.extends) {
        const list = children.get(parent);
        if (list === undefined) children.set(parent, [role.key]);
        else list.push(role.key);
      }
    }
    const affected = new Set<string>();
    const stack = [...changed];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      if (affected.has(key)) continue;
      affected.add(key);
      for (const child of children.get(key) ?? []) stack.push(child);
    }
    return affected;
  }

  private compute(key: string): PermissionPaths {
    const cached = this.closures.get(key);
    if (cached !== undefined) return cached;
    const role = this.roles.get(key);
    const result = new Map<string, readonly string[]>();
    if (role === undefined) return result;
    this.closures.set(key, result); // placed first: defensive against a cycle slipping in
    const own: readonly string[] = [key];
    for (const permission of role.permissions) result.set(permission, own);
    const parents = [...role.extends].sort(compareKeys);
    for (const parent of parents) {
      for (const [permission, path] of this.compute(parent)) {
        const current = result.get(permission);
        if (current === undefined || current.length > path.length + 1) result.set(permission, [key, ...path]);
      }
    }
    return result;
  }
}

/** Code-unit order, the one total order used for every sorted output. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

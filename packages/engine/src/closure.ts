/**
 * Role inheritance, precomputed compactly: for each role, the set of every
 * permission it holds (own or inherited) as a bitset over interned
 * permission ids. A role that adds nothing to its only parent (or to the
 * parent whose set already covers everything) shares that parent's bitset,
 * so a chain of roles extending one large role costs one set, not one per
 * role. Memory is O(roles × permissions / 32) words at worst, never
 * O(roles² × permissions).
 *
 * Inheritance paths (for explanations) are not stored: {@link RoleClosure.path}
 * computes the shortest chain from a role to a role declaring the
 * permission on demand; among equally short chains, parents are tried in key
 * order (UTF-16 code-unit order), so the answer does not depend on write order.
 *
 * Nothing here recurses: closures are computed in topological order
 * (parents first, Kahn's algorithm), reachability and paths by explicit
 * stacks and queues, so an inheritance chain of any length loads.
 */
import type { RoleRecord } from './state.js';
import { invalid } from './values.js';

/** Longest extends chain a write may create, counted in roles (a role extending nothing has depth 1). */
export const MAX_INHERITANCE_DEPTH = 10_000;
/**
 * Most closure words (32 permissions each) one role write may recompute:
 * roles affected by the write × words per role. Bounds a single write's
 * time and transient memory (2^24 words = 64 MiB, tens of milliseconds).
 */
export const MAX_WRITE_CLOSURE_WORK = 2 ** 24;

type Bits = Uint32Array;
const NO_BITS: Bits = new Uint32Array(0);

export class RoleClosure {
  private readonly bits = new Map<string, Bits>();
  private readonly depths = new Map<string, number>();
  private readonly ids = new Map<string, number>();
  private names: string[] = [];
  /** Bumped on every recomputation: caches derived from closures compare it. */
  version = 0;

  constructor(private readonly roles: ReadonlyMap<string, RoleRecord>) {}

  /** `true` iff `role` (with everything it extends) includes `permission`. */
  has(role: string, permission: string): boolean {
    const id = this.ids.get(permission);
    if (id === undefined) return false;
    const bits = this.bits.get(role);
    if (bits === undefined) return false;
    const word = id >>> 5;
    return word < bits.length && ((bits[word] as number) & (1 << (id & 31))) !== 0;
  }

  /** Every permission of `role` (own and inherited), in no particular order; empty for an unknown role. */
  permissions(role: string): string[] {
    const bits = this.bits.get(role) ?? NO_BITS;
    const out: string[] = [];
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w] as number;
      while (word !== 0) {
        const low = word & -word;
        out.push(this.names[w * 32 + (31 - Math.clz32(low))] as string);
        word ^= low;
      }
    }
    return out;
  }

  /** Longest extends chain from `role`, in roles (0 for an unknown role). */
  depth(role: string): number {
    return this.depths.get(role) ?? 0;
  }

  /**
   * The inheritance path that yields `permission` to `role`: `role` first,
   * the declaring role last; the shortest such chain, parents in key order
   * on ties. `undefined` when the role does not hold the permission.
   */
  path(role: string, permission: string): string[] | undefined {
    if (!this.has(role, permission)) return undefined;
    if (this.roles.get(role)?.permissions.has(permission) === true) return [role];
    // Roles reachable from `role` that hold the permission; only they can lead to a declarer.
    const holding = new Set<string>([role]);
    const children = new Map<string, string[]>();
    const stack = [role];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      for (const parent of this.roles.get(key)?.extends ?? []) {
        if (!this.has(parent, permission)) continue;
        const list = children.get(parent);
        if (list === undefined) children.set(parent, [key]);
        else list.push(key);
        if (!holding.has(parent)) {
          holding.add(parent);
          stack.push(parent);
        }
      }
    }
    // Distance from each of them to the nearest declaring role (multi-source BFS against the edges).
    const distance = new Map<string, number>();
    const queue: string[] = [];
    for (const key of holding) {
      if (this.roles.get(key)?.permissions.has(permission) === true) {
        distance.set(key, 0);
        queue.push(key);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const key = queue[head] as string;
      const next = (distance.get(key) as number) + 1;
      for (const child of children.get(key) ?? []) {
        if (!distance.has(child)) {
          distance.set(child, next);
          queue.push(child);
        }
      }
    }
    // Walk down the distances, taking the smallest parent key at each step.
    const path = [role];
    let current = role;
    let left = distance.get(role);
    while (left !== undefined && left > 0) {
      let best: string | undefined;
      for (const parent of this.roles.get(current)?.extends ?? []) {
        if (distance.get(parent) === left - 1 && (best === undefined || compareKeys(parent, best) < 0)) best = parent;
      }
      if (best === undefined) break;
      path.push(best);
      current = best;
      left--;
    }
    return path;
  }

  /** Recomputes every role (after a bulk load); permission ids are interned afresh. */
  rebuildAll(): void {
    this.version++;
    this.bits.clear();
    this.depths.clear();
    this.ids.clear();
    this.names = [];
    this.computeInOrder(this.roles.keys());
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
    return this.dependentsOf(changed, this.childrenIndex());
  }

  /** Recomputes exactly these roles (dropping the ones that no longer exist). */
  recompute(affected: Iterable<string>): void {
    this.version++;
    const list = [...affected];
    for (const key of list) {
      this.bits.delete(key);
      this.depths.delete(key);
    }
    this.computeInOrder(list.filter((key) => this.roles.has(key)));
  }

  /** Computes a just-created role (nothing extends it yet, so nothing else changes). */
  computeNew(key: string): void {
    this.version++;
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

  /**
   * Throws a `PermissioValidationError` (422) when giving `role` these
   * `parents` (or, without `parents`, its current ones) and
   * `addedPermissions` new permissions would break a limit: an extends chain
   * longer than {@link MAX_INHERITANCE_DEPTH} roles, or more than
   * {@link MAX_WRITE_CLOSURE_WORK} closure words to recompute. Call before
   * applying a role write; `role` may be new (nothing extends it then).
   */
  assertWritable(role: string, parents: Iterable<string> | undefined, addedPermissions: number): void {
    const affected = this.roles.has(role) ? this.affectedBy([role]) : new Set([role]);
    const words = Math.ceil((this.names.length + addedPermissions) / 32);
    if (affected.size * words > MAX_WRITE_CLOSURE_WORK) {
      throw invalid(
        `Role ${JSON.stringify(role)} cannot be changed: ${affected.size} roles inherit from it, and recomputing their ` +
          `${words * 32} possible permissions exceeds the limit of ${MAX_WRITE_CLOSURE_WORK} closure words per write. ` +
          'Flatten the hierarchy or split it into separate roles.',
        { role, limit: 'MAX_WRITE_CLOSURE_WORK', roles: affected.size, words },
      );
    }
    if (parents === undefined) return;
    let above = 0;
    for (const parent of parents) above = Math.max(above, this.depth(parent));
    const below = affected.size > 1 ? this.longestBelow(role, affected) : 0;
    const depth = above + 1 + below;
    if (depth > MAX_INHERITANCE_DEPTH) {
      throw invalid(
        `Role ${JSON.stringify(role)} cannot extend these roles: it would make an inheritance chain of ${depth} roles, ` +
          `the limit is ${MAX_INHERITANCE_DEPTH}. Extend a role higher in the hierarchy, or flatten it.`,
        { role, limit: 'MAX_INHERITANCE_DEPTH', depth, max: MAX_INHERITANCE_DEPTH },
      );
    }
  }

  /** Longest chain of roles extending `role` (transitively), within `affected`, not counting `role`. */
  private longestBelow(role: string, affected: ReadonlySet<string>): number {
    const below = new Map<string, number>([[role, 0]]);
    let longest = 0;
    for (const key of this.topologicalOrder(affected)) {
      const record = this.roles.get(key);
      if (record === undefined || key === role) continue;
      let best = -1;
      for (const parent of record.extends) {
        const d = below.get(parent);
        if (d !== undefined && d + 1 > best) best = d + 1;
      }
      if (best >= 0) {
        below.set(key, best);
        if (best > longest) longest = best;
      }
    }
    return longest;
  }

  private childrenIndex(): Map<string, string[]> {
    const children = new Map<string, string[]>();
    for (const role of this.roles.values()) {
      for (const parent of role.extends) {
        const list = children.get(parent);
        if (list === undefined) children.set(parent, [role.key]);
        else list.push(role.key);
      }
    }
    return children;
  }

  private dependentsOf(changed: Iterable<string>, children: ReadonlyMap<string, string[]>): Set<string> {
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

  /**
   * `keys` ordered parents first (Kahn's algorithm on the edges among them).
   * Should a cycle slip in, its roles come last, in input order.
   */
  private topologicalOrder(keys: Iterable<string>): string[] {
    const members = new Set(keys);
    const waiting = new Map<string, number>();
    const children = new Map<string, string[]>();
    for (const key of members) {
      let count = 0;
      for (const parent of this.roles.get(key)?.extends ?? []) {
        if (!members.has(parent)) continue;
        count++;
        const list = children.get(parent);
        if (list === undefined) children.set(parent, [key]);
        else list.push(key);
      }
      waiting.set(key, count);
    }
    const order: string[] = [];
    for (const [key, count] of waiting) if (count === 0) order.push(key);
    for (let head = 0; head < order.length; head++) {
      for (const child of children.get(order[head] as string) ?? []) {
        const left = (waiting.get(child) as number) - 1;
        waiting.set(child, left);
        if (left === 0) order.push(child);
      }
    }
    if (order.length < members.size) {
      const placed = new Set(order);
      for (const key of members) if (!placed.has(key)) order.push(key);
    }
    return order;
  }

  private computeInOrder(keys: Iterable<string>): void {
    for (const key of this.topologicalOrder(keys)) this.compute(key);
  }

  private idOf(permission: string): number {
    let id = this.ids.get(permission);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(permission, id);
      this.names.push(permission);
    }
    return id;
  }

  /** Computes one role from its parents' (already computed) closures; shares a parent's bitset when it can. */
  private compute(key: string): void {
    const role = this.roles.get(key);
    if (role === undefined) return;
    let depth = 0;
    let widest: Bits = NO_BITS;
    const parentBits: Bits[] = [];
    for (const parent of role.extends) {
      const bits = this.bits.get(parent) ?? NO_BITS;
      parentBits.push(bits);
      if (bits.length > widest.length) widest = bits;
      depth = Math.max(depth, this.depths.get(parent) ?? 0);
    }
    this.depths.set(key, depth + 1);
    const own: number[] = [];
    for (const permission of role.permissions) own.push(this.idOf(permission));
    if (covers(widest, parentBits, own)) {
      this.bits.set(key, widest);
      return;
    }
    let length = widest.length;
    for (const id of own) length = Math.max(length, (id >>> 5) + 1);
    const bits = new Uint32Array(length);
    for (const parent of parentBits)
      for (let w = 0; w < parent.length; w++) bits[w] = (bits[w] as number) | (parent[w] as number);
    for (const id of own) bits[id >>> 5] = (bits[id >>> 5] as number) | (1 << (id & 31));
    this.bits.set(key, bits);
  }
}

/** `true` when `base` already holds every parent's bits and every own id (so it can be shared). */
function covers(base: Bits, parents: readonly Bits[], own: readonly number[]): boolean {
  for (const id of own) {
    const word = id >>> 5;
    if (word >= base.length || ((base[word] as number) & (1 << (id & 31))) === 0) return false;
  }
  for (const parent of parents) {
    if (parent === base) continue;
    for (let w = 0; w < parent.length; w++) {
      const bits = parent[w] as number;
      if ((bits & (base[w] as number)) !== bits) return false;
    }
  }
  return true;
}

/** Code-unit order, the one total order used for every sorted output. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

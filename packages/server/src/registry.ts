/**
 * One engine per project + environment, rebuilt from storage at start, and
 * the write path that keeps engine and journal in step.
 *
 * A write runs under the scope's write lock (a promise chain): it calls the
 * engine method (which validates and applies), and right after it succeeds
 * appends `{op, args}` to the journal, synchronously and durably, before the
 * response is sent. So the journal holds exactly the successful calls, in the
 * order the engine saw them, and replaying it into a fresh engine rebuilds the
 * same state. Checks never take the lock.
 *
 * With a shared storage (PostgreSQL, several replicas), the write also holds
 * the scope's lock in the database for its whole transaction: it first brings
 * the engine up to the journal's head (what other replicas wrote), then
 * validates and applies, appends, commits (the database notifies the other
 * replicas). Each scope's state carries its revision: the sequence number of
 * the last journal entry applied. Followers (`follower.ts`) call
 * {@link ScopeRegistry.sync} to apply other replicas' writes.
 */
import type { Pdp, PolicySnapshot } from '@permissio/core';
import type { JournalEntry, JournalTail, Scope, SharedJournal, Storage } from './storage.js';

/** Creates an empty engine for one scope. */
export type PdpFactory = (scope: Scope) => Pdp;

/** Minimal logger used by the registry. */
export interface RegistryLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Engine methods that change state, as recorded in the journal. */
export const WRITE_OPS = new Set([
  'grant',
  'revoke',
  'load',
  'users.create',
  'users.update',
  'users.delete',
  'users.sync',
  'tenants.create',
  'tenants.update',
  'tenants.delete',
  'tenants.sync',
  'tenants.removeUser',
  'roles.create',
  'roles.update',
  'roles.delete',
  'roles.sync',
  'roles.addPermission',
  'roles.removePermission',
  'roles.addExtends',
  'roles.removeExtends',
  'resources.create',
  'resources.update',
  'resources.delete',
  'resources.sync',
  'resources.createAction',
  'resources.deleteAction',
  'resources.createAttribute',
  'resources.deleteAttribute',
  'roleAssignments.assign',
  'roleAssignments.unassign',
  'roleAssignments.bulkAssign',
  'roleAssignments.bulkUnassign',
  'users.createAttribute',
  'users.deleteAttribute',
  'conditionSets.create',
  'conditionSets.update',
  'conditionSets.delete',
  'conditionSets.sync',
  'conditionSetRules.create',
  'conditionSetRules.delete',
  'permissions.create',
  'permissions.update',
  'permissions.delete',
]);

/** Calls engine method `op` (e.g. `users.create`) with `args`. */
export async function invokeOp(pdp: Pdp, op: string, args: readonly unknown[]): Promise<unknown> {
  if (!WRITE_OPS.has(op)) throw new Error(`Unknown journal operation "${op}".`);
  const dot = op.indexOf('.');
  const target = (dot === -1 ? pdp : (pdp as unknown as Record<string, unknown>)[op.slice(0, dot)]) as Record<
    string,
    unknown
  >;
  const method = target[dot === -1 ? op : op.slice(dot + 1)];
  if (typeof method !== 'function') throw new Error(`The engine has no method "${op}".`);
  return await (method as (...a: unknown[]) => unknown).apply(target, [...args]);
}

/** Handed to a write: the engine to read from, and `call` to apply-and-journal one operation. */
export interface WriteTransaction {
  readonly pdp: Pdp;
  /** Applies `op` to the engine; on success journals it (durably) before resolving. */
  call<T>(op: string, ...args: unknown[]): Promise<T>;
}

/** Thrown when a write reached the engine but could not be journaled; the scope is rebuilt from storage. */
export class StorageWriteError extends Error {
  override name = 'StorageWriteError';
}

interface Waiter {
  revision: number;
  resolve: () => void;
}

/** Live state of one scope. */
export class ScopeState {
  readonly scope: Scope;
  pdp: Pdp;
  /** Journal entries since the last compaction. */
  pending = 0;
  /** Sequence number of the last journal entry applied to `pdp` (the revision it answers at). */
  revision = 0;
  /** A catch-up is queued (followers coalesce notifications). */
  syncQueued = false;
  /** The engine may hold a write that is not in the database (a failed commit): rebuild before anything else. */
  dirty = false;
  #tail: Promise<unknown> = Promise.resolve();
  #waiters: Waiter[] = [];

  constructor(scope: Scope, pdp: Pdp) {
    this.scope = scope;
    this.pdp = pdp;
  }

  /** Runs `task` after every task queued before it (the write lock). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Records that the engine now reflects `revision`; wakes the waiters it satisfies. */
  advance(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (waiter.revision <= revision) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
  }

  /** Resolves `true` once the revision reaches `revision`, `false` after `ms` milliseconds. */
  async reached(revision: number, ms: number): Promise<boolean> {
    if (this.revision >= revision) return true;
    let timer: NodeJS.Timeout | undefined;
    let waiter: Waiter | undefined;
    const reached = new Promise<boolean>((resolve) => {
      waiter = { revision, resolve: () => resolve(true) };
      this.#waiters.push(waiter);
      timer = setTimeout(() => resolve(false), ms);
    });
    const ok = await reached;
    clearTimeout(timer);
    this.#waiters = this.#waiters.filter((w) => w !== waiter);
    return ok;
  }

  /** Resolves when every queued task has finished. */
  async drain(): Promise<void> {
    let tail: Promise<unknown>;
    do {
      tail = this.#tail;
      await tail;
    } while (tail !== this.#tail);
  }
}

/** Options of {@link ScopeRegistry}. */
export interface ScopeRegistryOptions {
  storage: Storage;
  createPdp: PdpFactory;
  /** Compact a scope's journal into a snapshot after this many entries. */
  compactEvery: number;
  logger: RegistryLogger;
}

/** A write's result and the revision it produced (the scope's revision when it appended nothing). */
export interface RevisionedResult<T> {
  value: T;
  revision: number;
}

/** Every scope's engine, and the durable write path. */
export class ScopeRegistry {
  /** By project, then environment: a structure, never a joined string (ids may hold any character). */
  readonly #scopes = new Map<string, Map<string, ScopeState>>();
  readonly #options: ScopeRegistryOptions;

  constructor(options: ScopeRegistryOptions) {
    this.#options = options;
  }

  /** Rebuilds every stored scope (snapshot, then journal replay). Throws, naming the entry, if a replay fails. */
  async restore(): Promise<void> {
    for (const stored of await this.#options.storage.loadScopes()) {
      const state = this.#create(stored);
      state.pdp = await this.#rebuild(stored, stored.snapshot, stored.journal);
      state.advance(Math.max(stored.snapshotSeq ?? 0, stored.journal.at(-1)?.seq ?? 0));
      state.pending = stored.journal.length;
      if (state.pending >= this.#options.compactEvery) await state.exclusive(() => this.#compact(state));
    }
  }

  /** Loads `snapshot` into each of `scopes` (validated on the first engine before anything is stored). */
  async seed(scopes: readonly Scope[], snapshot: PolicySnapshot): Promise<void> {
    const engines: Pdp[] = [];
    for (const scope of scopes) {
      const pdp = this.#options.createPdp(scope);
      await pdp.load(snapshot);
      engines.push(pdp);
    }
    for (const [index, scope] of scopes.entries()) {
      const pdp = engines[index] as Pdp;
      const revision = await this.#options.storage.compact(scope, await pdp.export());
      const state = this.#create(scope);
      state.pdp = pdp;
      if (typeof revision === 'number') state.advance(revision);
    }
  }

  /** The state of `scope`, created empty on first use. */
  get(scope: Scope): ScopeState {
    return this.#scopes.get(scope.projectId)?.get(scope.environmentId) ?? this.#create(scope);
  }

  /** The shared journal, when several replicas share the storage. */
  get shared(): SharedJournal | undefined {
    return this.#options.storage.shared;
  }

  /** Runs a write under the scope's lock; see {@link WriteTransaction}. */
  async write<T>(scope: Scope, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    return (await this.writeRevisioned(scope, work)).value;
  }

  /** {@link write}, also resolving to the revision the write produced. */
  writeRevisioned<T>(scope: Scope, work: (tx: WriteTransaction) => Promise<T>): Promise<RevisionedResult<T>> {
    const state = this.get(scope);
    const shared = this.shared;
    return state.exclusive(async () => {
      let journaled = 0;
      try {
        if (shared !== undefined) {
          return await this.#sharedWrite(shared, state, work, () => journaled++);
        }
        const storage = this.#options.storage;
        const pdp = state.pdp;
        const tx: WriteTransaction = {
          pdp,
          call: async <R>(op: string, ...args: unknown[]): Promise<R> => {
            const result = (await invokeOp(pdp, op, args)) as R;
            let seq: number;
            try {
              seq = await storage.append(state.scope, op, args);
            } catch (error) {
              // Applied in memory, not on disk: rebuild the scope from what is on disk.
              this.#options.logger.error(
                { err: error, op },
                'journal append failed; rebuilding the scope from storage',
              );
              await this.#reload(state);
              throw new StorageWriteError('The write could not be stored; it was not applied.', { cause: error });
            }
            state.advance(seq);
            journaled++;
            return result;
          },
        };
        const value = await work(tx);
        return { value, revision: state.revision };
      } finally {
        state.pending += journaled;
        if (journaled > 0 && state.pending >= this.#options.compactEvery) {
          // Queued behind this write, after its response has been computed.
          void state.exclusive(() => this.#compact(state));
        }
      }
    });
  }

  /** A write on shared storage: lock the scope in the database, catch up, apply, append, commit. */
  async #sharedWrite<T>(
    shared: SharedJournal,
    state: ScopeState,
    work: (tx: WriteTransaction) => Promise<T>,
    counted: () => void,
  ): Promise<RevisionedResult<T>> {
    let applied = false;
    let revision = 0;
    try {
      const value = await shared.transaction(state.scope, async (db) => {
        if (state.dirty || db.head !== state.revision) {
          if (state.dirty) await this.#applyTail(state, await db.readSince(0), true);
          else await this.#applyTail(state, await db.readSince(state.revision), false);
        }
        const pdp = state.pdp;
        const tx: WriteTransaction = {
          pdp,
          call: async <R>(op: string, ...args: unknown[]): Promise<R> => {
            const result = (await invokeOp(pdp, op, args)) as R;
            applied = true;
            revision = await db.append(op, args);
            counted();
            return result;
          },
        };
        return await work(tx);
      });
      if (revision > 0) state.advance(revision);
      return { value, revision: state.revision };
    } catch (error) {
      if (applied) {
        // The engine holds what the database may not: rebuild the scope from the database.
        state.dirty = true;
        this.#options.logger.error({ err: error }, 'write not committed; rebuilding the scope from the database');
        try {
          await this.#reloadShared(shared, state);
        } catch (reloadError) {
          this.#options.logger.warn({ err: reloadError }, 'rebuild failed; will retry when the database answers');
        }
        if (revision === 0 || !(error instanceof Error && error.name.startsWith('Permissio'))) {
          throw new StorageWriteError('The write could not be stored; it was not applied.', { cause: error });
        }
      }
      throw error;
    }
  }

  /**
   * Applies what `tail` holds to the scope (a newer snapshot means a rebuild).
   * `fresh` rebuilds from `tail` alone (it was read from revision 0).
   */
  async #applyTail(state: ScopeState, tail: JournalTail, fresh: boolean): Promise<void> {
    if (fresh || tail.snapshot !== null) {
      const old = state.pdp;
      state.pdp = await this.#rebuild(state.scope, tail.snapshot?.snapshot ?? null, tail.entries);
      state.revision = 0;
      state.dirty = false;
      state.advance(Math.max(tail.snapshot?.seq ?? 0, tail.entries.at(-1)?.seq ?? 0));
      if (old !== state.pdp) await old.close?.();
      return;
    }
    for (const entry of tail.entries) {
      if (entry.seq <= state.revision) continue;
      try {
        await invokeOp(state.pdp, entry.op, entry.args);
      } catch (error) {
        throw replayError(state.scope, entry, error);
      }
      state.advance(entry.seq);
    }
  }

  async #reloadShared(shared: SharedJournal, state: ScopeState): Promise<void> {
    await this.#applyTail(state, await shared.readSince(state.scope, 0), true);
  }

  /**
   * Brings the scope up to the database's head (shared storage): applies the
   * entries other replicas committed. Coalesced: a sync already queued covers
   * this one. Resolves to the scope's revision.
   */
  async sync(scope: Scope): Promise<number> {
    const shared = this.shared;
    const state = this.get(scope);
    if (shared === undefined) return state.revision;
    if (state.syncQueued) {
      await state.drain();
      return state.revision;
    }
    state.syncQueued = true;
    return await state.exclusive(async () => {
      state.syncQueued = false;
      const tail = await shared.readSince(state.scope, state.dirty ? 0 : state.revision);
      await this.#applyTail(state, tail, state.dirty);
      return state.revision;
    });
  }

  /** The scope's revision now (0 for a scope that holds nothing). */
  revision(scope: Scope): number {
    return this.#scopes.get(scope.projectId)?.get(scope.environmentId)?.revision ?? 0;
  }

  /** Every scope's state, for followers. */
  states(): readonly ScopeState[] {
    return this.#states();
  }

  /** Compacts the scope now (used after a snapshot replace). */
  compactSoon(scope: Scope): void {
    const state = this.get(scope);
    void state.exclusive(() => this.#compact(state));
  }

  /** Waits for every queued write and compaction. */
  async drain(): Promise<void> {
    await Promise.all(this.#states().map((s) => s.drain()));
  }

  /** Closes every engine. */
  async close(): Promise<void> {
    await this.drain();
    await Promise.all(this.#states().map((s) => s.pdp.close?.()));
  }

  #states(): ScopeState[] {
    return [...this.#scopes.values()].flatMap((byEnvironment) => [...byEnvironment.values()]);
  }

  #create(scope: Scope): ScopeState {
    const own: Scope = { projectId: scope.projectId, environmentId: scope.environmentId };
    const state = new ScopeState(own, this.#options.createPdp(own));
    let byEnvironment = this.#scopes.get(own.projectId);
    if (byEnvironment === undefined) {
      byEnvironment = new Map();
      this.#scopes.set(own.projectId, byEnvironment);
    }
    byEnvironment.set(own.environmentId, state);
    return state;
  }

  async #rebuild(
    scope: Scope,
    snapshot: PolicySnapshot | null,
    journal: readonly { seq: number; op: string; args: unknown[] }[],
  ): Promise<Pdp> {
    const pdp = this.#options.createPdp(scope);
    if (snapshot !== null) await pdp.load(snapshot);
    for (const entry of journal) {
      try {
        await invokeOp(pdp, entry.op, entry.args);
      } catch (error) {
        throw replayError(scope, entry, error);
      }
    }
    return pdp;
  }

  async #reload(state: ScopeState): Promise<void> {
    const stored = (await this.#options.storage.loadScopes()).find(
      (s) => s.projectId === state.scope.projectId && s.environmentId === state.scope.environmentId,
    );
    const old = state.pdp;
    state.pdp = await this.#rebuild(state.scope, stored?.snapshot ?? null, stored?.journal ?? []);
    state.revision = 0;
    state.advance(Math.max(stored?.snapshotSeq ?? 0, stored?.journal.at(-1)?.seq ?? 0));
    state.pending = stored?.journal.length ?? 0;
    await old.close?.();
  }

  async #compact(state: ScopeState): Promise<void> {
    try {
      const storage = this.#options.storage;
      const snapshot = await state.pdp.export();
      // Shared storage compacts only while the database's head is still this replica's revision.
      await storage.compact(state.scope, snapshot, storage.shared === undefined ? undefined : state.revision);
      state.pending = 0;
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'journal compaction failed; will retry later');
    }
  }
}

function replayError(scope: Scope, entry: JournalEntry, error: unknown): Error {
  const why = error instanceof Error ? error.message : String(error);
  return new Error(
    `Cannot rebuild project ${JSON.stringify(scope.projectId)} / ` +
      `environment ${JSON.stringify(scope.environmentId)}: ` +
      `journal entry #${entry.seq} (${entry.op}) failed on replay: ${why}`,
    { cause: error },
  );
}

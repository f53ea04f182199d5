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
 */
import type { Pdp, PolicySnapshot } from '@permissio/core';
import type { Scope, Storage } from './storage.js';

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

/** Live state of one scope. */
export class ScopeState {
  readonly scope: Scope;
  pdp: Pdp;
  /** Journal entries since the last compaction. */
  pending = 0;
  #tail: Promise<unknown> = Promise.resolve();

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
    for (const stored of this.#options.storage.loadScopes()) {
      const state = this.#create(stored);
      state.pdp = await this.#rebuild(stored, stored.snapshot, stored.journal);
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
      this.#options.storage.compact(scope, await pdp.export());
      this.#create(scope).pdp = pdp;
    }
  }

  /** The state of `scope`, created empty on first use. */
  get(scope: Scope): ScopeState {
    return this.#scopes.get(scope.projectId)?.get(scope.environmentId) ?? this.#create(scope);
  }

  /** Runs a write under the scope's lock; see {@link WriteTransaction}. */
  write<T>(scope: Scope, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    const state = this.get(scope);
    const storage = this.#options.storage;
    return state.exclusive(async () => {
      const pdp = state.pdp;
      let journaled = 0;
      const tx: WriteTransaction = {
        pdp,
        call: async <R>(op: string, ...args: unknown[]): Promise<R> => {
          const result = (await invokeOp(pdp, op, args)) as R;
          try {
            storage.append(state.scope, op, args);
          } catch (error) {
            // Applied in memory, not on disk: rebuild the scope from what is on disk.
            this.#options.logger.error({ err: error, op }, 'journal append failed; rebuilding the scope from storage');
            await this.#reload(state);
            throw new StorageWriteError('The write could not be stored; it was not applied.', { cause: error });
          }
          journaled++;
          return result;
        },
      };
      try {
        return await work(tx);
      } finally {
        state.pending += journaled;
        if (journaled > 0 && state.pending >= this.#options.compactEvery) {
          // Queued behind this write, after its response has been computed.
          void state.exclusive(() => this.#compact(state));
        }
      }
    });
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
        const why = error instanceof Error ? error.message : String(error);
        throw new Error(
          `Cannot rebuild project ${JSON.stringify(scope.projectId)} / ` +
            `environment ${JSON.stringify(scope.environmentId)}: ` +
            `journal entry #${entry.seq} (${entry.op}) failed on replay: ${why}`,
          { cause: error },
        );
      }
    }
    return pdp;
  }

  async #reload(state: ScopeState): Promise<void> {
    const stored = this.#options.storage
      .loadScopes()
      .find((s) => s.projectId === state.scope.projectId && s.environmentId === state.scope.environmentId);
    const old = state.pdp;
    state.pdp = await this.#rebuild(state.scope, stored?.snapshot ?? null, stored?.journal ?? []);
    state.pending = stored?.journal.length ?? 0;
    await old.close?.();
  }

  async #compact(state: ScopeState): Promise<void> {
    try {
      const storage = this.#options.storage;
      const snapshot = await state.pdp.export();
      storage.compact(state.scope, snapshot);
      state.pending = 0;
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'journal compaction failed; will retry later');
    }
  }
}

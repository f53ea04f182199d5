/**
 * Persistence behind one small interface, with two implementations: SQLite
 * (one process, this file) and PostgreSQL (several replicas on one database,
 * `postgres-storage.ts`).
 *
 * The model is an append-only journal of successful write operations per
 * scope (project + environment), plus at most one compacted snapshot per
 * scope. At start the server loads each scope's snapshot into a fresh engine
 * and replays the journal entries after it. A journal entry's sequence number
 * is the scope's revision once it is applied (`Permissio-Revision`).
 *
 * SQLite answers synchronously (better-sqlite3): the server applies a write
 * to the engine and appends it to the journal in one synchronous step.
 * PostgreSQL answers asynchronously and is shared: its {@link SharedJournal}
 * locks the scope in the database for the whole write (see `ScopeRegistry`).
 * Callers `await` every method, so both fit.
 */
import type Database from 'better-sqlite3';
import type { PolicySnapshot } from '@permissio/core';
import { decodeKeyScopes, encodeKeyScopes, type KeyScope } from './key-scopes.js';
import { openSqlite } from './sqlite-driver.js';

/** A value, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** A project + environment: the unit of isolation. */
export interface Scope {
  projectId: string;
  environmentId: string;
}

/** One recorded write: the engine method called and its JSON arguments. */
export interface JournalEntry {
  seq: number;
  op: string;
  args: unknown[];
}

/** What the server needs to rebuild one scope at start. */
export interface StoredScope extends Scope {
  snapshot: PolicySnapshot | null;
  /** Sequence number the snapshot covers (0 without one). */
  snapshotSeq?: number;
  /** Journal entries after the snapshot, in order. */
  journal: JournalEntry[];
}

/** An API key as stored: never the key itself, only its SHA-256. */
export interface StoredApiKey extends Scope {
  /** Hex SHA-256 of the full key. */
  hash: string;
  /** What the key may do. @defaultValue `['admin']` (keys stored before scopes existed) */
  scopes?: KeyScope[];
  /**
   * The 8 characters after `permis_key_` of a key made by `permissio-server keys create`,
   * to recognise it in a listing; configured keys (and keys stored before scopes existed) have none.
   */
  prefix?: string;
  /** ISO 8601 time it was stored (listings). */
  createdAt?: string;
}

/** What changed in a scope since a revision: a newer snapshot (when compacted since), then entries after it. */
export interface JournalTail {
  snapshot: { seq: number; snapshot: PolicySnapshot } | null;
  entries: JournalEntry[];
}

/** A scope's write transaction in a shared database: the scope is locked until it ends. */
export interface JournalTransaction {
  /** The scope's revision in the database (its last committed entry). */
  readonly head: number;
  /** What the database holds after revision `seq`. */
  readSince(seq: number): Promise<JournalTail>;
  /** Appends one entry in this transaction; resolves to its sequence number. */
  append(op: string, args: unknown[]): Promise<number>;
}

/** A scope's head revision in the database. */
export interface ScopeHead extends Scope {
  head: number;
}

/** Change notifications of a shared database. */
export interface JournalSubscription {
  /** Resolves once the first connection attempt has ended (up or not). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Callbacks of {@link SharedJournal.subscribe}. */
export interface JournalListener {
  /** A write was committed (the scope when the notification names it). */
  onCommit(scope: Scope | undefined, seq: number): void;
  /** The notification connection came up (`true`) or went down (`false`). */
  onConnection(up: boolean): void;
}

/**
 * A journal that several server processes write to (PostgreSQL): writes
 * lock the scope in the database; replicas follow the other replicas' writes.
 */
export interface SharedJournal {
  /**
   * Runs `work` in a database transaction holding the scope's lock; commits
   * when it ends (also when it throws after appending: what was appended was
   * applied), rolls back when nothing was appended.
   */
  transaction<T>(scope: Scope, work: (tx: JournalTransaction) => Promise<T>): Promise<T>;
  /** What the database holds after revision `seq` of `scope` (one consistent read). */
  readSince(scope: Scope, seq: number): Promise<JournalTail>;
  /** Head revision of every scope. */
  heads(): Promise<ScopeHead[]>;
  /** Head revision of one scope (0 when it holds nothing). */
  head(scope: Scope): Promise<number>;
  /** Listens for commits (with reconnects, backoff); `close` stops. */
  subscribe(listener: JournalListener): JournalSubscription;
}

/** The storage contract (SQLite, PostgreSQL). */
export interface Storage {
  /** Every scope that holds data, with its snapshot and journal tail. */
  loadScopes(): MaybePromise<StoredScope[]>;
  /** `true` when no scope holds any data (seeds load only into an empty store). */
  isEmpty(): MaybePromise<boolean>;
  /** Appends one write, durably, before returning. Returns its sequence number. */
  append(scope: Scope, op: string, args: unknown[]): MaybePromise<number>;
  /**
   * Stores `snapshot` as the scope's whole state and drops the scope's journal
   * entries it covers (all of them: callers hold the scope's write lock),
   * atomically. With `seq` (shared storage), only when the scope's head is
   * still `seq`. Resolves to the revision the snapshot covers, or `undefined`
   * when skipped.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: storages written against the earlier interface return void.
  compact(scope: Scope, snapshot: PolicySnapshot, seq?: number): MaybePromise<number | undefined | void>;
  /** Number of journal entries of the scope after its snapshot. */
  journalLength(scope: Scope): MaybePromise<number>;
  /** Stored API keys (hashes). */
  listApiKeys(): MaybePromise<StoredApiKey[]>;
  /** Adds (or rebinds, with its scopes) an API key by hash. */
  putApiKey(key: StoredApiKey): MaybePromise<void>;
  /** Deletes the API key with this hash; resolves to whether there was one. */
  deleteApiKey?(hash: string): MaybePromise<boolean>;
  /** Number of scopes that hold data. */
  scopeCount?(): MaybePromise<number>;
  /** Deletes every scope's journal and snapshot (the whole policy); API keys stay. */
  reset?(): MaybePromise<void>;
  /**
   * Runs `work` while holding the storage's start-up lock, so replicas
   * starting together store keys and seed once. Without it, `work` just runs.
   */
  startupLock?<T>(work: () => Promise<T>): Promise<T>;
  /** Present when several server processes share the storage. */
  readonly shared?: SharedJournal;
  /** Idempotent. */
  close(): MaybePromise<void>;
}

/** Schema migrations, applied in order; `schema_version` records the last one applied. */
const MIGRATIONS: readonly string[] = [
  // 1: journal, snapshots, API keys
  `
  CREATE TABLE api_keys (
    hash           TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE snapshots (
    project_id     TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    snapshot       TEXT NOT NULL,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (project_id, environment_id)
  );
  CREATE TABLE journal (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    op             TEXT NOT NULL,
    args           TEXT NOT NULL,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX journal_scope ON journal (project_id, environment_id, seq);
  `,
  // 2: API key scopes (keys stored before have every scope: 'admin') and a recognisable prefix
  `
  ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'admin';
  ALTER TABLE api_keys ADD COLUMN prefix TEXT;
  `,
];

/** Options of {@link SqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * `synchronous` pragma. `FULL` (default) fsyncs the WAL on every commit, so
   * an acknowledged write survives a power cut, not only a process crash.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** SQLite storage via better-sqlite3 (WAL, `synchronous=FULL`). */
export class SqliteStorage implements Storage {
  readonly #db: Database.Database;
  readonly #stmts: ReturnType<SqliteStorage['prepare']>;
  #closed = false;

  /** Opens (creating if needed) the database at `path`, or an in-memory one for `':memory:'`, and migrates it. */
  constructor(path: string, options: SqliteStorageOptions = {}) {
    this.#db = openSqlite(path);
    try {
      if (path !== ':memory:') lockExclusively(this.#db, path);
      this.#db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      this.#db.pragma('busy_timeout = 5000');
      this.#db.pragma('foreign_keys = ON');
      migrate(this.#db);
      this.#stmts = this.prepare();
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  /** The schema version of the open database. */
  get schemaVersion(): number {
    return currentVersion(this.#db);
  }

  private prepare() {
    const db = this.#db;
    return {
      append: db.prepare<[string, string, string, string]>(
        'INSERT INTO journal (project_id, environment_id, op, args) VALUES (?, ?, ?, ?)',
      ),
      upsertSnapshot: db.prepare<[string, string, number, string]>(
        `INSERT INTO snapshots (project_id, environment_id, seq, snapshot) VALUES (?, ?, ?, ?)
         ON CONFLICT (project_id, environment_id) DO UPDATE SET seq = excluded.seq, snapshot = excluded.snapshot,
           created_at = excluded.created_at`,
      ),
      maxSeq: db.prepare('SELECT max(seq) AS seq FROM journal'),
      trimJournal: db.prepare<[string, string, number]>(
        'DELETE FROM journal WHERE project_id = ? AND environment_id = ? AND seq <= ?',
      ),
      journalLength: db.prepare<[string, string]>(
        'SELECT count(*) AS n FROM journal WHERE project_id = ? AND environment_id = ?',
      ),
      scopes: db.prepare(
        `SELECT project_id, environment_id FROM snapshots
         UNION SELECT DISTINCT project_id, environment_id FROM journal`,
      ),
      snapshot: db.prepare<[string, string]>(
        'SELECT seq, snapshot FROM snapshots WHERE project_id = ? AND environment_id = ?',
      ),
      journal: db.prepare<[string, string, number]>(
        'SELECT seq, op, args FROM journal WHERE project_id = ? AND environment_id = ? AND seq > ? ORDER BY seq',
      ),
      any: db.prepare('SELECT 1 FROM journal UNION ALL SELECT 1 FROM snapshots LIMIT 1'),
      keys: db.prepare('SELECT hash, project_id, environment_id, scopes, prefix, created_at FROM api_keys'),
      putKey: db.prepare<[string, string, string, string, string | null]>(
        `INSERT INTO api_keys (hash, project_id, environment_id, scopes, prefix) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (hash) DO UPDATE SET project_id = excluded.project_id, environment_id = excluded.environment_id,
           scopes = excluded.scopes, prefix = coalesce(excluded.prefix, api_keys.prefix)`,
      ),
      deleteKey: db.prepare<[string]>('DELETE FROM api_keys WHERE hash = ?'),
    };
  }

  loadScopes(): StoredScope[] {
    const rows = this.#stmts.scopes.all() as { project_id: string; environment_id: string }[];
    return rows.map(({ project_id: projectId, environment_id: environmentId }) => {
      const snap = this.#stmts.snapshot.get(projectId, environmentId) as { seq: number; snapshot: string } | undefined;
      const after = snap?.seq ?? 0;
      const journal = (
        this.#stmts.journal.all(projectId, environmentId, after) as { seq: number; op: string; args: string }[]
      ).map((row) => ({ seq: row.seq, op: row.op, args: JSON.parse(row.args) as unknown[] }));
      return {
        projectId,
        environmentId,
        snapshot: snap ? (JSON.parse(snap.snapshot) as PolicySnapshot) : null,
        snapshotSeq: snap?.seq ?? 0,
        journal,
      };
    });
  }

  isEmpty(): boolean {
    return this.#stmts.any.get() === undefined;
  }

  append(scope: Scope, op: string, args: unknown[]): number {
    const info = this.#stmts.append.run(scope.projectId, scope.environmentId, op, JSON.stringify(args));
    return Number(info.lastInsertRowid);
  }

  compact(scope: Scope, snapshot: PolicySnapshot): number {
    const json = JSON.stringify(snapshot);
    return this.#db.transaction(() => {
      const row = this.#stmts.maxSeq.get() as { seq: number | null };
      const seq = row.seq ?? 0;
      this.#stmts.upsertSnapshot.run(scope.projectId, scope.environmentId, seq, json);
      this.#stmts.trimJournal.run(scope.projectId, scope.environmentId, seq);
      return seq;
    })();
  }

  journalLength(scope: Scope): number {
    const row = this.#stmts.journalLength.get(scope.projectId, scope.environmentId) as { n: number };
    return row.n;
  }

  listApiKeys(): StoredApiKey[] {
    return (this.#stmts.keys.all() as Record<string, unknown>[]).map(storedKeyOfRow);
  }

  putApiKey(key: StoredApiKey): void {
    this.#stmts.putKey.run(
      key.hash,
      key.projectId,
      key.environmentId,
      encodeKeyScopes(key.scopes ?? ['admin']),
      key.prefix ?? null,
    );
  }

  deleteApiKey(hash: string): boolean {
    return this.#stmts.deleteKey.run(hash).changes > 0;
  }

  /** Number of scopes that hold data. */
  scopeCount(): number {
    return this.#stmts.scopes.all().length;
  }

  /** Deletes every scope's journal and snapshot (the whole policy); API keys stay. */
  reset(): void {
    this.#db.transaction(() => {
      this.#db.exec('DELETE FROM journal; DELETE FROM snapshots;');
    })();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

/** A row of an API key table (SQLite or PostgreSQL) → {@link StoredApiKey}. */
export function storedKeyOfRow(row: Record<string, unknown>): StoredApiKey {
  const key: StoredApiKey = {
    hash: String(row.hash),
    projectId: String(row.project_id),
    environmentId: String(row.environment_id),
    scopes: decodeKeyScopes(row.scopes),
  };
  if (typeof row.prefix === 'string') key.prefix = row.prefix;
  const created = row.created_at;
  if (created instanceof Date) key.createdAt = created.toISOString();
  else if (typeof created === 'string') key.createdAt = created;
  return key;
}

/** Thrown when another process (or another storage in this one) has the database file open. */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

/**
 * Takes an exclusive lock on the database file for as long as it stays open
 * (`locking_mode = EXCLUSIVE`, then WAL, then one exclusive transaction), so
 * a second server on the same file refuses to start instead of writing next
 * to the first one. The operating system releases the lock when the process
 * dies, even on SIGKILL.
 */
function lockExclusively(db: Database.Database, path: string): void {
  db.pragma('busy_timeout = 0');
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new DatabaseLockedError(
        `The database ${JSON.stringify(path)} is in use by another permissio-server (it holds an exclusive lock). ` +
          'Stop that server first, or give this one another --db file; ' +
          'several servers on one SQLite file would lose writes.',
        { cause: error },
      );
    }
    throw error;
  }
}

function currentVersion(db: Database.Database): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}

/** Creates `schema_version` if needed and applies every migration above the recorded version, each in a transaction. */
function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  const from = currentVersion(db);
  if (from > MIGRATIONS.length) {
    throw new Error(
      `The database schema is version ${from}, newer than this server understands (${MIGRATIONS.length}). ` +
        'Upgrade @permissio/server.',
    );
  }
  for (let version = from + 1; version <= MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version - 1] as string;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
    }).immediate();
  }
}

/** Latest schema version this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * PostgreSQL storage (node-postgres): the journal, snapshots and API keys of
 * several server replicas in one database.
 *
 * Tables are prefixed `permissio_` so they can live in an existing database.
 * `permissio_scopes` holds one row per scope with its head revision; a write
 * locks that row (`SELECT … FOR UPDATE`) for its whole transaction, so writes
 * to one scope are serialised across every replica, and entries of a scope
 * commit in sequence order. Every commit `NOTIFY`s `permissio_journal`.
 *
 * Migrations run at connect under a session advisory lock; the same lock
 * guards the start-up work of {@link PostgresStorage.startupLock} (API keys,
 * the seed), so replicas starting together migrate and seed once.
 *
 * Connection strings and passwords never appear in errors or logs: errors
 * name the database by its redacted URL.
 */
import type { PolicySnapshot } from '@permissio/core';
import pg from 'pg';
import { redactDatabaseUrl, scrubDatabaseUrl } from './database-url.js';
import type {
  JournalEntry,
  JournalListener,
  JournalSubscription,
  JournalTail,
  JournalTransaction,
  Scope,
  ScopeHead,
  SharedJournal,
  Storage,
  StoredApiKey,
  StoredScope,
} from './storage.js';
import { storedKeyOfRow } from './storage.js';
import { encodeKeyScopes } from './key-scopes.js';

/** NOTIFY channel of committed writes. */
export const JOURNAL_CHANNEL = 'permissio_journal';
/** Advisory lock key of migrations and start-up ("permissio" in ASCII, truncated to 63 bits). */
const STARTUP_LOCK = '8101521355734302063';

const PG_MIGRATIONS: readonly string[] = [
  // 1: scopes (head revision, the write lock), journal, snapshots, API keys
  `
  CREATE TABLE permissio_api_keys (
    hash           TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE TABLE permissio_scopes (
    project_id     TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    head           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, environment_id)
  );
  CREATE TABLE permissio_snapshots (
    project_id     TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    snapshot       TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, environment_id)
  );
  CREATE TABLE permissio_journal (
    seq            BIGSERIAL PRIMARY KEY,
    project_id     TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    op             TEXT NOT NULL,
    args           TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE INDEX permissio_journal_scope ON permissio_journal (project_id, environment_id, seq);
  `,
  // 2: API key scopes (keys stored before have every scope: 'admin') and a recognisable prefix
  `
  ALTER TABLE permissio_api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'admin';
  ALTER TABLE permissio_api_keys ADD COLUMN prefix TEXT;
  `,
];

/** Latest PostgreSQL schema version this build knows. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** The database cannot be reached or failed; answered 503 `STORAGE_UNAVAILABLE`. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

/** Options of {@link PostgresStorage.connect}. */
export interface PostgresStorageOptions {
  /** Pooled connections for writes and catch-up reads. @defaultValue 10 */
  poolSize?: number;
  /** Milliseconds to wait for a connection. @defaultValue 5000 */
  connectTimeout?: number;
}

interface Row {
  [column: string]: unknown;
}

const num = (value: unknown): number => Number(value);

/** Pooled connections that already have an error listener. */
const guarded = new WeakSet<pg.PoolClient>();

function parseEntries(rows: Row[]): JournalEntry[] {
  return rows.map((r) => ({ seq: num(r.seq), op: String(r.op), args: JSON.parse(String(r.args)) as unknown[] }));
}

/** PostgreSQL storage; create it with {@link PostgresStorage.connect}. */
export class PostgresStorage implements Storage, SharedJournal {
  readonly #url: string;
  readonly #pool: pg.Pool;
  readonly #connectTimeout: number;
  #closed = false;
  readonly #subscriptions = new Set<JournalSubscription>();

  private constructor(url: string, options: PostgresStorageOptions) {
    this.#url = url;
    this.#connectTimeout = options.connectTimeout ?? 5000;
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: this.#connectTimeout,
      // A connection that hangs (a network partition without a reset) fails its query instead of waiting for ever.
      query_timeout: 15_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: 'permissio-server',
    });
    // An idle connection that breaks (database restarted, network cut) is dropped; the next query opens another.
    this.#pool.on('error', () => undefined);
  }

  /** Connects to the database at `url` and migrates it (once across replicas: advisory lock). */
  static async connect(url: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
    const storage = new PostgresStorage(url, options);
    try {
      await storage.startupLock(async () => undefined);
    } catch (error) {
      await storage.close();
      throw error;
    }
    return storage;
  }

  /** This storage is shared by replicas. */
  get shared(): SharedJournal {
    return this;
  }

  /** The database, as safe to print: its URL without the password. */
  get description(): string {
    return redactDatabaseUrl(this.#url);
  }

  /** An error of the driver as a {@link StorageUnavailableError} whose message names the database safely. */
  #wrap(error: unknown, doing: string): Error {
    if (error instanceof StorageUnavailableError) return error;
    const raw = error instanceof Error ? error.message : String(error);
    const why = scrubDatabaseUrl(raw, this.#url);
    const code = (error as { code?: string }).code;
    // Statement errors (SQLSTATE) are bugs or schema problems; the rest is the connection.
    return new StorageUnavailableError(
      `PostgreSQL ${this.description}: ${doing} failed${code ? ` (${code})` : ''}: ${why}`,
    );
  }

  async #client(doing: string): Promise<pg.PoolClient> {
    if (this.#closed) throw new StorageUnavailableError('The storage is closed.');
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw this.#wrap(error, doing);
    }
    // The pool listens for errors of idle connections only. A connection that breaks while checked out
    // (between two queries of a transaction) would emit an unhandled 'error' and end the process: its
    // next query fails instead, and the connection is discarded on release.
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => undefined);
    }
    return client;
  }

  async #query(sql: string, params: unknown[], doing: string): Promise<Row[]> {
    const client = await this.#client(doing);
    let broken: Error | undefined;
    try {
      return (await client.query(sql, params)).rows as Row[];
    } catch (error) {
      broken = error as Error;
      throw this.#wrap(error, doing);
    } finally {
      client.release(broken !== undefined && !(broken as { code?: string }).code ? broken : undefined);
    }
  }

  /** Runs `work` holding the start-up advisory lock, after migrating. Errors of `work` pass through as they are. */
  async startupLock<T>(work: () => Promise<T>): Promise<T> {
    const client = await this.#client('connecting');
    let broken = false;
    try {
      try {
        await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
        await this.#migrate(client);
      } catch (error) {
        broken = true;
        throw this.#wrap(error, 'migrating the schema');
      }
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK]).catch(() => {
          broken = true;
        });
      }
    } finally {
      client.release(broken);
    }
  }

  async #migrate(client: pg.PoolClient): Promise<void> {
    await client.query(`CREATE TABLE IF NOT EXISTS permissio_schema_version (
      version    INTEGER PRIMARY KEY,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query('SELECT coalesce(max(version), 0) AS v FROM permissio_schema_version');
    const from = num(rows[0]?.v ?? 0);
    if (from > PG_MIGRATIONS.length) {
      throw new StorageUnavailableError(
        `PostgreSQL ${this.description}: the schema is version ${from}, newer than this server understands ` +
          `(${PG_MIGRATIONS.length}). Upgrade @permissio/server.`,
      );
    }
    for (let version = from + 1; version <= PG_MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(PG_MIGRATIONS[version - 1] as string);
        await client.query('INSERT INTO permissio_schema_version (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  }

  /** The schema version of the database. */
  async schemaVersion(): Promise<number> {
    const rows = await this.#query('SELECT coalesce(max(version), 0) AS v FROM permissio_schema_version', [], 'read');
    return num(rows[0]?.v ?? 0);
  }

  async loadScopes(): Promise<StoredScope[]> {
    const scopes = await this.heads();
    const out: StoredScope[] = [];
    for (const scope of scopes) {
      const tail = await this.readSince(scope, 0);
      out.push({
        projectId: scope.projectId,
        environmentId: scope.environmentId,
        snapshot: tail.snapshot?.snapshot ?? null,
        snapshotSeq: tail.snapshot?.seq ?? 0,
        journal: tail.entries,
      });
    }
    return out;
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.#query('SELECT 1 FROM permissio_scopes WHERE head > 0 LIMIT 1', [], 'read');
    return rows.length === 0;
  }

  async scopeCount(): Promise<number> {
    const rows = await this.#query('SELECT count(*) AS n FROM permissio_scopes WHERE head > 0', [], 'read');
    return num(rows[0]?.n ?? 0);
  }

  async append(scope: Scope, op: string, args: unknown[]): Promise<number> {
    return await this.transaction(scope, (tx) => tx.append(op, args));
  }

  async compact(scope: Scope, snapshot: PolicySnapshot, seq?: number): Promise<number | undefined> {
    const client = await this.#client('compaction');
    let broken = false;
    try {
      await client.query('BEGIN');
      const head = await lockScope(client, scope);
      if (seq !== undefined && head !== seq) {
        await client.query('ROLLBACK');
        return undefined;
      }
      let at = seq ?? head;
      if (seq === undefined) {
        const next = await client.query("SELECT nextval('permissio_journal_seq_seq') AS seq");
        at = num(next.rows[0]?.seq);
      }
      const p = [scope.projectId, scope.environmentId];
      await client.query(
        `INSERT INTO permissio_snapshots (project_id, environment_id, seq, snapshot) VALUES ($1, $2, $3, $4)
         ON CONFLICT (project_id, environment_id) DO UPDATE SET seq = excluded.seq, snapshot = excluded.snapshot,
           created_at = now()`,
        [...p, at, JSON.stringify(snapshot)],
      );
      await client.query('DELETE FROM permissio_journal WHERE project_id = $1 AND environment_id = $2 AND seq <= $3', [
        ...p,
        at,
      ]);
      await client.query('UPDATE permissio_scopes SET head = $3 WHERE project_id = $1 AND environment_id = $2', [
        ...p,
        at,
      ]);
      if (seq === undefined) await notify(client, scope, at);
      await client.query('COMMIT');
      return at;
    } catch (error) {
      broken = await rollback(client);
      throw this.#wrap(error, 'compaction');
    } finally {
      client.release(broken);
    }
  }

  async journalLength(scope: Scope): Promise<number> {
    const rows = await this.#query(
      'SELECT count(*) AS n FROM permissio_journal WHERE project_id = $1 AND environment_id = $2',
      [scope.projectId, scope.environmentId],
      'read',
    );
    return num(rows[0]?.n ?? 0);
  }

  async listApiKeys(): Promise<StoredApiKey[]> {
    const rows = await this.#query(
      'SELECT hash, project_id, environment_id, scopes, prefix, created_at FROM permissio_api_keys',
      [],
      'read',
    );
    return rows.map(storedKeyOfRow);
  }

  async putApiKey(key: StoredApiKey): Promise<void> {
    await this.#query(
      `INSERT INTO permissio_api_keys (hash, project_id, environment_id, scopes, prefix) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (hash) DO UPDATE SET project_id = excluded.project_id, environment_id = excluded.environment_id,
         scopes = excluded.scopes, prefix = coalesce(excluded.prefix, permissio_api_keys.prefix)`,
      [key.hash, key.projectId, key.environmentId, encodeKeyScopes(key.scopes ?? ['admin']), key.prefix ?? null],
      'storing an API key',
    );
  }

  async deleteApiKey(hash: string): Promise<boolean> {
    const rows = await this.#query(
      'DELETE FROM permissio_api_keys WHERE hash = $1 RETURNING hash',
      [hash],
      'revoking an API key',
    );
    return rows.length > 0;
  }

  async reset(): Promise<void> {
    await this.#query(
      'DELETE FROM permissio_journal; DELETE FROM permissio_snapshots; DELETE FROM permissio_scopes;',
      [],
      'reset',
    );
  }

  // ------------------------------------------------------------------ shared journal

  async transaction<T>(scope: Scope, work: (tx: JournalTransaction) => Promise<T>): Promise<T> {
    const client = await this.#client('write');
    let broken = false;
    let appended = 0;
    let last = 0;
    /** The work's own error (e.g. a conflict found by the engine): passed through as it is. */
    let workFailed = false;
    try {
      await client.query('BEGIN');
      const head = await lockScope(client, scope);
      const p = [scope.projectId, scope.environmentId];
      const tx: JournalTransaction = {
        head,
        readSince: (seq) => readTail(client, scope, seq),
        append: async (op, args) => {
          const { rows } = await client.query(
            `WITH j AS (
               INSERT INTO permissio_journal (project_id, environment_id, op, args) VALUES ($1, $2, $3, $4) RETURNING seq
             )
             UPDATE permissio_scopes s SET head = j.seq FROM j
             WHERE s.project_id = $1 AND s.environment_id = $2 RETURNING j.seq`,
            [...p, op, JSON.stringify(args)],
          );
          appended++;
          last = num(rows[0]?.seq);
          return last;
        },
      };
      let result: T | undefined;
      let failure: unknown;
      try {
        result = await work(tx);
      } catch (error) {
        workFailed = true;
        failure = error;
      }
      workFailed = false;
      if (appended === 0) {
        await client.query('ROLLBACK');
      } else {
        await notify(client, scope, last);
        await client.query('COMMIT');
      }
      if (failure !== undefined) {
        workFailed = true;
        throw failure;
      }
      return result as T;
    } catch (error) {
      if (workFailed) throw error;
      broken = await rollback(client);
      throw this.#wrap(error, 'write');
    } finally {
      client.release(broken);
    }
  }

  async readSince(scope: Scope, seq: number): Promise<JournalTail> {
    const client = await this.#client('catch-up read');
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const tail = await readTail(client, scope, seq);
      await client.query('COMMIT');
      return tail;
    } catch (error) {
      broken = await rollback(client);
      throw this.#wrap(error, 'catch-up read');
    } finally {
      client.release(broken);
    }
  }

  async heads(): Promise<ScopeHead[]> {
    const rows = await this.#query(
      'SELECT project_id, environment_id, head FROM permissio_scopes WHERE head > 0',
      [],
      'reading the journal heads',
    );
    return rows.map((r) => ({
      projectId: String(r.project_id),
      environmentId: String(r.environment_id),
      head: num(r.head),
    }));
  }

  async head(scope: Scope): Promise<number> {
    const rows = await this.#query(
      'SELECT head FROM permissio_scopes WHERE project_id = $1 AND environment_id = $2',
      [scope.projectId, scope.environmentId],
      'reading the journal head',
    );
    return num(rows[0]?.head ?? 0);
  }

  subscribe(listener: JournalListener): JournalSubscription {
    const subscription = new Listener(this.#url, this.#connectTimeout, listener);
    this.#subscriptions.add(subscription);
    return {
      ready: subscription.ready,
      close: async () => {
        this.#subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    await this.#pool.end().catch(() => undefined);
  }
}

/** Rolls back; `true` when the connection is unusable (then it is discarded, not reused). */
async function rollback(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return false;
  } catch {
    return true;
  }
}

/** Creates the scope's row if needed and locks it until the transaction ends; resolves to its head. */
async function lockScope(client: pg.PoolClient, scope: Scope): Promise<number> {
  const p = [scope.projectId, scope.environmentId];
  await client.query(
    'INSERT INTO permissio_scopes (project_id, environment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    p,
  );
  const { rows } = await client.query(
    'SELECT head FROM permissio_scopes WHERE project_id = $1 AND environment_id = $2 FOR UPDATE',
    p,
  );
  return num(rows[0]?.head ?? 0);
}

async function readTail(client: pg.PoolClient, scope: Scope, seq: number): Promise<JournalTail> {
  const p = [scope.projectId, scope.environmentId];
  const snap = await client.query(
    'SELECT seq, snapshot FROM permissio_snapshots WHERE project_id = $1 AND environment_id = $2 AND seq > $3',
    [...p, seq],
  );
  const row = snap.rows[0] as Row | undefined;
  const snapshot = row ? { seq: num(row.seq), snapshot: JSON.parse(String(row.snapshot)) as PolicySnapshot } : null;
  const { rows } = await client.query(
    `SELECT seq, op, args FROM permissio_journal
     WHERE project_id = $1 AND environment_id = $2 AND seq > $3 ORDER BY seq`,
    [...p, snapshot?.seq ?? seq],
  );
  return { snapshot, entries: parseEntries(rows as Row[]) };
}

/** NOTIFY payload limit is 8000 bytes; a scope too long to name is announced by sequence only. */
async function notify(client: pg.PoolClient, scope: Scope, seq: number): Promise<void> {
  let payload = JSON.stringify({ p: scope.projectId, e: scope.environmentId, s: seq });
  if (Buffer.byteLength(payload) > 7000) payload = JSON.stringify({ s: seq });
  await client.query('SELECT pg_notify($1, $2)', [JOURNAL_CHANNEL, payload]);
}

/** The LISTEN connection: reconnects with exponential backoff (100 ms doubling to 5 s, with jitter). */
class Listener implements JournalSubscription {
  readonly #url: string;
  readonly #timeout: number;
  readonly #listener: JournalListener;
  #client: pg.Client | undefined;
  #closed = false;
  #delay = 100;
  #timer: NodeJS.Timeout | undefined;
  readonly ready: Promise<void>;

  constructor(url: string, timeout: number, listener: JournalListener) {
    this.#url = url;
    this.#timeout = timeout;
    this.#listener = listener;
    this.ready = this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.#url,
      connectionTimeoutMillis: this.#timeout,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: 'permissio-server (listen)',
    });
    this.#client = client;
    let down = false;
    const lost = () => {
      if (down) return;
      down = true;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.#closed) return;
      this.#listener.onConnection(false);
      this.#retry();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel !== JOURNAL_CHANNEL) return;
      try {
        const payload = JSON.parse(message.payload ?? '{}') as { p?: unknown; e?: unknown; s?: unknown };
        const scope =
          typeof payload.p === 'string' && typeof payload.e === 'string'
            ? { projectId: payload.p, environmentId: payload.e }
            : undefined;
        this.#listener.onCommit(scope, Number(payload.s ?? 0));
      } catch {
        this.#listener.onCommit(undefined, 0);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${JOURNAL_CHANNEL}`);
    } catch {
      lost();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#delay = 100;
    this.#listener.onConnection(true);
  }

  #retry(): void {
    const wait = this.#delay * (0.5 + Math.random() / 2);
    this.#delay = Math.min(this.#delay * 2, 5000);
    this.#timer = setTimeout(() => void this.#connect(), wait);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('notification');
      await client.end().catch(() => undefined);
    }
  }
}

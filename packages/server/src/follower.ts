/**
 * A replica following the shared journal: `LISTEN/NOTIFY` for prompt
 * catch-up, and a poll of every scope's head every `pollInterval` as the
 * fallback for lost notifications and a dropped connection.
 *
 * Health: `ok` while the notification connection is up and the last poll
 * succeeded (within three poll intervals + 5 s); `degraded` otherwise. The lag is
 * the time since the replica last confirmed it had applied the database's
 * head (the last successful poll that found nothing, or caught up). While
 * degraded the replica keeps answering `fast` checks from memory.
 */
import type { RegistryLogger, ScopeRegistry } from './registry.js';
import type { JournalSubscription, Scope, SharedJournal } from './storage.js';

/** `GET /healthz` body. */
export interface ReplicaHealth {
  status: 'ok' | 'degraded';
  /** Milliseconds since the replica last confirmed it was at the database's head (shared storage only). */
  lagMs?: number;
  /** Why it is degraded. */
  reason?: string;
}

/** The journal lag of a replica, for `GET /metrics`. */
export interface JournalLag {
  /** Seconds since the replica last confirmed it had applied the database's head (0 on a single-process server). */
  readonly seconds: number;
  /**
   * Journal entries the replica knows exist (from its polls and the commit
   * notifications) but has not applied yet, summed over the scopes.
   */
  readonly revisionsBehind: number;
}

/** Options of {@link Follower}. */
export interface FollowerOptions {
  registry: Pick<ScopeRegistry, 'revision' | 'sync'>;
  journal: SharedJournal;
  /** Milliseconds between polls of the journal heads. */
  pollInterval: number;
  logger: RegistryLogger;
}

/** Keeps one replica's engines at the database's head. */
export class Follower {
  readonly #options: FollowerOptions;
  #subscription: JournalSubscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  #listening = false;
  #lastPollOk = Date.now();
  #lastCaughtUp = Date.now();
  #pollFailed = false;
  #polling: Promise<void> | undefined;
  #closed = false;
  /** The newest head seen per scope (polls and notifications), for the revisions-behind gauge. */
  readonly #known = new Map<string, { scope: Scope; head: number }>();

  constructor(options: FollowerOptions) {
    this.#options = options;
  }

  /** Subscribes and starts polling; resolves once the notification connection is up (or failed once). */
  async start(): Promise<void> {
    this.#subscription = this.#options.journal.subscribe({
      onCommit: (scope, seq) => this.#onCommit(scope, seq),
      onConnection: (up) => {
        const was = this.#listening;
        this.#listening = up;
        if (up) {
          // Notifications were missed while the connection was down.
          void this.poll();
        } else if (was) {
          this.#options.logger.warn({}, 'lost the database notification connection; reconnecting with backoff');
        }
      },
    });
    await this.#subscription.ready;
    await this.poll();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      void this.poll().finally(() => this.#schedule());
    }, this.#options.pollInterval);
    this.#timer.unref();
  }

  /** Remembers that `scope` has reached at least `head`. */
  #saw(scope: Scope, head: number): void {
    const key = `${scope.projectId}\u0000${scope.environmentId}`;
    const known = this.#known.get(key);
    if (known === undefined) {
      this.#known.set(key, { scope: { projectId: scope.projectId, environmentId: scope.environmentId }, head });
    } else if (head > known.head) known.head = head;
  }

  #onCommit(scope: Scope | undefined, seq: number): void {
    if (scope === undefined) {
      void this.poll();
      return;
    }
    this.#saw(scope, seq);
    if (this.#options.registry.revision(scope) >= seq) return;
    this.#options.registry.sync(scope).catch((error: unknown) => {
      this.#options.logger.warn({ err: error }, 'catch-up after a notification failed; the poll will retry');
    });
  }

  /** Compares every scope's head with the replica's revision and catches up; one poll at a time. */
  poll(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<void> {
    const { registry, journal } = this.#options;
    const started = Date.now();
    try {
      const heads = await journal.heads();
      for (const head of heads) this.#saw(head, head.head);
      await Promise.all(heads.filter((h) => registry.revision(h) < h.head).map((h) => registry.sync(h)));
      this.#lastPollOk = Date.now();
      this.#lastCaughtUp = started;
      if (this.#pollFailed) this.#options.logger.warn({}, 'the database answers again; caught up');
      this.#pollFailed = false;
    } catch (error) {
      if (!this.#pollFailed) {
        this.#options.logger.warn({ err: error }, 'polling the journal failed; answering from memory meanwhile');
      }
      this.#pollFailed = true;
    }
  }

  /** `ok` or `degraded`, with the lag. */
  health(): ReplicaHealth {
    const now = Date.now();
    const lagMs = Math.max(0, now - this.#lastCaughtUp);
    let reason: string | undefined;
    // A poll that failed, or none succeeding for a while (a hung connection): the database does not answer.
    if (this.#pollFailed || now - this.#lastPollOk > 3 * this.#options.pollInterval + 5000) {
      reason = 'the database does not answer';
    } else if (!this.#listening) {
      reason = 'no notification connection (polling only)';
    }
    return reason === undefined ? { status: 'ok', lagMs } : { status: 'degraded', lagMs, reason };
  }

  /** The lag: time since last confirmed at the head, and the known entries not applied yet. */
  lag(): JournalLag {
    let revisionsBehind = 0;
    for (const { scope, head } of this.#known.values()) {
      revisionsBehind += Math.max(0, head - this.#options.registry.revision(scope));
    }
    return { seconds: Math.max(0, Date.now() - this.#lastCaughtUp) / 1000, revisionsBehind };
  }

  /** Stops polling and listening. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#subscription?.close();
    await this.#polling;
  }
}

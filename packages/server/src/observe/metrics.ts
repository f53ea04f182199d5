/**
 * Prometheus metrics of the server (prom-client, one registry per server):
 * request latency by route, decisions by result and reason, writes by
 * operation, rate-limit rejections by class, users and role assignments per
 * scope, and the process defaults. Served at `GET /metrics`.
 */
import type { DecisionEvent, Pdp } from '@permissio/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { JournalLag } from '../follower.js';
import type { Scope } from '../storage.js';

/** Buckets of the request histogram, in seconds (50 µs … 2.5 s). */
const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5];

/** The server's metrics. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Histogram<'method' | 'route' | 'status'>;
  readonly decisions: Counter<'result' | 'reason' | 'source'>;
  readonly decisionLatency: Histogram<'source'>;
  readonly writes: Counter<'operation'>;
  readonly rateLimited: Counter<'class'>;
  /** The replica's journal lag, read at scrape time; a single-process server has none (0). */
  journalLag: () => JournalLag = () => ({ seconds: 0, revisionsBehind: 0 });

  /** @param engines - the current engine of each scope, read at scrape time for the per-scope counts */
  constructor(engines: () => readonly { scope: Scope; pdp: Pdp }[]) {
    const registers = [this.registry];
    this.requests = new Histogram({
      name: 'permissio_http_request_duration_seconds',
      help: 'Time to answer an API request, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers,
    });
    this.decisions = new Counter({
      name: 'permissio_decisions_total',
      help: 'Decisions made by the engines, by result (allow/deny), reason (unexplained for bulk checks) and source.',
      labelNames: ['result', 'reason', 'source'],
      registers,
    });
    this.decisionLatency = new Histogram({
      name: 'permissio_decision_duration_seconds',
      help: 'Time the engine took per decision call (a bulk check counts once per check it answered).',
      labelNames: ['source'],
      buckets: BUCKETS,
      registers,
    });
    this.writes = new Counter({
      name: 'permissio_writes_total',
      help: 'Successful policy writes, by operation (the OpenAPI operationId).',
      labelNames: ['operation'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'permissio_rate_limit_rejections_total',
      help: 'Requests refused with 429, by rate-limit class.',
      labelNames: ['class'],
      registers,
    });
    const counts = async (): Promise<{ scope: Scope; users: number; assignments: number }[]> =>
      Promise.all(
        engines().map(async ({ scope, pdp }) => {
          const snapshot = await pdp.export();
          return { scope, users: snapshot.users?.length ?? 0, assignments: snapshot.roleAssignments?.length ?? 0 };
        }),
      );
    new Gauge({
      name: 'permissio_users',
      help: 'Users per project/environment.',
      labelNames: ['project', 'environment'],
      registers,
      async collect() {
        this.reset();
        for (const c of await counts()) {
          this.set({ project: c.scope.projectId, environment: c.scope.environmentId }, c.users);
        }
      },
    });
    new Gauge({
      name: 'permissio_role_assignments',
      help: 'Role assignments per project/environment.',
      labelNames: ['project', 'environment'],
      registers,
      async collect() {
        this.reset();
        for (const c of await counts()) {
          this.set({ project: c.scope.projectId, environment: c.scope.environmentId }, c.assignments);
        }
      },
    });
    const metrics = this;
    new Gauge({
      name: 'permissio_journal_lag_seconds',
      help: 'Seconds since this replica last confirmed it had applied the shared journal head (PostgreSQL; 0 for a single-process server).',
      registers,
      collect() {
        this.set(metrics.journalLag().seconds);
      },
    });
    new Gauge({
      name: 'permissio_journal_revisions_behind',
      help: 'Journal entries this replica knows were committed (polls, notifications) but has not applied yet, summed over scopes (0 for a single-process server).',
      registers,
      collect() {
        this.set(metrics.journalLag().revisionsBehind);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'permissio_' });
  }

  /** Counts one decision. */
  decision(event: DecisionEvent): void {
    this.decisions.inc({
      result: event.allowed ? 'allow' : 'deny',
      reason: event.reason ?? 'unexplained',
      source: event.source,
    });
    this.decisionLatency.observe({ source: event.source }, event.latencyMs / 1000);
  }
}

/** Observability options of `startServer` (metrics, decision log, recent decisions) and their validation. */
import type { DecisionLogOptions } from '@permissio/core';

/** Who may read `GET /metrics`. */
export type MetricsAccess = 'loopback' | 'open' | 'api-key';

/** The observability options of {@link ServerOptions}. */
export interface ObservabilityOptions {
  /**
   * Prometheus metrics at `GET /metrics`: `false` turns them off; `access`
   * says who may read them: `'loopback'` (clients on 127.0.0.0/8 or ::1),
   * `'api-key'` (any valid API key, `Authorization: Bearer …`) or `'open'`.
   * @defaultValue `{ access: 'loopback' }`
   */
  metrics?: boolean | { access?: MetricsAccess };
  /** Writes every decision (sampled, masked) as JSON lines: `{ to: process.stdout }`, see `createDecisionLog`. */
  decisionLog?: DecisionLogOptions;
  /**
   * Keep the last N decisions of each project/environment for
   * `GET /v1/projects/{p}/environments/{e}/decisions` (development use);
   * `0` turns the route off.
   * @defaultValue 0
   */
  recentDecisions?: number;
}

/** Resolved observability options. */
export interface ResolvedObservability {
  metrics: MetricsAccess | undefined;
  decisionLog: DecisionLogOptions | undefined;
  recentDecisions: number;
}

const ACCESS: readonly MetricsAccess[] = ['loopback', 'open', 'api-key'];

/** Validates the options; throws a `TypeError` naming the bad one. */
export function resolveObservability(options: ObservabilityOptions): ResolvedObservability {
  const { metrics = true, decisionLog, recentDecisions = 0 } = options;
  let access: MetricsAccess | undefined;
  if (metrics === false) access = undefined;
  else if (metrics === true) access = 'loopback';
  else if (metrics !== null && typeof metrics === 'object' && (metrics.access ?? 'loopback') !== undefined) {
    access = metrics.access ?? 'loopback';
    if (!ACCESS.includes(access)) throw new TypeError(`metrics.access must be one of ${ACCESS.join(', ')}.`);
  } else {
    throw new TypeError('metrics must be a boolean or { access: "loopback" | "open" | "api-key" }.');
  }
  if (!Number.isInteger(recentDecisions) || recentDecisions < 0 || recentDecisions > 1_000_000) {
    throw new TypeError(`recentDecisions must be an integer from 0 to 1000000, got ${String(recentDecisions)}.`);
  }
  if (decisionLog !== undefined && (decisionLog === null || typeof decisionLog !== 'object')) {
    throw new TypeError('decisionLog must be createDecisionLog options { to, sample?, mask? }.');
  }
  return { metrics: access, decisionLog, recentDecisions };
}

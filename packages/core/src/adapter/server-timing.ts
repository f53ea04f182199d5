/**
 * The `Server-Timing` header of the adapters' `serverTiming` option, written
 * once here: `permissio;dur=0.4;desc="2 checks, 1 PDP call"` — the summed
 * latency of the request's decisions (ms), how many checks the request's
 * scope answered and how many PDP calls they needed, so the browser's
 * devtools show the authorization cost of each request.
 */
import type { DecisionEvent } from '../decision-events.js';
import type { RequestScope } from '../scope.js';
import type { MaybePromise } from '../types.js';
import type { AuthorizationContext } from './authorizer.js';

/** The header's name. */
export const SERVER_TIMING_HEADER = 'Server-Timing';

/** Per-request time spent deciding, summed from the request's decision events. */
export class DecisionTiming {
  ms = 0;
  /** The listener that sums the latencies. */
  readonly add = (event: DecisionEvent): void => {
    this.ms += event.latencyMs;
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The header value for a request's scope and timing, or undefined when the
 * request made no decision (nothing to report).
 */
export function serverTimingValue(
  scope: RequestScope | undefined,
  timing: DecisionTiming | undefined,
): string | undefined {
  if (scope === undefined || timing === undefined) return undefined;
  const { hits, misses, pdpCalls } = scope.stats;
  const checks = hits + misses;
  if (checks === 0) return undefined;
  const dur = Math.round(timing.ms * 1000) / 1000;
  return `permissio;dur=${dur};desc="${plural(checks, 'check')}, ${plural(pdpCalls, 'PDP call')}"`;
}

/** A Node `ServerResponse`-like object (Express `res`, Fastify `reply.raw`). */
interface NodeResponseLike {
  writeHead: (...args: never[]) => unknown;
  setHeader(name: string, value: string): unknown;
  readonly headersSent?: boolean;
}

/**
 * Sets `Server-Timing` on `res` right before its headers are written (after
 * the handler's own checks), from `read()`. Patches this response object only.
 */
export function serverTimingOnWrite(res: NodeResponseLike, read: () => string | undefined): void {
  const original = res.writeHead;
  res.writeHead = function writeHeadWithServerTiming(this: NodeResponseLike, ...args: never[]): unknown {
    res.writeHead = original;
    if (!res.headersSent) {
      try {
        const value = read();
        if (value !== undefined) res.setHeader(SERVER_TIMING_HEADER, value);
      } catch {
        // Timing never breaks a response.
      }
    }
    return original.apply(this, args);
  } as NodeResponseLike['writeHead'];
}

/** The header value of a request's (settled) authorization context; undefined while pending or without decisions. */
export function serverTimingOf(context: MaybePromise<AuthorizationContext> | null | undefined): string | undefined {
  if (context === null || context === undefined || context instanceof Promise) return undefined;
  return serverTimingValue(context.scope, context.timing);
}

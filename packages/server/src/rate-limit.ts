/**
 * Per-API-key rate limits in three classes (docs/REST.md): a fixed window
 * per key and class, kept in a `Map`. Only authenticated keys are counted,
 * so the map is bounded by (number of keys × 3).
 */

/** Rate-limit class of a route. */
export type RateClass = 'checks' | 'management' | 'bulk';

/** Requests per window and per API key; the defaults are the seed's figures. */
export interface RateLimitOptions {
  /** Single checks, explain, check permissions, user permissions. @defaultValue 10_000 */
  checks?: number;
  /** Every other operation under `/v1/projects/…`. @defaultValue 1_000 */
  management?: number;
  /** Bulk check, bulk (un)assign, snapshot. @defaultValue 100 */
  bulk?: number;
  /** Window length in milliseconds. @defaultValue 60_000 */
  windowMs?: number;
}

/** Resolved limits. */
export type ResolvedRateLimits = Required<RateLimitOptions>;

export const DEFAULT_RATE_LIMITS: ResolvedRateLimits = {
  checks: 10_000,
  management: 1_000,
  bulk: 100,
  windowMs: 60_000,
};

/** Validates and fills in rate-limit options (throws on nonsense, at start, not on the first request). */
export function resolveRateLimits(options: RateLimitOptions = {}): ResolvedRateLimits {
  const resolved = { ...DEFAULT_RATE_LIMITS, ...stripUndefined(options) };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`rateLimits.${name} must be a positive integer, got ${String(value)}.`);
    }
  }
  return resolved;
}

interface Window {
  start: number;
  count: number;
}

/** The outcome of counting one request. */
export type RateDecision =
  | { ok: true; limit: number; remaining: number }
  | { ok: false; limit: number; retryAfter: number };

/** Fixed-window counter per key and class. */
export class RateLimiter {
  readonly #limits: ResolvedRateLimits;
  readonly #windows = new Map<string, Window>();

  constructor(limits: ResolvedRateLimits) {
    this.#limits = limits;
  }

  /**
   * Counts a request of `keyId` in `rateClass` that costs `cost` units (1 for
   * most routes; the number of checks for `check/permissions`). A request
   * costing more than what is left waits for the next window, except in an
   * untouched window (so one request larger than the whole limit still runs,
   * once per window). `counted` is what this request was already charged (on
   * arrival, before its cost was known). `retryAfter` is in whole seconds (≥ 1).
   */
  hit(keyId: string, rateClass: RateClass, now = Date.now(), cost = 1, counted = 0): RateDecision {
    const limit = this.#limits[rateClass];
    const id = `${rateClass}:${keyId}`;
    let window = this.#windows.get(id);
    if (window === undefined || now - window.start >= this.#limits.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(id, window);
    }
    if (window.count >= limit || (window.count - counted > 0 && window.count + cost > limit)) {
      const retryAfter = Math.max(1, Math.ceil((window.start + this.#limits.windowMs - now) / 1000));
      return { ok: false, limit, retryAfter };
    }
    window.count += cost;
    return { ok: true, limit, remaining: Math.max(0, limit - window.count) };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

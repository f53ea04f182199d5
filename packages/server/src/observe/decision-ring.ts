/** The last N decisions of each scope, for `GET …/decisions` (development use). */
import type { DecisionEvent } from '@permissio/core';
import type { Scope } from '../storage.js';
import { scopeKey } from './observed-pdp.js';

/** Filters of a query. */
export interface DecisionQuery {
  user?: string;
  allowed?: boolean;
  /** Only decisions at or after this time (epoch ms). */
  since?: number;
  /** Most decisions answered (newest first). */
  limit: number;
}

/** A bounded ring buffer of decisions per scope. */
export class DecisionRing {
  readonly capacity: number;
  readonly #rings = new Map<string, { items: DecisionEvent[]; next: number }>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  add(scope: Scope, event: DecisionEvent): void {
    const key = scopeKey(scope);
    let ring = this.#rings.get(key);
    if (ring === undefined) {
      ring = { items: [], next: 0 };
      this.#rings.set(key, ring);
    }
    if (ring.items.length < this.capacity) ring.items.push(event);
    else ring.items[ring.next] = event;
    ring.next = (ring.next + 1) % this.capacity;
  }

  /** Matching decisions of `scope`, newest first. */
  query(scope: Scope, query: DecisionQuery): DecisionEvent[] {
    const ring = this.#rings.get(scopeKey(scope));
    if (ring === undefined) return [];
    const { items, next } = ring;
    const out: DecisionEvent[] = [];
    for (let i = 1; i <= items.length && out.length < query.limit; i++) {
      const index = (next - i + items.length * 2) % items.length;
      const event = items[index] as DecisionEvent;
      if (query.user !== undefined && event.user !== query.user) continue;
      if (query.allowed !== undefined && event.allowed !== query.allowed) continue;
      if (query.since !== undefined && event.timestamp < query.since) continue;
      out.push(event);
    }
    return out;
  }
}

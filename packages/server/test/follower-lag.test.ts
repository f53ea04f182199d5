/**
 * The journal lag a PostgreSQL follower reports on `/metrics`
 * (`permissio_journal_lag_seconds`, `permissio_journal_revisions_behind`):
 * what it knows of the heads (polls and notifications) against what it has
 * applied. The journal is a scripted double here, because the fault (a
 * catch-up that cannot apply) must be injected; pg-metrics.test.ts scrapes a
 * real replica pair.
 */
import { describe, expect, it } from 'vitest';
import { Follower } from '../src/follower.js';
import type { JournalListener, Scope, ScopeHead, SharedJournal } from '../src/storage.js';

const A: Scope = { projectId: 'p', environmentId: 'a' };
const B: Scope = { projectId: 'p', environmentId: 'b' };
const key = (s: Scope) => `${s.projectId}/${s.environmentId}`;
const quiet = { info() {}, warn() {}, error() {} };

function setup(heads: ScopeHead[]) {
  const applied = new Map<string, number>();
  const broken = new Set<string>();
  let listener: JournalListener | undefined;
  const journal = {
    heads: async () => heads.map((h) => ({ ...h })),
    subscribe(l: JournalListener) {
      listener = l;
      l.onConnection(true);
      return { ready: Promise.resolve(), close: async () => {} };
    },
  } as unknown as SharedJournal;
  const registry = {
    revision: (scope: Scope) => applied.get(key(scope)) ?? 0,
    async sync(scope: Scope) {
      if (broken.has(key(scope))) throw new Error('cannot apply');
      const head = heads.find((h) => key(h) === key(scope))?.head ?? 0;
      applied.set(key(scope), head);
      return head;
    },
  };
  const follower = new Follower({ registry, journal, pollInterval: 60_000, logger: quiet as never });
  return { follower, heads, broken, notify: (scope: Scope, seq: number) => listener?.onCommit(scope, seq), applied };
}

describe('Follower.lag', () => {
  it('0 behind once caught up; counts what a notification announced until it is applied', async () => {
    const { follower, heads, broken, notify } = setup([
      { ...A, head: 3 },
      { ...B, head: 5 },
    ]);
    await follower.start();
    expect(follower.lag().revisionsBehind).toBe(0);
    expect(follower.lag().seconds).toBeLessThan(5);

    // B's catch-up fails (the fault): a notification of 9 leaves it 4 behind; A's announced 4 is applied.
    broken.add(key(B));
    (heads[1] as ScopeHead).head = 9;
    notify(B, 9);
    (heads[0] as ScopeHead).head = 4;
    notify(A, 4);
    await new Promise((r) => setTimeout(r, 10));
    expect(follower.lag().revisionsBehind).toBe(4);

    // A failing poll does not confirm the head: the lag in seconds keeps growing.
    const before = follower.lag().seconds;
    await follower.poll();
    await new Promise((r) => setTimeout(r, 20));
    expect(follower.lag().seconds).toBeGreaterThan(before);
    expect(follower.health().status).toBe('degraded');

    // Repaired: the next poll catches up.
    broken.clear();
    await follower.poll();
    expect(follower.lag().revisionsBehind).toBe(0);
    expect(follower.lag().seconds).toBeLessThan(1);
    await follower.close();
  });
});

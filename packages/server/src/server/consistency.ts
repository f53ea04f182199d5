/**
 * `consistency` of the check routes (`fast` | `full` | `{atLeast: token}`)
 * and the `Permissio-Revision` token: a scope's revision, the sequence number
 * of its last applied journal entry, written as a decimal string. Clients
 * treat it as opaque.
 */
import { ServerAnswerError } from '../errors.js';
import type { ScopeRegistry } from '../registry.js';
import type { Scope } from '../storage.js';

/** The response header carrying the revision. */
export const REVISION_HEADER = 'permissio-revision';

/** How fresh a check's answer must be. */
export type Consistency = 'fast' | 'full' | { atLeast: string };

/** The revision token of `revision`. */
export function revisionToken(revision: number): string {
  return String(revision);
}

/** The revision a token names; throws a 422 for a token this server did not issue. */
export function parseRevisionToken(token: string): number {
  if (!/^\d{1,15}$/.test(token)) {
    throw new ServerAnswerError(
      422,
      'VALIDATION_ERROR',
      'body.consistency.atLeast must be a revision token from a Permissio-Revision header.',
      {
        details: {
          field: 'body.consistency.atLeast',
          errors: [{ field: 'body.consistency.atLeast', message: 'is not a revision token' }],
        },
      },
    );
  }
  return Number(token);
}

function stale(scope: Scope, have: number, want: number | undefined, why: string): ServerAnswerError {
  return new ServerAnswerError(
    503,
    'STALE_REPLICA',
    `This replica could not reach the requested revision in time (${why}); retry, or ask with consistency "fast".`,
    {
      retryAfter: 1,
      details: {
        revision: revisionToken(have),
        ...(want === undefined ? {} : { required: revisionToken(want) }),
        projectId: scope.projectId,
        environmentId: scope.environmentId,
      },
    },
  );
}

/**
 * Waits until the replica's engine for `scope` is as fresh as `consistency`
 * asks, at most `budgetMs`; throws 503 `STALE_REPLICA` when it cannot be.
 */
export async function ensureConsistency(
  registry: ScopeRegistry,
  scope: Scope,
  consistency: Consistency | undefined,
  budgetMs: number,
): Promise<void> {
  if (consistency === undefined || consistency === 'fast') return;
  const state = registry.get(scope);
  const shared = registry.shared;
  let want: number;
  if (consistency === 'full') {
    if (shared === undefined) return;
    try {
      want = await withBudget(shared.head(scope), budgetMs);
    } catch {
      throw stale(scope, state.revision, undefined, 'the database does not answer');
    }
  } else {
    want = parseRevisionToken(consistency.atLeast);
  }
  if (state.revision >= want) return;
  // Do not wait for the notification: read the journal now (errors: keep waiting for the follower).
  if (shared !== undefined) registry.sync(scope).catch(() => undefined);
  if (!(await state.reached(want, budgetMs))) {
    throw stale(scope, state.revision, want, `at ${state.revision}, asked for ${want}`);
  }
}

async function withBudget<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `permissioScope(c)`: the request's decision cache on any route — also one
 * without `requirePermission` (e.g. a list route that asks `plan`), where
 * `c.get('permissio')` is still undefined. It starts the request's
 * authorization context the way the first decision would (same resolvers,
 * same `onDecision`, `instrumentation` and `Server-Timing`), so the route's
 * own checks and plans are reported like a guard's.
 */
import type { Context } from 'hono';
import type { RequestScope } from '@permissio/core';
import { requestState, startedContext } from './middleware.js';

/**
 * The request scope of `c`; `undefined` when `permissio()` did not run for this
 * request. Rejects never: resolver failures surface as the scope's own refusals
 * (no user: `check(action, resource)` rejects; unresolvable tenant: every
 * question rejects with `TENANT_UNRESOLVED`).
 */
export async function permissioScope(c: Context): Promise<RequestScope | undefined> {
  const state = requestState(c);
  if (state === undefined) return undefined;
  const context = await startedContext(c, state);
  // startedContext sets c.get('permissio') for a synchronous start; an async one sets it when it settles.
  c.set('permissio', context.scope);
  return context.scope;
}

/**
 * `requireGuard: true`: a route with neither a permission guard nor a public
 * marker is refused. In development (`NODE_ENV` not `production`) the answer
 * is a 500 naming the route, so the mistake is found at once; in production a
 * generic 403 that tells a caller nothing about the app.
 */
import type { RefusalOutcome } from './authorizer.js';
import { problem } from './problem.js';

/** Whether unguarded routes answer in development style (500 naming the route) or production style (403). */
export type UnguardedStyle = 'development' | 'production';

/** `production` when `NODE_ENV` is `production` or cannot be read (fail closed on information), else `development`. */
export function unguardedStyle(): UnguardedStyle {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (env === undefined) return 'production';
  return env.NODE_ENV === 'production' ? 'production' : 'development';
}

/** The refusal of a request to an unguarded route (`route` like `DELETE /documents/:id`). */
export function unguardedOutcome(route: string, style: UnguardedStyle): RefusalOutcome {
  if (style === 'production') {
    return {
      kind: 'unguarded',
      status: 403,
      route,
      problem: problem(403, 'You do not have permission to perform this action.'),
    };
  }
  return {
    kind: 'unguarded',
    status: 500,
    route,
    problem: problem(
      500,
      `Route ${route} has no permission guard and is not marked public; requireGuard refuses it. Add requirePermission(...) or mark the route public.`,
    ),
  };
}

/**
 * `publicRoute()`: marks a route (or, with `app.use(path, …)`, every route
 * after it under that path) as deliberately public, for `requireGuard: true`
 * and the route manifest. It runs no check.
 */
import { createMiddleware } from 'hono/factory';
import { markPublic } from '@permissio/core/internal';

/**
 * The public-route marker: `app.get('/health', publicRoute(), (c) => c.text('ok'))`.
 * Needed only with `requireGuard: true`; shows the route as `public` in `routeManifest(app)`.
 */
export function publicRoute() {
  return markPublic(
    createMiddleware(function publicRouteMarker(_c, next) {
      return next();
    }),
  );
}

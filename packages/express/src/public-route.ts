/**
 * `publicRoute()`: marks a route (or, with `app.use` / `router.use`, every
 * route after it) as deliberately public, for `requireGuard: true` and the
 * route manifest. It runs no check: the handler runs for anyone.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { markPublic } from '@permissio/core/internal';
import { requestState } from './middleware.js';
import { markRequest } from './route-marks.js';

/**
 * The public-route marker: `app.get('/health', publicRoute(), handler)`.
 * Needed only with `requireGuard: true`, where a route without a guard or
 * this marker is refused; it also shows the route as `public` in
 * `routeManifest(app)`.
 */
export function publicRoute(): RequestHandler {
  return markPublic(function publicRouteMarker(req: Request, _res: Response, next: NextFunction): void {
    if (requestState(req)?.registration.requireGuard === true) markRequest(req);
    next();
  });
}

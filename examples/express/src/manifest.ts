/**
 * The Express example's route manifest (`routeManifest(app)` as a table), for
 * `pnpm demo` and `pnpm --filter @permissio/example-express manifest`.
 */
import { formatRouteManifest } from '@permissio/express';
import { clientFromEnv } from '@permissio/example-shared/app';
import { createApp } from './app.js';

/** Every route of the example with its guard, `public`, or `UNGUARDED`. */
export function exampleManifest(): string {
  const { client } = clientFromEnv({});
  return formatRouteManifest(createApp({ client }));
}

/** An Express app with `permissio()` on the engine fixture, identified by `x-user`/`x-tenant`. */
import express, { type Express, type Request } from 'express';
import { engineClient } from '@permissio/adapter-testkit';
import { permissio, type PermissioExpressOptions } from '../src/index.js';

export const user = (req: Request) => req.get('x-user');
export const tenant = (req: Request) => req.get('x-tenant');

/** The app, its client, and a list the test's handlers may record runs in. */
export function app(extra: Partial<PermissioExpressOptions> = {}): {
  app: Express;
  client: ReturnType<typeof engineClient>['client'];
  runs: string[];
} {
  const { client } = engineClient();
  const runs: string[] = [];
  const a = express();
  a.use(permissio({ client, user, tenant, ...extra }));
  return { app: a, client, runs };
}

/** A Fastify app with the plugin on the engine fixture, identified by `x-user`/`x-tenant`; closed by `closeApps()`. */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { engineClient } from '@permissio/adapter-testkit';
import permissioPlugin, { type PermissioFastifyOptions } from '../src/index.js';

export const user = (request: FastifyRequest) => request.headers['x-user'] as string | undefined;
const tenant = (request: FastifyRequest) => request.headers['x-tenant'] as string | undefined;

/** Headers of `name` in tenant acme. */
export const as = (name: string) => ({ 'x-user': name, 'x-tenant': 'acme' });

const apps: FastifyInstance[] = [];

/** Registers an app made elsewhere for `closeApps()`. */
export function track(app: FastifyInstance): void {
  apps.push(app);
}

/** Closes every app `create` made; call it from `afterEach`. */
export async function closeApps(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => app.close()));
}

/** A registered app; with `logger`, Fastify logs through a logger whose `warn` is the given function. */
export async function create(extra: Partial<PermissioFastifyOptions> = {}, logger?: { warn: (m: string) => void }) {
  const { client } = engineClient();
  const app = (
    logger === undefined ? Fastify() : Fastify({ loggerInstance: fakeLogger(logger.warn) })
  ) as FastifyInstance;
  apps.push(app);
  await app.register(permissioPlugin, { client, user, tenant, ...extra });
  return app;
}

function fakeLogger(warn: (m: string) => void) {
  const noop = () => {};
  const logger = { info: noop, error: noop, debug: noop, fatal: noop, trace: noop, warn, level: 'warn', silent: noop };
  return Object.assign(logger, { child: () => logger }) as never;
}

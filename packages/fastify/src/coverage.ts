/**
 * Makes sure no route that declares `config.permission` runs unchecked.
 *
 * The plugin's `onRoute` hook only sees routes declared after it, in its
 * encapsulation context. Every Fastify root instance created after this
 * module is loaded (it publishes itself on the `fastify.initialization`
 * diagnostics channel) gets an `onRoute` hook that records every route
 * declaring `config.permission`, and an `onReady` hook that fails `ready()`
 * when one of them was not covered by a permissio plugin: declared before
 * `await app.register(permissioPlugin)`, in a plugin registered before it,
 * or in a sibling encapsulation context.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { notRegisteredError } from '@permissio/core/internal';

/** Set (as an enumerable symbol, so Fastify copies it) on the config of every route a plugin protects. */
export const GUARDED: unique symbol = Symbol.for('@permissio/fastify.guarded') as never;

const ARMED = new WeakSet<object>();

/** The fix every coverage error names. */
export const REGISTER_FIRST =
  'register the plugin before declaring protected routes, at the root (it is wrapped with fastify-plugin): await app.register(permissioPlugin, { client, user })';

type Config = { permission?: unknown; [GUARDED]?: boolean } | undefined;

function describe(route: RouteOptions): string {
  return `${Array.isArray(route.method) ? route.method.join(',') : route.method} ${route.url}`;
}

/** Arms the ready-time coverage check on a root instance (once). */
export function arm(fastify: FastifyInstance): void {
  if (ARMED.has(fastify)) return;
  ARMED.add(fastify);
  const declared: RouteOptions[] = [];
  fastify.addHook('onRoute', function permissioRecordRoute(routeOptions) {
    if ((routeOptions.config as Config)?.permission !== undefined) declared.push(routeOptions);
  });
  fastify.addHook('onReady', function permissioCheckCoverage(done) {
    const missed = declared.filter((route) => (route.config as Config)?.[GUARDED] !== true).map(describe);
    declared.length = 0;
    if (missed.length === 0) {
      done();
      return;
    }
    done(
      notRegisteredError(
        'fastify',
        `route${missed.length === 1 ? '' : 's'} ${missed.join(', ')} declare${missed.length === 1 ? 's' : ''} config.permission but no permissio plugin covers ${missed.length === 1 ? 'it' : 'them'} (declared before the plugin was registered, in a plugin registered before it, or in a sibling encapsulation context)`,
        REGISTER_FIRST,
      ),
    );
  });
}

/** Whether `fastify` (or the root it descends from) has the ready-time check. */
export function isArmed(fastify: FastifyInstance): boolean {
  // Encapsulated instances inherit from their parent (Object.create): walk up to the root.
  for (let instance: object | null = fastify; instance !== null; instance = Object.getPrototypeOf(instance)) {
    if (ARMED.has(instance)) return true;
  }
  return false;
}

subscribe('fastify.initialization', (message) => {
  const fastify = (message as { fastify?: FastifyInstance } | null)?.fastify;
  if (fastify !== undefined) arm(fastify);
});

/**
 * The Fastify plugin: `await app.register(permissioPlugin, { client, user })`.
 *
 * - decorates requests with `permissio`, the request's scope, created at the
 *   request's first decision (user and tenant are resolved then, so auth
 *   hooks that run after the plugin's `onRequest` count);
 * - adds `fastify.requirePermission(action, resource)` returning a preHandler;
 * - applies `config: { permission: { action, resource } }` of routes
 *   registered after the plugin automatically; `ready()` fails naming any
 *   route declaring one that no plugin covers (see coverage.ts).
 *
 * Wrapped with fastify-plugin: the hooks apply to the registering context.
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { RegisteredShape, RequestScope, ResourceTypeOf } from '@permissio/core';
import {
  assertPermissionArguments,
  createRegistration,
  notRegisteredError,
  scopeOf,
  type PermissioAdapterBaseOptions,
  type RefusalOutcome,
  resolveRouteValidation,
  serverTimingOf,
  SERVER_TIMING_HEADER,
} from '@permissio/core/internal';
import { GUARDED, isArmed, REGISTER_FIRST } from './coverage.js';
import { installRouteTable } from './route-table.js';
import {
  CONTEXT,
  INSTANCE,
  permissionPreHandler,
  requirePermission,
  startedContext,
  type FastifyRegistration,
  type FastifyResourceSpec,
} from './require-permission.js';

/**
 * A hook called instead of the default problem+json reply. It may send its
 * own reply; if it does not, the default reply is sent once it returns (or
 * its promise settles). Throwing hands the error to Fastify's error handler.
 */
export type PermissioFastifyHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: RefusalOutcome,
) => void | Promise<void>;

/** Options of {@link permissioPlugin}. */
export interface PermissioFastifyOptions extends PermissioAdapterBaseOptions<FastifyRequest> {
  /** Called on 403 (denied, resolver failed) and 400 (unsafe request path) refusals. */
  onDenied?: PermissioFastifyHook;
  /** Called when a protected route is requested without a user (401). */
  onUnauthenticated?: PermissioFastifyHook;
  /** Called when the PDP fails (unreachable, timeout, malformed answer): 503 or `failureStatus`. */
  onError?: PermissioFastifyHook;
  /**
   * How a refusal no hook handles is answered: `'respond'` sends the
   * problem+json reply; `'error'` hands a `PermissioRefusalError`
   * (`statusCode`, `problem`) to Fastify's error handler (`setErrorHandler`).
   * @defaultValue 'respond'
   */
  refusal?: 'respond' | 'error';
  /**
   * At `onReady` (with an embedded PDP), check every route guard's action and
   * resource type against the policy: `'warn'` logs each mismatch through
   * `fastify.log`, `'error'` makes `ready()` reject, `'off'` skips the check.
   * @defaultValue 'warn'
   */
  routeValidation?: 'off' | 'warn' | 'error';
}

/**
 * Per-route permission read from `config.permission`: `{ action, resource }`,
 * the action (e.g. `"read"`) and a resource type, a `CheckResource`, or a
 * resolver `(request) => resource`. With a registered policy (`Register` of
 * `@permissio/core`) the action must be one of the resource type's.
 */
export type RoutePermission<T extends ResourceTypeOf = ResourceTypeOf> = {
  [K in T]: { action: RegisteredShape[K]; resource: FastifyResourceSpec<K> };
}[T];

const ROUTE_MARK = Symbol.for('@permissio/fastify.routePreHandler');

/** The options of this adapter besides the shared ones. */
const ADAPTER_OPTIONS = ['refusal', 'routeValidation'];

/** Options Fastify's `register()` itself reads, which the plugin receives as well. */
const FASTIFY_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

const plugin: FastifyPluginCallback<PermissioFastifyOptions> = function permissio(fastify, options, done) {
  let registration: FastifyRegistration;
  let routeValidation: ReturnType<typeof resolveRouteValidation>;
  try {
    // Fastify's own register() options reach the plugin too.
    registration = createRegistration<FastifyRequest, PermissioFastifyHook>(options, 'fastify', undefined, [
      ...ADAPTER_OPTIONS,
      ...FASTIFY_OPTIONS,
    ]);
    routeValidation = resolveRouteValidation(options.routeValidation, 'fastify');
  } catch (error) {
    done(error as Error);
    return;
  }
  const { authorizer } = registration;
  authorizer.routeOf = (request) => ({ method: request.method, path: request.routeOptions.url ?? request.url });

  // The scope is created lazily, at the request's first decision (or first read of request.permissio).
  fastify.decorateRequest('permissio', {
    getter(this: FastifyRequest): RequestScope | undefined {
      return scopeOf(startedContext(this, authorizer));
    },
  });
  fastify.decorateRequest(CONTEXT, null);
  fastify.decorateRequest(INSTANCE, null);
  if (!fastify.hasDecorator('requirePermission')) fastify.decorate('requirePermission', requirePermission);

  // Only marks the request: user and tenant are resolved at the first decision, after the app's own auth hooks.
  const onRequest: onRequestHookHandler = function permissioOnRequest(request, _reply, next) {
    request[INSTANCE] = registration;
    next();
  };
  fastify.addHook('onRequest', onRequest);
  if (authorizer.options.serverTiming) {
    fastify.addHook('onSend', function permissioServerTiming(request, reply, payload, next) {
      const value = serverTimingOf(request[CONTEXT]);
      if (value !== undefined) void reply.header(SERVER_TIMING_HEADER, value);
      next(null, payload);
    });
  }
  if (!isArmed(fastify)) {
    // The ready-time coverage check is not armed (this module was loaded after the Fastify instance was
    // created): refuse, at request time, routes of this context that declare a permission nobody applied.
    fastify.addHook('preHandler', function permissioUncovered(request, _reply, next) {
      const config = request.routeOptions.config as { permission?: unknown; [GUARDED]?: boolean } | undefined;
      if (config?.permission !== undefined && config[GUARDED] !== true) {
        next(
          notRegisteredError(
            'fastify',
            `route ${request.method} ${request.routeOptions.url} declares config.permission but was declared before the plugin was registered`,
            REGISTER_FIRST,
          ),
        );
        return;
      }
      next();
    });
  }

  fastify.addHook('onRoute', function permissioOnRoute(routeOptions) {
    const permission = (routeOptions.config as { permission?: RoutePermission } | undefined)?.permission;
    if (permission === undefined) return;
    if (permission === null || typeof permission !== 'object') {
      throw new TypeError(
        `@permissio/fastify: route ${routeOptions.method} ${routeOptions.url}: config.permission must be { action, resource }.`,
      );
    }
    assertPermissionArguments(permission.action, permission.resource, 'fastify');
    // An enumerable symbol: Fastify copies it into the route's context config (read by the coverage check).
    routeOptions.config = { ...routeOptions.config, [GUARDED]: true } as typeof routeOptions.config;
    const existing = routeOptions.preHandler;
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    // Fastify copies a GET route's options to its HEAD route: add the check once.
    if (list.some((handler) => (handler as { [ROUTE_MARK]?: boolean })[ROUTE_MARK] === true)) return;
    const preHandler = Object.assign(permissionPreHandler(permission.action, permission.resource), {
      [ROUTE_MARK]: true,
    });
    routeOptions.preHandler = [preHandler, ...list];
  });

  // Route manifest, requireGuard and startup validation (after the permission hook above has added its preHandler).
  installRouteTable(fastify, {
    client: authorizer.options.client,
    requireGuard: registration.requireGuard,
    routeValidation,
    // Warnings go to the `logger` option when given, else to Fastify's own logger.
    logger: authorizer.options.logger ?? { warn: (message: string) => fastify.log.warn(message) },
  });

  done();
};

/** The plugin, wrapped with fastify-plugin (`name: '@permissio/fastify'`, `fastify: '5.x'`). */
export const permissioPlugin = fp(plugin, { name: '@permissio/fastify', fastify: '5.x' });

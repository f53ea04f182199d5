/**
 * The Fastify plugin: `await app.register(permissioPlugin, { client, user })`.
 *
 * - decorates every request with `permissio` (null until the `onRequest`
 *   hook assigns the request's scope), so requests keep one shape;
 * - adds `fastify.requirePermission(action, resource)` returning a preHandler;
 * - applies `config: { permission: { action, resource } }` of routes
 *   registered after the plugin automatically.
 *
 * Wrapped with fastify-plugin: the hooks apply to the registering context.
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import {
  Authorizer,
  assertPermissionArguments,
  type RefusalOutcome,
  type PermissioAdapterBaseOptions,
  resolveRefusalMode,
  resolveRouteValidation,
} from '@permissio/core/internal';
import { installRouteTable } from './route-table.js';
import {
  CONTEXT,
  INSTANCE,
  requirePermission,
  type FastifyInstanceState,
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

/** Per-route permission read from `config.permission`. */
export interface RoutePermission {
  /** The action, e.g. `"read"`. */
  action: string;
  /** A resource type, a `CheckResource`, or a resolver `(request) => resource`. */
  resource: FastifyResourceSpec;
}

const ROUTE_MARK = Symbol.for('@permissio/fastify.routePreHandler');

const plugin: FastifyPluginCallback<PermissioFastifyOptions> = function permissio(fastify, options, done) {
  let authorizer: Authorizer<FastifyRequest>;
  let refusal: ReturnType<typeof resolveRefusalMode>;
  let routeValidation: ReturnType<typeof resolveRouteValidation>;
  try {
    authorizer = new Authorizer<FastifyRequest>(options, 'fastify');
    refusal = resolveRefusalMode(options.refusal, 'fastify');
    routeValidation = resolveRouteValidation(options.routeValidation, 'fastify');
  } catch (error) {
    done(error as Error);
    return;
  }
  const instance: FastifyInstanceState = {
    authorizer,
    onDenied: options.onDenied,
    onUnauthenticated: options.onUnauthenticated,
    onError: options.onError,
    refusal,
  };

  fastify.decorateRequest('permissio', null as never);
  fastify.decorateRequest(CONTEXT, null);
  fastify.decorateRequest(INSTANCE, null);
  if (!fastify.hasDecorator('requirePermission')) fastify.decorate('requirePermission', requirePermission);

  const onRequest: onRequestHookHandler = function permissioOnRequest(request, _reply, next) {
    const started = authorizer.begin(request);
    if (started instanceof Promise) {
      started.then((context) => {
        request[INSTANCE] = instance;
        request[CONTEXT] = context;
        request.permissio = context.scope;
        next();
      }, next);
      return;
    }
    request[INSTANCE] = instance;
    request[CONTEXT] = started;
    request.permissio = started.scope;
    next();
  };
  fastify.addHook('onRequest', onRequest);

  fastify.addHook('onRoute', function permissioOnRoute(routeOptions) {
    const permission = (routeOptions.config as { permission?: RoutePermission } | undefined)?.permission;
    if (permission === undefined) return;
    if (permission === null || typeof permission !== 'object') {
      throw new TypeError(
        `@permissio/fastify: route ${routeOptions.method} ${routeOptions.url}: config.permission must be { action, resource }.`,
      );
    }
    assertPermissionArguments(permission.action, permission.resource, 'fastify');
    const existing = routeOptions.preHandler;
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    // Fastify copies a GET route's options to its HEAD route: add the check once.
    if (list.some((handler) => (handler as { [ROUTE_MARK]?: boolean })[ROUTE_MARK] === true)) return;
    const preHandler = Object.assign(requirePermission(permission.action, permission.resource), { [ROUTE_MARK]: true });
    routeOptions.preHandler = [preHandler, ...list];
  });

  // Route manifest, requireGuard and startup validation (after the permission hook above has added its preHandler).
  installRouteTable(fastify, {
    client: authorizer.options.client,
    requireGuard: authorizer.options.requireGuard,
    routeValidation,
  });

  done();
};

/** The plugin, wrapped with fastify-plugin (`name: '@permissio/fastify'`, `fastify: '5.x'`). */
export const permissioPlugin = fp(plugin, { name: '@permissio/fastify', fastify: '5.x' });

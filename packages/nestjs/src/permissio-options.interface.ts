/**
 * Options of `PermissioModule.forRoot()` / `forRootAsync()`.
 */
import type { ExecutionContext, InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { MaybePromise, RequestScope } from '@permissio/core';
import type { PermissioAdapterBaseOptions, RefusalOutcome } from '@permissio/core/internal';

/** The request scope (decision cache) the guard creates once per request: core's `RequestScope`. */
export type PermissioRequestScope = RequestScope;

/**
 * The part of the underlying HTTP request the adapter reads. Both Express's
 * `Request` and Fastify's `FastifyRequest` fit it; resolvers may declare
 * their own request type instead (`user: (req: MyRequest) => ...`).
 */
export interface PermissioRequest {
  /** Request URL as received (Fastify: path and query). */
  url?: string;
  /** Express: the URL before any mount-point rewriting. */
  originalUrl?: string;
  /** Route parameters decoded by the router. */
  params?: unknown;
  /** The request scope, set by `PermissioGuard` (also readable with `@PermissioScope()`). */
  permissio?: PermissioRequestScope;
}

/**
 * Called when the guard refuses a request. Return (or throw) an exception to
 * answer with it instead of the default problem+json exception; return
 * `undefined` to keep the default. A hook can change the answer, never turn a
 * refusal into an allow.
 *
 * @param refusal the outcome: `status`, `problem` body, and `reason`/`error` where known
 * @param request the underlying HTTP request (Express `req` or Fastify `request`)
 * @param context Nest's execution context of the refused handler
 */
export type PermissioRefusalHook<Req = PermissioRequest> = (
  refusal: RefusalOutcome,
  request: Req,
  context: ExecutionContext,
) => // biome-ignore lint/suspicious/noConfusingVoidType: a hook may be a `() => void` function
MaybePromise<Error | undefined | void>;

/**
 * Options resolved by `forRootAsync` factories (and the first part of
 * `forRoot`'s options): the adapter options shared by every Permissio
 * adapter, plus Nest-style refusal hooks.
 */
export interface PermissioOptions<Req = PermissioRequest> extends PermissioAdapterBaseOptions<Req> {
  /**
   * Hook for 403 refusals: the PDP denied, the resource resolver failed, or
   * the resource path could not be canonicalised (400).
   * @defaultValue throws `PermissioForbiddenException` / `PermissioBadRequestException`
   */
  onDenied?: PermissioRefusalHook<Req>;
  /**
   * Hook for 401 refusals (no user on a protected route; the PDP is not called).
   * @defaultValue throws `PermissioUnauthorizedException`
   */
  onUnauthenticated?: PermissioRefusalHook<Req>;
  /**
   * Hook for PDP failures (unreachable, timeout, malformed answer): status
   * `failureStatus`, never allow.
   * @defaultValue throws `PermissioServiceUnavailableException` (or `PermissioForbiddenException` when `failureStatus` is 403)
   */
  onError?: PermissioRefusalHook<Req>;
  /**
   * At `onApplicationBootstrap` (with an embedded PDP), check every
   * `@RequirePermission` action and resource type against the policy:
   * `'warn'` logs each mismatch, `'error'` fails the bootstrap, `'off'` skips it.
   * @defaultValue 'warn'
   */
  routeValidation?: 'off' | 'warn' | 'error';
}

/** Registration settings that shape the module itself (read when `forRoot`/`forRootAsync` is called). */
export interface PermissioModuleSettings {
  /**
   * Register the global guard (`APP_GUARD`), which makes `@PermissioScope()`
   * available on unprotected routes. Protected handlers are guarded either
   * way: `@RequirePermission()` brings `PermissioGuard` itself. The module's
   * providers are global either way.
   * @defaultValue true
   */
  global?: boolean;
  /**
   * Register `PermissioExceptionFilter` (`APP_FILTER`), which answers the
   * guard's exceptions as `application/problem+json` on Express and Fastify.
   * With `false`, your exception filters render them (Nest's default filter
   * sends the same body as `application/json`).
   * @defaultValue true
   */
  exceptionFilter?: boolean;
}

/** Options of `PermissioModule.forRoot()`. */
export interface PermissioModuleOptions<Req = PermissioRequest>
  extends PermissioOptions<Req>,
    PermissioModuleSettings {}

/** A class that builds the options, for `forRootAsync({ useClass })` / `useExisting`. */
export interface PermissioOptionsFactory<Req = PermissioRequest> {
  createPermissioOptions(): MaybePromise<PermissioOptions<Req>>;
}

/** Options of `PermissioModule.forRootAsync()`: exactly one of `useFactory`, `useClass`, `useExisting`. */
export interface PermissioModuleAsyncOptions<Req = PermissioRequest>
  extends Pick<ModuleMetadata, 'imports'>,
    PermissioModuleSettings {
  /** Builds the options; its arguments are the `inject` tokens, in order. */
  useFactory?: (...args: never[]) => MaybePromise<PermissioOptions<Req>>;
  /** Tokens whose providers are passed to `useFactory`. */
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  /** A class implementing `PermissioOptionsFactory`, instantiated by the module. */
  useClass?: Type<PermissioOptionsFactory<never>>;
  /** An existing provider implementing `PermissioOptionsFactory` (from `imports`). */
  useExisting?: InjectionToken<PermissioOptionsFactory<never>>;
}

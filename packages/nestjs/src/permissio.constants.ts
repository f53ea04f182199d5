/**
 * Injection tokens and metadata keys of `@permissio/nestjs`. Tokens are
 * namespaced strings so they read well in Nest's dependency errors.
 */

/** The module options as given to `forRoot` / resolved by `forRootAsync`. */
export const PERMISSIO_OPTIONS = 'PERMISSIO:OPTIONS';

/** The `Authorizer` (core decision logic) built once from the options. */
export const PERMISSIO_AUTHORIZER = 'PERMISSIO:AUTHORIZER';

/** Metadata key written by `@RequirePermission()` on handlers and controllers. */
export const PERMISSIO_REQUIREMENT = 'PERMISSIO:REQUIRE_PERMISSION';

/**
 * Where the guard keeps the request's authorization context on the request.
 * A registered symbol, so the ESM and CJS builds (if both end up loaded) agree.
 */
export const PERMISSIO_CONTEXT: unique symbol = Symbol.for('@permissio/nestjs:context');

/** Name used in error messages (`@permissio/nestjs: ...`). */
export const FRAMEWORK = 'nestjs';

/** The hook options the module accepts (validated eagerly as functions). */
export const HOOK_NAMES = ['onDenied', 'onUnauthenticated', 'onError'] as const;

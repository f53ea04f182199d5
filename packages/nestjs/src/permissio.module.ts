/**
 * `PermissioModule.forRoot(options)` / `forRootAsync({ ... })`: provides the
 * options, the core `Authorizer` built from them (validated eagerly), the
 * global `PermissioGuard` and the problem+json exception filter.
 */
import { Logger as NestLogger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { DecisionRoute, Logger } from '@permissio/core';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Authorizer, resolveRouteValidation } from '@permissio/core/internal';
import { FRAMEWORK, HOOK_NAMES, PERMISSIO_AUTHORIZER, PERMISSIO_OPTIONS } from './permissio.constants.js';
import { PermissioExceptionFilter } from './permissio-exception.filter.js';
import { PermissioGlobalGuard, PermissioGuard } from './permissio.guard.js';
import { PermissioRouteValidator } from './route-validator.js';
import type {
  PermissioModuleAsyncOptions,
  PermissioModuleOptions,
  PermissioModuleSettings,
  PermissioOptions,
  PermissioOptionsFactory,
  PermissioRequest,
} from './permissio-options.interface.js';

const WHERE = `@permissio/${FRAMEWORK}`;

/** The module settings, accepted next to the adapter options in `forRoot()`. */
const SETTINGS = ['global', 'exceptionFilter'] as const;

/** The options of this adapter besides the shared ones. */
const ADAPTER_OPTIONS = ['routeValidation'] as const;

/**
 * Validates options and builds the decision logic. Misconfigurations are
 * logged through Nest's `Logger` unless the options name a `logger`.
 * @throws TypeError naming the bad (or unknown) option
 */
function createAuthorizer(
  options: PermissioOptions<never>,
  settings: PermissioModuleSettings,
): Authorizer<PermissioRequest> {
  // Resolvers typed for the app's own request type take the underlying HTTP request at runtime.
  const typed = options as PermissioOptions<PermissioRequest>;
  const withLogger =
    typed !== null && typeof typed === 'object' && typed.logger === undefined
      ? { ...typed, logger: nestLogger() }
      : typed;
  const authorizer = new Authorizer(withLogger, FRAMEWORK, HOOK_NAMES, [...SETTINGS, ...ADAPTER_OPTIONS]);
  authorizer.routeOf = nestRoute;
  resolveRouteValidation(typed.routeValidation, FRAMEWORK);
  if (authorizer.options.requireGuard && settings.global === false) {
    // Unguarded routes are found by the global guard: without it, requireGuard would silently check nothing.
    throw new TypeError(
      `${WHERE}: option "requireGuard" needs the global guard, which refuses routes with neither @RequirePermission() nor @Public(); remove "global: false" or "requireGuard: true".`,
    );
  }
  return authorizer;
}

/**
 * The matched route of a request (`GET /documents/:id`), for decision events:
 * Express's `req.route.path` (with the mount path) or Fastify's `routeOptions.url`.
 */
function nestRoute(req: PermissioRequest): DecisionRoute | undefined {
  const r = req as {
    method?: unknown;
    baseUrl?: unknown;
    route?: { path?: unknown };
    routeOptions?: { url?: unknown };
  };
  if (typeof r.method !== 'string') return undefined;
  if (typeof r.route?.path === 'string') {
    return { method: r.method, path: `${typeof r.baseUrl === 'string' ? r.baseUrl : ''}${r.route.path}` };
  }
  if (typeof r.routeOptions?.url === 'string') return { method: r.method, path: r.routeOptions.url };
  return undefined;
}

function nestLogger(): Logger {
  const logger = new NestLogger('Permissio');
  return {
    debug: (message) => logger.debug(message),
    info: (message) => logger.log(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

function assertSettings(settings: PermissioModuleSettings, call: string): void {
  for (const name of SETTINGS) {
    if (settings[name] !== undefined && typeof settings[name] !== 'boolean') {
      throw new TypeError(`${WHERE}: ${call} option "${name}" must be a boolean.`);
    }
  }
}

function sharedProviders(settings: PermissioModuleSettings, authorizer: Provider): Provider[] {
  const providers: Provider[] = [authorizer, PermissioGuard, PermissioRouteValidator];
  if (settings.global !== false) providers.push({ provide: APP_GUARD, useClass: PermissioGlobalGuard });
  if (settings.exceptionFilter !== false) providers.push({ provide: APP_FILTER, useClass: PermissioExceptionFilter });
  return providers;
}

const EXPORTS = [PERMISSIO_OPTIONS, PERMISSIO_AUTHORIZER, PermissioGuard];

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static forRoot/forRootAsync
export class PermissioModule {
  /**
   * Registers Permissio with options known now. Options are validated here.
   * @throws TypeError naming the bad option
   */
  static forRoot<Req = PermissioRequest>(options: PermissioModuleOptions<Req>): DynamicModule {
    const authorizer = createAuthorizer(options as PermissioOptions<never>, options);
    assertSettings(options, 'forRoot()');
    const { global: _global, exceptionFilter: _exceptionFilter, ...rest } = options;
    return {
      module: PermissioModule,
      global: true,
      providers: [
        { provide: PERMISSIO_OPTIONS, useValue: Object.freeze(rest) },
        ...sharedProviders(options, { provide: PERMISSIO_AUTHORIZER, useValue: authorizer }),
      ],
      exports: EXPORTS,
    };
  }

  /**
   * Registers Permissio with options built by a factory or a class (e.g. from
   * a config service). Exactly one of `useFactory`, `useClass`, `useExisting`.
   * The options are validated when the factory resolves, during bootstrap.
   * @throws TypeError naming the bad option
   */
  static forRootAsync<Req = PermissioRequest>(options: PermissioModuleAsyncOptions<Req>): DynamicModule {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`${WHERE}: forRootAsync() options must be an object like { useFactory, inject }.`);
    }
    assertSettings(options, 'forRootAsync()');
    const ways = (['useFactory', 'useClass', 'useExisting'] as const).filter((name) => options[name] !== undefined);
    if (ways.length !== 1) {
      throw new TypeError(
        `${WHERE}: forRootAsync() needs exactly one of "useFactory", "useClass" or "useExisting" (got ${ways.length === 0 ? 'none' : ways.join(', ')}).`,
      );
    }
    if (options.useFactory !== undefined && typeof options.useFactory !== 'function') {
      throw new TypeError(`${WHERE}: forRootAsync() option "useFactory" must be a function.`);
    }
    if (options.useClass !== undefined && typeof options.useClass !== 'function') {
      throw new TypeError(
        `${WHERE}: forRootAsync() option "useClass" must be a class implementing PermissioOptionsFactory.`,
      );
    }
    if (options.inject !== undefined && !Array.isArray(options.inject)) {
      throw new TypeError(`${WHERE}: forRootAsync() option "inject" must be an array of tokens.`);
    }
    return {
      module: PermissioModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        ...asyncOptionsProviders(options),
        // Validates the options as soon as the factory resolves (during bootstrap).
        ...sharedProviders(options, {
          provide: PERMISSIO_AUTHORIZER,
          useFactory: (resolved: PermissioOptions<never>) => createAuthorizer(resolved, options),
          inject: [PERMISSIO_OPTIONS],
        }),
      ],
      exports: EXPORTS,
    };
  }
}

function asyncOptionsProviders<Req>(options: PermissioModuleAsyncOptions<Req>): Provider[] {
  if (options.useFactory !== undefined) {
    return [{ provide: PERMISSIO_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }];
  }
  const factoryToken = options.useClass ?? options.useExisting;
  const providers: Provider[] = [
    {
      provide: PERMISSIO_OPTIONS,
      useFactory: (factory: PermissioOptionsFactory<never>) => {
        if (factory === null || typeof factory !== 'object' || typeof factory.createPermissioOptions !== 'function') {
          throw new TypeError(
            `${WHERE}: forRootAsync() "useClass"/"useExisting" must provide a createPermissioOptions() method.`,
          );
        }
        return factory.createPermissioOptions();
      },
      inject: [factoryToken as NonNullable<typeof factoryToken>],
    },
  ];
  if (options.useClass !== undefined) providers.push({ provide: options.useClass, useClass: options.useClass });
  return providers;
}

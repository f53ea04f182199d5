/**
 * NestJS testing helpers: `PermissioTestingModule.forRoot(...)`, which
 * registers `PermissioModule` on a test client, and `overridePermissio(builder, testing)`,
 * which swaps the client of an app module that already imports `PermissioModule`.
 *
 * ```ts
 * const testing = createTestPermissio({ allow: [['alice', 'read', 'document']] });
 * const moduleRef = await overridePermissio(Test.createTestingModule({ imports: [AppModule] }), testing).compile();
 * ```
 */
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { TestingModuleBuilder } from '@nestjs/testing';
import type { Permissio } from '@permissio/core';
import {
  PERMISSIO_AUTHORIZER,
  PERMISSIO_OPTIONS,
  PermissioModule,
  type PermissioModuleOptions,
  type PermissioOptions,
  type PermissioRequest,
} from '@permissio/nestjs';
import { createTestPermissio, type TestPermissio, type TestPermissioOptions } from './create.js';

/** Injection token of the {@link TestPermissio} registered by {@link PermissioTestingModule}. */
export const PERMISSIO_TESTING = 'PERMISSIO:TESTING';

/**
 * Options of `PermissioTestingModule.forRoot()`: `PermissioModule`'s options
 * without `client`, plus either a `testing` instance or what
 * `createTestPermissio()` takes (`policy`, `allow`).
 */
export type PermissioTestingModuleOptions<Req = PermissioRequest> = Omit<PermissioModuleOptions<Req>, 'client'> &
  Pick<TestPermissioOptions, 'policy' | 'allow'> & {
    /** An existing test client (from `createTestPermissio()`); `policy` and `allow` must be absent then. */
    testing?: TestPermissio;
  };

function clientOf(testing: TestPermissio | Permissio): Permissio {
  return 'recorder' in testing ? testing.client : testing;
}

/** The authorizer `PermissioModule.forRoot(options)` builds: the adapter's own validation and wiring. */
function authorizerFor(options: PermissioOptions, client: Permissio): unknown {
  const module = PermissioModule.forRoot({ ...options, client });
  const provider = module.providers?.find(
    (p: Provider): p is Provider & { useValue: unknown } =>
      typeof p === 'object' && p !== null && 'provide' in p && p.provide === PERMISSIO_AUTHORIZER && 'useValue' in p,
  );
  if (provider === undefined) {
    throw new Error('@permissio/testing: PermissioModule.forRoot() provided no authorizer; update @permissio/testing.');
  }
  return provider.useValue;
}

/**
 * Makes the `PermissioModule` of the module under test ask `testing`'s client
 * instead of the one its options name (registered with `forRoot` or
 * `forRootAsync`); every other option (user, tenant, hooks …) is kept.
 */
export function overridePermissio(
  builder: TestingModuleBuilder,
  testing: TestPermissio | Permissio,
): TestingModuleBuilder {
  const client = clientOf(testing);
  return builder.overrideProvider(PERMISSIO_AUTHORIZER).useFactory({
    factory: (options: PermissioOptions) => authorizerFor(options, client),
    inject: [PERMISSIO_OPTIONS],
  });
}

/** Registers `PermissioModule` on a test client; the `TestPermissio` is injectable as {@link PERMISSIO_TESTING}. */
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with a static forRoot
export class PermissioTestingModule {
  /**
   * `PermissioModule.forRoot({...options, client: testing.client})`, plus the
   * `TestPermissio` provider.
   * @throws TypeError on a bad option (as `PermissioModule.forRoot` does)
   */
  static forRoot<Req = PermissioRequest>(options: PermissioTestingModuleOptions<Req>): DynamicModule {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('@permissio/testing: PermissioTestingModule.forRoot() takes options like { allow, user }.');
    }
    const { testing: given, policy, allow, ...rest } = options;
    if (given !== undefined && (policy !== undefined || allow !== undefined)) {
      throw new TypeError(
        '@permissio/testing: PermissioTestingModule.forRoot(): give "testing" or "policy"/"allow", not both (put them in createTestPermissio()).',
      );
    }
    const testing =
      given ??
      createTestPermissio({ ...(policy === undefined ? {} : { policy }), ...(allow === undefined ? {} : { allow }) });
    const permissio = PermissioModule.forRoot({ ...rest, client: testing.client } as PermissioModuleOptions<Req>);
    return {
      module: PermissioTestingModule,
      global: true,
      imports: [permissio],
      providers: [{ provide: PERMISSIO_TESTING, useValue: testing }],
      exports: [PERMISSIO_TESTING, permissio],
    };
  }
}
Module({})(PermissioTestingModule);

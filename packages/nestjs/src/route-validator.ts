/**
 * Startup validation on NestJS: at `onApplicationBootstrap`, every
 * `@RequirePermission(action, resource)` is checked against the policy of an
 * embedded PDP (`routeValidation`: `'warn'` by default through Nest's
 * `Logger`, `'error'` fails the bootstrap, `'off'`).
 */
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { resolveRouteValidation, validateManifest, type Authorizer } from '@permissio/core/internal';
import { FRAMEWORK, PERMISSIO_AUTHORIZER, PERMISSIO_OPTIONS } from './permissio.constants.js';
import type { PermissioOptions, PermissioRequest } from './permissio-options.interface.js';
import { collectNestRoutes } from './route-manifest.js';

@Injectable()
export class PermissioRouteValidator implements OnApplicationBootstrap {
  protected readonly logger = new Logger('Permissio');

  constructor(
    @Inject(ModulesContainer) protected readonly modules: ModulesContainer,
    @Inject(PERMISSIO_AUTHORIZER) protected readonly authorizer: Authorizer<PermissioRequest>,
    @Inject(PERMISSIO_OPTIONS) protected readonly options: PermissioOptions,
    @Optional() @Inject(ApplicationConfig) protected readonly config?: ApplicationConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const mode = resolveRouteValidation(this.options.routeValidation, FRAMEWORK);
    if (mode === 'off') return;
    const entries = collectNestRoutes(this.modules, this.config?.getGlobalPrefix() ?? '');
    await validateManifest(this.authorizer.options.client, entries, {
      framework: FRAMEWORK,
      mode,
      // The `logger` option (Nest's Logger when none is given, see the module).
      logger: this.authorizer.options.logger ?? { warn: (message: string) => this.logger.warn(message) },
    });
  }
}

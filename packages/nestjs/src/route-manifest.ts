/**
 * `routeManifest(app)` for NestJS: every controller route found through
 * Nest's module container (the same discovery `DiscoveryService` uses), with
 * its method, path and guard (`@RequirePermission` → `{ action, resource }`),
 * `public` (`@Public()`), or `unguarded`.
 */
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import {
  describeGuard,
  formatManifest,
  manifestEntry,
  sortManifest,
  type RouteManifestEntry,
} from '@permissio/core/internal';
import { PERMISSIO_REQUIREMENT } from './permissio.constants.js';
import { PERMISSIO_PUBLIC } from './public.decorator.js';
import type { PermissionRequirement } from './require-permission.decorator.js';

/** What `routeManifest` reads from an application (`INestApplication` / `INestApplicationContext`). */
export interface NestAppLike {
  get<T>(token: abstract new (...args: never[]) => T, options?: { strict?: boolean }): T;
}

function paths(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(paths);
  return typeof value === 'string' ? [value] : [''];
}

function join(...parts: string[]): string {
  const joined = parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/');
  return `/${joined}`;
}

function globalPrefix(app: NestAppLike): string {
  try {
    return app.get(ApplicationConfig, { strict: false }).getGlobalPrefix();
  } catch {
    return '';
  }
}

/** The path pattern of a controller handler, without the global prefix (the first one when there are several). */
export function handlerRoutePath(controller: object, handler: object): string {
  return join(
    paths(Reflect.getMetadata(PATH_METADATA, controller))[0] ?? '',
    paths(Reflect.getMetadata(PATH_METADATA, handler))[0] ?? '',
  );
}

/**
 * Lists the routes of the controllers registered in `modules`, sorted by
 * path then method. `prefix` is the global prefix (`app.setGlobalPrefix`).
 */
export function collectNestRoutes(modules: ModulesContainer, prefix = ''): RouteManifestEntry[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const entries: RouteManifestEntry[] = [];
  const seen = new Set<unknown>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null | undefined;
      if (typeof controller !== 'function' || seen.has(controller)) continue;
      seen.add(controller);
      const prototype = controller.prototype as Record<string, unknown>;
      const base = paths(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
        if (typeof method !== 'number') continue;
        const targets = [handler, controller] as [() => unknown, abstract new (...args: never[]) => unknown];
        const requirement = reflector.getAllAndOverride<PermissionRequirement<unknown> | undefined>(
          PERMISSIO_REQUIREMENT,
          targets,
        );
        const isPublic = reflector.getAllAndOverride<boolean | undefined>(PERMISSIO_PUBLIC, targets) === true;
        const guards = requirement === undefined ? [] : [describeGuard(requirement.action, requirement.resource)];
        for (const controllerPath of base) {
          for (const handlerPath of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
            entries.push(
              manifestEntry(
                RequestMethod[method] ?? String(method),
                join(prefix, controllerPath, handlerPath),
                guards,
                isPublic && guards.length === 0,
              ),
            );
          }
        }
      }
    }
  }
  return sortManifest(entries);
}

/**
 * Every route of a Nest application (after `app.init()` or `NestFactory.create`),
 * with the global prefix. `@RequirePermission` on a method overrides its
 * controller's, and `@Public()` likewise.
 */
/** {@link routeManifest} as a table, one route per line (method, path, guard). */
export function formatRouteManifest(app: NestAppLike): string {
  return formatManifest(routeManifest(app));
}

export function routeManifest(app: NestAppLike): RouteManifestEntry[] {
  if (app === null || typeof app !== 'object' || typeof app.get !== 'function') {
    throw new TypeError('@permissio/nestjs: routeManifest(app) expects a Nest application.');
  }
  return collectNestRoutes(app.get(ModulesContainer, { strict: false }), globalPrefix(app));
}

/**
 * The NestJS driver of the shared scenario matrix (@permissio/adapter-testkit),
 * for platform-express and platform-fastify: each test app is a Nest
 * application built with @nestjs/testing around one controller generated
 * from the matrix's route table, listening on 127.0.0.1:0.
 */
import 'reflect-metadata';
import {
  type CanActivate,
  Controller,
  Delete,
  type ExecutionContext,
  Get,
  HttpCode,
  HttpException,
  Injectable,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { RefusalOutcome } from '@permissio/core/internal';
import type { AdapterDriver, AppHandle, AppSetup, TestRoute } from '@permissio/adapter-testkit';
import { rawRequest } from '@permissio/adapter-testkit';
import {
  getPermissioScope,
  PermissioModule,
  Public,
  RequirePermission,
  routeManifest,
  resourceFromPath,
  type PermissioModuleOptions,
  type PermissioRequest,
} from '../../src/index.js';
import type { Platform } from './nest-app.js';

/** Express `req` or Fastify `request`, as far as the matrix reads them. */
export interface NestHttpRequest extends PermissioRequest {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
}

const METHODS = { GET: Get, POST: Post, DELETE: Delete } as const;

function field(record: unknown, name: string): unknown {
  if (record === null || typeof record !== 'object' || !Object.hasOwn(record, name)) return undefined;
  return (record as Record<string, unknown>)[name];
}

/** The matrix's trailing `/*`: Express 5 (path-to-regexp 8) needs a named wildcard; Fastify takes `*` as is. */
function nestPath(path: string, platform: Platform): string {
  return platform === 'express' && path.endsWith('/*') ? `${path}path` : path;
}

/** A fresh controller class whose handlers are the matrix routes. */
function controllerFor(
  routes: readonly TestRoute<NestHttpRequest>[],
  platform: Platform,
  authenticate?: (req: NestHttpRequest) => void,
): new () => object {
  class MatrixController {}
  const proto = MatrixController.prototype as unknown as Record<string, unknown>;
  routes.forEach((route, index) => {
    const name = `route${index}`;
    proto[name] = function handle(req: NestHttpRequest): unknown {
      return route.handle(req);
    };
    const descriptor = Object.getOwnPropertyDescriptor(proto, name) as PropertyDescriptor;
    Req()(proto, name, 0);
    const decorators: MethodDecorator[] = [METHODS[route.method](nestPath(route.path, platform)), HttpCode(200)];
    if (route.permission !== undefined)
      decorators.push(RequirePermission(route.permission.action, route.permission.resource));
    else if (route.public === true) decorators.push(Public());
    for (const decorate of decorators) decorate(proto, name, descriptor);
  });
  if (authenticate !== undefined) {
    const auth = authenticate;
    // Late auth: the app's own guard at controller level (runs after global guards, before method guards).
    @Injectable()
    class AuthGuard implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        auth(context.switchToHttp().getRequest<NestHttpRequest>());
        return true;
      }
    }
    UseGuards(AuthGuard)(MatrixController);
  }
  Controller()(MatrixController);
  return MatrixController;
}

export function nestDriver(platform: Platform): AdapterDriver<NestHttpRequest> {
  return {
    name: `nestjs (${platform})`,
    registrationOrder: false,
    caseInsensitiveRouting: platform === 'express',
    routePath: (path) => nestPath(path, platform),
    access: {
      param: (req, name) => field(req.params, name),
      header: (req, name) => {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
      query: (req, name) => field(req.query, name),
      scope: (req) => getPermissioScope(req),
    },
    resourceFromPath: (type, options) => resourceFromPath(type, options),
    async createApp(setup: AppSetup<NestHttpRequest>): Promise<AppHandle> {
      const moduleRef = await Test.createTestingModule({
        imports:
          setup.registration === 'missing'
            ? []
            : [PermissioModule.forRoot(setup.options as PermissioModuleOptions<NestHttpRequest>)],
        controllers: [controllerFor(setup.routes, platform, setup.authenticate)],
      }).compile();
      const app = moduleRef.createNestApplication(
        platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
        {
          logger: false,
        },
      );
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      return {
        manifest: () => routeManifest(app),
        request: (request) => rawRequest(url, request),
        close: () => app.close(),
      };
    },
    createAdapter: (options) => PermissioModule.forRoot(options as PermissioModuleOptions),
    requirePermission: (action, resource) => RequirePermission(action as string, resource as never),
    hookOptions() {
      const answer = (hook: string) => (refusal: RefusalOutcome) =>
        new HttpException({ hook, status: refusal.status }, 418);
      return {
        onDenied: answer('onDenied'),
        onUnauthenticated: answer('onUnauthenticated'),
        onError: answer('onError'),
      };
    },
  };
}

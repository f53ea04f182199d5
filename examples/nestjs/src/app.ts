/**
 * The document-management API on NestJS (platform-express), protected by
 * `@permissio/nestjs`: `PermissioModule.forRoot` installs a global guard,
 * `@RequirePermission(action, resource)` protects handlers, and
 * `@PermissioScope()` hands a handler the request's decision cache.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getPermissioScope } from '@permissio/nestjs';
import type { ExampleAppOptions } from '@permissio/example-shared/app';
import { AppModule, type AppModuleOptions } from './app.module.js';

export interface AppOptions extends AppModuleOptions, Pick<ExampleAppOptions, 'demo'> {
  /** Nest's logger levels. @defaultValue false (silent) */
  logger?: false | ('log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal')[];
}

/** Creates (and initialises) the app; call `listen(port, '127.0.0.1')` on it. */
export async function createApp({ demo = false, logger = false, ...options }: AppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), { logger });
  app.disable('x-powered-by');
  if (demo) app.use(exposePdpCalls);
  await app.init();
  return app;
}

interface NodeResponse {
  headersSent: boolean;
  setHeader(name: string, value: string): void;
  writeHead: (...args: never[]) => unknown;
}

/**
 * Demo instrumentation: writes the request scope's PDP call count into a
 * response header just before the headers go out (after the guard's decision
 * and the handler's own checks).
 */
function exposePdpCalls(req: object, res: NodeResponse, next: () => void): void {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadWithPdpCalls(this: NodeResponse, ...args: never[]) {
    if (!res.headersSent) res.setHeader('X-Permissio-Pdp-Calls', String(getPermissioScope(req)?.stats.pdpCalls ?? 0));
    return writeHead.apply(this, args);
  };
  next();
}

/**
 * Issue 11, items 4, 5 and 6 on NestJS (platform-express and -fastify):
 * requireGuard with `@Public()`, the route manifest from Nest's module
 * container (global prefix included), and validation against the policy at
 * `onApplicationBootstrap`.
 */
import { Controller, Delete, Get, Logger, Put, UseGuards } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineClient } from '@permissio/adapter-testkit';
import {
  PermissioGuard,
  PermissioModule,
  Public,
  RequirePermission,
  resourceFromPath,
  formatRouteManifest,
  routeManifest,
  type PermissioModuleOptions,
} from '../src/index.js';
import { createNestApp, PLATFORMS, type NestTestApp } from './support/nest-app.js';
import { userFromHeader } from './support/pdp.js';

const runs: string[] = [];

@Controller('open')
@Public()
class OpenController {
  @Get()
  ping() {
    runs.push('ping');
    return { pong: true };
  }

  @Get('secret')
  @RequirePermission('read', 'document')
  secret() {
    return { secret: true };
  }
}

@Controller('items')
class ItemsController {
  @Delete(':id')
  remove() {
    runs.push('remove');
    return { removed: true };
  }

  @Put(':id')
  @RequirePermission('write', resourceFromPath('document', { key: 'id' }))
  update() {
    return { updated: true };
  }
}

@Controller('typos')
class TyposController {
  @Get()
  @RequirePermission('raed', 'document')
  read() {
    return {};
  }

  @Put()
  @RequirePermission('editor', 'document')
  write() {
    return {};
  }
}

@Controller('guarded-class')
@UseGuards(PermissioGuard)
class GuardedClassController {
  @Get('bare')
  bare() {
    runs.push('bare');
    return {};
  }

  @Get('open')
  @Public()
  open() {
    runs.push('open');
    return {};
  }
}

function options(extra: Partial<PermissioModuleOptions> = {}): PermissioModuleOptions {
  const { client } = engineClient();
  return {
    client,
    user: userFromHeader as never,
    tenant: ((req: { headers: Record<string, unknown> }) => req.headers['x-tenant'] as string) as never,
    ...extra,
  };
}

const apps: NestTestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  runs.length = 0;
  vi.restoreAllMocks();
});

describe.each(PLATFORMS)('NestJS on %s', (platform) => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('requireGuard: unguarded handler refused (500 naming it / 403 in production), @Public() runs, guards still apply', async () => {
    const app = await createNestApp(platform, {
      imports: [PermissioModule.forRoot(options({ requireGuard: true }))],
      controllers: [OpenController, ItemsController],
    });
    apps.push(app);
    const dev = await app.request('DELETE', '/items/1');
    expect(dev.status).toBe(500);
    expect(String(dev.headers['content-type'])).toContain('application/problem+json');
    expect((dev.body as { detail: string }).detail).toContain('DELETE /items/:id (ItemsController.remove)');
    process.env.NODE_ENV = 'production';
    const prod = await app.request('DELETE', '/items/1', { 'x-user': 'alice', 'x-tenant': 'acme' });
    expect(prod.status).toBe(403);
    expect(prod.text).not.toContain('/items');
    expect(runs).toEqual([]);
    expect((await app.request('GET', '/open')).status).toBe(200);
    expect(runs).toEqual(['ping']);
    // A method's @RequirePermission wins over its controller's @Public().
    expect((await app.request('GET', '/open/secret')).status).toBe(401);
    expect((await app.request('PUT', '/items/doc-1', { 'x-user': 'alice', 'x-tenant': 'acme' })).status).toBe(200);
  });

  it('routeManifest lists every handler with the global prefix', async () => {
    const app = await createNestApp(platform, {
      imports: [PermissioModule.forRoot(options({ routeValidation: 'off' }))],
      controllers: [OpenController, ItemsController],
    });
    apps.push(app);
    const manifest = routeManifest(app.app);
    expect(manifest.map((e) => [e.method, e.path, e.access, e.guards.map((g) => `${g.action} ${g.resource}`)])).toEqual(
      [
        ['DELETE', '/items/:id', 'unguarded', []],
        ['PUT', '/items/:id', 'guarded', ['write document']],
        ['GET', '/open', 'public', []],
        ['GET', '/open/secret', 'guarded', ['read document']],
      ],
    );
    const table = formatRouteManifest(app.app).split('\n');
    expect(table.find((line) => line.includes('/items/:id') && line.includes('PUT'))).toMatch(/write/);
    expect(table.find((line) => line.includes('DELETE'))).toMatch(/unguarded/i);
  });

  it('routeValidation: a warning per mismatch by default, bootstrap fails with "error"', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
    const app = await createNestApp(platform, {
      imports: [PermissioModule.forRoot(options())],
      controllers: [TyposController],
    });
    apps.push(app);
    const lines = warn.mock.calls.map((call) => String(call[0]));
    expect(lines.find((l) => l.includes('GET /typos'))).toContain('did you mean "read"');
    expect(lines.find((l) => l.includes('PUT /typos'))).toContain('no action "editor"');

    await expect(
      createNestApp(platform, {
        imports: [PermissioModule.forRoot(options({ routeValidation: 'error' }))],
        controllers: [TyposController],
      }),
    ).rejects.toMatchObject({ code: 'ROUTE_POLICY_MISMATCH' });
  });
});

it('routeValidation warnings go through the logger option when given', async () => {
  const nestWarn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
  const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const app = await createNestApp('express', {
    imports: [PermissioModule.forRoot(options({ logger }))],
    controllers: [TyposController],
  });
  apps.push(app);
  const lines = logger.warn.mock.calls.map((call) => String(call[0]));
  expect(lines.find((l) => l.includes('GET /typos'))).toContain('did you mean "read"');
  expect(nestWarn.mock.calls.some((call) => String(call[0]).includes('/typos'))).toBe(false);
});

it('requireGuard with global: false is refused (the global guard finds unguarded routes)', async () => {
  expect(() => PermissioModule.forRoot(options({ requireGuard: true, global: false }))).toThrow(
    /"requireGuard" needs the global guard/,
  );
  await expect(
    createNestApp('express', {
      imports: [PermissioModule.forRootAsync({ global: false, useFactory: () => options({ requireGuard: true }) })],
      controllers: [ItemsController],
    }),
  ).rejects.toThrow(/"requireGuard" needs the global guard/);
});

it('requireGuard with a controller-level @UseGuards(PermissioGuard): the unguarded handler is still refused', async () => {
  const app = await createNestApp('express', {
    imports: [PermissioModule.forRoot(options({ requireGuard: true }))],
    controllers: [GuardedClassController],
  });
  apps.push(app);
  expect((await app.request('GET', '/guarded-class/bare', { 'x-user': 'alice', 'x-tenant': 'acme' })).status).toBe(500);
  expect(runs).toEqual([]);
  expect((await app.request('GET', '/guarded-class/open')).status).toBe(200);
  expect(runs).toEqual(['open']);
});

it('a misspelt routeValidation is rejected by forRoot', () => {
  expect(() => PermissioModule.forRoot(options({ routeValidation: 'strict' as never }))).toThrow(/"routeValidation"/);
});

it('routeManifest includes the global prefix', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [PermissioModule.forRoot(options({ routeValidation: 'off' }))],
    controllers: [ItemsController],
  }).compile();
  const app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
  app.setGlobalPrefix('api/v1');
  await app.init();
  try {
    expect(routeManifest(app).map((e) => `${e.method} ${e.path}`)).toEqual([
      'DELETE /api/v1/items/:id',
      'PUT /api/v1/items/:id',
    ]);
  } finally {
    await app.close();
  }
});

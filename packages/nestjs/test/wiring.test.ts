/**
 * Issue 11 items 1 and 2: a `@RequirePermission` handler never runs without
 * a decision, whatever the wiring, and the decision runs after the app's own
 * guards (global, controller, method), with the user resolved then.
 */
import {
  type CanActivate,
  Controller,
  Delete,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  UseGuards,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NOT_REGISTERED } from '@permissio/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { PermissioModule, PermissioScope, RequirePermission, type PermissioRequestScope } from '../src/index.js';
import { createNestApp, type NestTestApp, PLATFORMS } from './support/nest-app.js';
import { aliceReadsDocuments, programmablePdp } from './support/pdp.js';

let handlerRuns = 0;

type AuthRequest = { headers: Record<string, string | string[] | undefined>; auth?: string };

/** The app's own authentication: copies the x-user header to `request.auth`. */
@Injectable()
class AuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const user = request.headers['x-user'];
    if (typeof user === 'string') request.auth = user;
    return true;
  }
}

const userFromAuth = (request: AuthRequest) => request.auth;

@Controller('documents')
class DocumentsController {
  @Delete(':id')
  @RequirePermission('read', 'document')
  remove() {
    handlerRuns++;
    return { deleted: true };
  }
}

@Controller('controller-auth')
@UseGuards(AuthGuard)
class ControllerAuthController {
  @Get()
  @RequirePermission('read', 'document')
  get(@PermissioScope() scope: PermissioRequestScope) {
    handlerRuns++;
    return { user: scope.user };
  }
}

@Controller('method-auth')
class MethodAuthController {
  @Get()
  @RequirePermission('read', 'document')
  @UseGuards(AuthGuard)
  get() {
    handlerRuns++;
    return { ok: true };
  }
}

@Controller('class-permission')
@RequirePermission('read', 'document')
@UseGuards(AuthGuard)
class ClassPermissionController {
  @Get()
  get() {
    handlerRuns++;
    return { ok: true };
  }
}

describe.each(PLATFORMS)('NestJS wiring on %s', (platform) => {
  let t: NestTestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    handlerRuns = 0;
  });

  it('without PermissioModule, bootstrap fails saying what to import', async () => {
    let caught: unknown;
    try {
      t = await createNestApp(platform, { controllers: [DocumentsController] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: NOT_REGISTERED });
    expect((caught as Error).message).toContain('PermissioModule.forRoot');
    expect(handlerRuns).toBe(0);
  });

  it('without PermissioModule in a feature module, bootstrap fails too', async () => {
    @Module({ controllers: [DocumentsController] })
    class FeatureModule {}
    await expect(createNestApp(platform, { imports: [FeatureModule] })).rejects.toMatchObject({ code: NOT_REGISTERED });
  });

  it('global: false and no @UseGuards: the decorator brings the guard', async () => {
    const pdp = programmablePdp(aliceReadsDocuments);
    t = await createNestApp(platform, {
      imports: [PermissioModule.forRoot({ client: pdp.client, user: userFromAuth, global: false })],
      controllers: [DocumentsController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    });
    expect((await t.request('DELETE', '/documents/d1')).status).toBe(401);
    expect((await t.request('DELETE', '/documents/d1', { 'x-user': 'bob' })).status).toBe(403);
    expect(handlerRuns).toBe(0);
    expect((await t.request('DELETE', '/documents/d1', { 'x-user': 'alice' })).status).toBe(200);
  });

  for (const global of [true, false]) {
    it(`late auth (global: ${global}): controller-level, method-level and class-level AuthGuard count`, async () => {
      const pdp = programmablePdp(aliceReadsDocuments);
      t = await createNestApp(platform, {
        imports: [PermissioModule.forRoot({ client: pdp.client, user: userFromAuth, global })],
        controllers: [ControllerAuthController, MethodAuthController, ClassPermissionController],
      });
      const alice = await t.request('GET', '/controller-auth', { 'x-user': 'alice' });
      expect(alice.status).toBe(200);
      expect(alice.body).toEqual({ user: 'alice' });
      expect((await t.request('GET', '/method-auth', { 'x-user': 'alice' })).status).toBe(200);
      expect((await t.request('GET', '/class-permission', { 'x-user': 'alice' })).status).toBe(200);
      expect((await t.request('GET', '/controller-auth', { 'x-user': 'bob' })).status).toBe(403);
      expect((await t.request('GET', '/method-auth')).status).toBe(401);
      expect(handlerRuns).toBe(3);
    });
  }

  it('late auth: an app-level APP_GUARD registered after the module counts', async () => {
    const pdp = programmablePdp(aliceReadsDocuments);
    t = await createNestApp(platform, {
      imports: [PermissioModule.forRoot({ client: pdp.client, user: userFromAuth })],
      controllers: [DocumentsController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    });
    expect((await t.request('DELETE', '/documents/d1', { 'x-user': 'alice' })).status).toBe(200);
    expect((await t.request('DELETE', '/documents/d1', { 'x-user': 'bob' })).status).toBe(403);
  });
});

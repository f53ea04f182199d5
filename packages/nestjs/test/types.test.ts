/**
 * Type tests (checked by `tsc -p tsconfig.json`; `expectTypeOf` is a no-op at
 * run time) and the guard's exact `true`.
 */
import type { ExecutionContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { CheckResource, RequestScope } from '@permissio/core';
import type { RefusalOutcome } from '@permissio/core/internal';
import type { FastifyRequest } from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  getPermissioScope,
  PermissioGuard,
  PermissioModule,
  PermissioScope,
  RequirePermission,
  resourceFromPath,
  type PermissioModuleAsyncOptions,
  type PermissioModuleOptions,
  type PermissioRefusalHook,
  type PermissioRequest,
  type PermissioRequestScope,
} from '../src/index.js';
import { programmablePdp } from './support/pdp.js';

describe('types', () => {
  it('@PermissioScope() decorates a parameter typed as the core RequestScope', () => {
    expectTypeOf(PermissioScope).toEqualTypeOf<() => ParameterDecorator>();
    expectTypeOf<PermissioRequestScope>().toEqualTypeOf<RequestScope>();
    expectTypeOf(getPermissioScope).returns.toEqualTypeOf<RequestScope | undefined>();
    expectTypeOf<PermissioRequest['permissio']>().toEqualTypeOf<RequestScope | undefined>();
  });

  it('Express requests carry an optional req.permissio (global Express namespace augmentation)', () => {
    expectTypeOf<Express.Request['permissio']>().toEqualTypeOf<RequestScope | undefined>();
  });

  it('options infer the request type from the resolvers', () => {
    const { client } = programmablePdp(() => true);
    interface AuthedRequest extends PermissioRequest {
      user?: { id: string; tenant: string };
    }
    const module = PermissioModule.forRoot({
      client,
      user: (req: AuthedRequest) => req.user?.id,
      tenant: (req) => {
        expectTypeOf(req).toEqualTypeOf<AuthedRequest>();
        return req.user?.tenant;
      },
      onDenied: (refusal, req, context) => {
        expectTypeOf(refusal).toEqualTypeOf<RefusalOutcome>();
        expectTypeOf(req).toEqualTypeOf<AuthedRequest>();
        expectTypeOf(context).toEqualTypeOf<ExecutionContext>();
      },
      failureStatus: 403,
    });
    expect(module.module).toBe(PermissioModule);
    expectTypeOf<PermissioModuleOptions['failureStatus']>().toEqualTypeOf<403 | 503 | undefined>();
    expectTypeOf<PermissioModuleOptions['global']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<PermissioRefusalHook>().returns.toEqualTypeOf<
      // biome-ignore lint/suspicious/noConfusingVoidType: the hook type under test includes void
      Error | undefined | void | Promise<Error | undefined | void>
    >();
    // @ts-expect-error failureStatus never allows: only 403 or 503
    const bad: PermissioModuleOptions = { client, user: () => 'x', failureStatus: 200 };
    expect(bad).toBeDefined();
    expectTypeOf<PermissioModuleAsyncOptions['useFactory']>().toBeFunction;
  });

  it('resolvers receive the underlying request of either platform', () => {
    RequirePermission('read', (req: FastifyRequest<{ Params: { id: string } }>) => ({
      type: 'document',
      key: req.params.id,
    }));
    RequirePermission('read', (req: Express.Request & { params: { id: string } }) => ({
      type: 'document',
      key: req.params.id,
    }));
    RequirePermission('read', async () => 'document');
    RequirePermission('read', { type: 'document', key: 'doc-1' });
    expectTypeOf(resourceFromPath('document')).returns.toEqualTypeOf<CheckResource>();
    expectTypeOf(RequirePermission).returns.toEqualTypeOf<MethodDecorator & ClassDecorator>();
    // @ts-expect-error a resolver returns a resource, not a number
    expect(() => RequirePermission('read', () => 42)).not.toThrow();
  });
});

describe('PermissioGuard', () => {
  it('returns exactly true to allow, and on routes without @RequirePermission', async () => {
    const { client } = programmablePdp(() => true);
    class Handlers {
      @RequirePermission('read', 'document')
      protectedRoute() {}
      openRoute() {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [PermissioModule.forRoot({ client, user: () => 'alice' })],
    }).compile();
    const guard = moduleRef.get(PermissioGuard);
    for (const handler of [Handlers.prototype.protectedRoute, Handlers.prototype.openRoute]) {
      const request: Record<string, unknown> = { url: '/x', headers: {} };
      const context = {
        getType: () => 'http',
        getHandler: () => handler,
        getClass: () => Handlers,
        switchToHttp: () => ({ getRequest: () => request }),
      } as unknown as ExecutionContext;
      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(getPermissioScope(request)).toBe(request.permissio);
      expect(getPermissioScope(request)?.user).toBe('alice');
    }
    await moduleRef.close();
  });
});

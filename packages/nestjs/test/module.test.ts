/**
 * NestJS-specific behaviour, on platform-express and platform-fastify:
 * module registration (forRoot / forRootAsync), metadata precedence, the
 * guard's exact `true`, hooks, subclassing, the exception filter.
 */
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  NotFoundException,
  UseGuards,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { CheckRequest } from '@permissio/core';
import type { RefusalOutcome } from '@permissio/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PermissioForbiddenException,
  PermissioGuard,
  PermissioModule,
  PermissioScope,
  RequirePermission,
  resourceFromPath,
  type PermissioOptions,
  type PermissioOptionsFactory,
  type PermissioRequestScope,
} from '../src/index.js';
import { createNestApp, PLATFORMS, type NestTestApp } from './support/nest-app.js';
import { aliceReadsDocuments, programmablePdp, userFromHeader, type ProgrammablePdp } from './support/pdp.js';

let handlerRuns = 0;

@Controller('documents')
@RequirePermission('read', 'document')
class DocumentsController {
  @Get()
  list() {
    handlerRuns++;
    return { documents: [] };
  }

  @Get('edit')
  @RequirePermission('write', 'document')
  edit() {
    handlerRuns++;
    return { edited: true };
  }

  @Get('scope')
  scope(@PermissioScope() scope: PermissioRequestScope) {
    return { user: scope.user ?? null };
  }
}

@Controller('open')
class OpenController {
  @Get()
  open(@PermissioScope() scope: PermissioRequestScope) {
    handlerRuns++;
    return { user: scope.user ?? null, stats: scope.stats };
  }
}

@Controller('paths')
class PathsController {
  @Get('projects/:project/documents/:id')
  @RequirePermission('read', resourceFromPath('document', { key: 'id' }))
  get() {
    return { ok: true };
  }
}

function problemOf(text: string): unknown {
  return JSON.parse(text);
}

describe.each(PLATFORMS)('PermissioModule on %s', (platform) => {
  let t: NestTestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    handlerRuns = 0;
  });

  async function boot(
    imports: unknown[],
    controllers: unknown[] = [DocumentsController, OpenController],
    providers: unknown[] = [],
  ) {
    t = await createNestApp(platform, {
      imports: imports as never[],
      controllers: controllers as never[],
      providers: providers as never[],
    });
    return t;
  }

  it('a method decorator overrides its class decorator', async () => {
    const pdp = programmablePdp(aliceReadsDocuments);
    const app = await boot([PermissioModule.forRoot({ client: pdp.client, user: userFromHeader })]);
    expect((await app.request('GET', '/documents', { 'x-user': 'alice' })).status).toBe(200);
    const edit = await app.request('GET', '/documents/edit', { 'x-user': 'alice' });
    expect(edit.status).toBe(403);
    expect(pdp.calls.map((c) => c.action)).toEqual(['read', 'write']);
    expect(handlerRuns).toBe(1);
  });

  it('allows only on an explicit true: a truthy non-boolean answer never allows', async () => {
    for (const answer of [1, 'true', {}, [true]]) {
      const pdp = programmablePdp(() => answer);
      const app = await boot([PermissioModule.forRoot({ client: pdp.client, user: userFromHeader })]);
      const res = await app.request('GET', '/documents', { 'x-user': 'alice' });
      expect(res.status, `answer ${JSON.stringify(answer)}`).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(handlerRuns).toBe(0);
      await app.close();
      t = undefined;
    }
  });

  it('answers every refusal as application/problem+json with {type,title,status,detail}', async () => {
    const pdp = programmablePdp((request: CheckRequest) => {
      if (request.user === 'crash') throw new Error('PDP down: secret internals');
      return aliceReadsDocuments(request);
    });
    const app = await boot(
      [PermissioModule.forRoot({ client: pdp.client, user: userFromHeader })],
      [DocumentsController, PathsController],
    );
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['/documents', {}, 401, 'Unauthorized'],
      ['/documents', { 'x-user': 'bob' }, 403, 'Forbidden'],
      ['/documents', { 'x-user': 'crash' }, 503, 'Service Unavailable'],
      ['/paths/projects/1/documents/%252F', { 'x-user': 'alice' }, 400, 'Bad Request'],
    ];
    for (const [path, headers, status, title] of cases) {
      const res = await app.request('GET', path, headers);
      expect(res.status, path).toBe(status);
      expect(res.headers['content-type'], path).toMatch(/^application\/problem\+json/);
      const body = problemOf(res.text) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['detail', 'status', 'title', 'type']);
      expect(body).toMatchObject({ type: 'about:blank', title, status });
      expect(res.text).not.toContain('secret internals');
    }
    expect(handlerRuns).toBe(0);
  });

  it('resourceFromPath checks the canonical request path with the route parameter as key', async () => {
    const pdp = programmablePdp(() => true);
    const app = await boot([PermissioModule.forRoot({ client: pdp.client, user: userFromHeader })], [PathsController]);
    const res = await app.request('GET', '/paths/projects/p%201/documents/doc-7?x=1', { 'x-user': 'alice' });
    expect(res.status).toBe(200);
    expect(pdp.calls[0]?.resource).toEqual({
      type: 'document',
      uri: '/paths/projects/p 1/documents/doc-7',
      key: 'doc-7',
    });
  });

  it('without the exception filter, Nest renders the same problem body as JSON', async () => {
    const pdp = programmablePdp(aliceReadsDocuments);
    const app = await boot([
      PermissioModule.forRoot({ client: pdp.client, user: userFromHeader, exceptionFilter: false }),
    ]);
    const res = await app.request('GET', '/documents', { 'x-user': 'bob' });
    expect(res.status).toBe(403);
    expect(problemOf(res.text)).toMatchObject({ type: 'about:blank', title: 'Forbidden', status: 403 });
  });

  it('creates the scope on unprotected routes, and handler checks reuse the cache', async () => {
    const pdp = programmablePdp(aliceReadsDocuments);
    @Controller('reuse')
    class ReuseController {
      @Get()
      @RequirePermission('read', 'document')
      async get(@PermissioScope() scope: PermissioRequestScope) {
        const again = await scope.check('read', 'document');
        return { again, stats: scope.stats };
      }
    }
    const app = await boot(
      [PermissioModule.forRoot({ client: pdp.client, user: userFromHeader })],
      [OpenController, ReuseController],
    );
    const open = await app.request('GET', '/open', { 'x-user': 'bob' });
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({ user: 'bob', stats: { pdpCalls: 0 } });
    const reuse = await app.request('GET', '/reuse', { 'x-user': 'alice' });
    expect(reuse.body).toMatchObject({ again: true, stats: { pdpCalls: 1, hits: 1 } });
    expect(pdp.calls).toHaveLength(1);
  });

  it('hooks choose the exception; returning nothing keeps the default', async () => {
    const pdp = programmablePdp((request: CheckRequest) => {
      if (request.user === 'crash') throw new Error('down');
      return aliceReadsDocuments(request);
    });
    const seen: RefusalOutcome['kind'][] = [];
    const app = await boot([
      PermissioModule.forRoot({
        client: pdp.client,
        user: userFromHeader,
        onDenied: (refusal) => {
          seen.push(refusal.kind);
          return new NotFoundException();
        },
        onUnauthenticated: (refusal) => {
          seen.push(refusal.kind);
        },
        onError: async (refusal, request, context) => {
          seen.push(refusal.kind);
          expect(userFromHeader(request as never)).toBe('crash');
          expect(context.getClass()).toBe(DocumentsController);
          throw new PermissioForbiddenException(refusal);
        },
      }),
    ]);
    expect((await app.request('GET', '/documents', { 'x-user': 'bob' })).status).toBe(404);
    const anonymous = await app.request('GET', '/documents');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await app.request('GET', '/documents', { 'x-user': 'crash' })).status).toBe(403);
    expect(seen).toEqual(['denied', 'unauthenticated', 'error']);
    expect(handlerRuns).toBe(0);
  });

  it('global: false still guards every @RequirePermission handler, with or without @UseGuards(PermissioGuard)', async () => {
    const pdp = programmablePdp(aliceReadsDocuments);
    @Controller('guarded')
    @UseGuards(PermissioGuard)
    class GuardedController {
      @Get()
      @RequirePermission('read', 'document')
      get() {
        return { ok: true };
      }
    }
    @Controller('unguarded')
    class UnguardedController {
      @Get()
      @RequirePermission('read', 'document')
      get() {
        return { ok: true };
      }
    }
    const app = await boot(
      [PermissioModule.forRoot({ client: pdp.client, user: userFromHeader, global: false })],
      [GuardedController, UnguardedController],
    );
    expect((await app.request('GET', '/guarded', { 'x-user': 'bob' })).status).toBe(403);
    expect((await app.request('GET', '/guarded', { 'x-user': 'alice' })).status).toBe(200);
    expect((await app.request('GET', '/unguarded', { 'x-user': 'bob' })).status).toBe(403);
    expect((await app.request('GET', '/unguarded')).status).toBe(401);
    expect((await app.request('GET', '/unguarded', { 'x-user': 'alice' })).status).toBe(200);
  });

  it('a subclassed guard can override its protected hooks', async () => {
    const pdp = programmablePdp(aliceReadsDocuments);
    @Injectable()
    class HidingGuard extends PermissioGuard {
      protected override async onRefusal(
        refusal: RefusalOutcome,
        request: never,
        context: ExecutionContext,
      ): Promise<Error> {
        if (refusal.kind === 'denied') return new NotFoundException({ hidden: true });
        return super.onRefusal(refusal, request, context);
      }
      protected override getMetadata(context: ExecutionContext) {
        // Everything under /open requires "read document" too.
        return super.getMetadata(context) ?? { action: 'read', resource: 'document' };
      }
    }
    const app = await boot(
      [PermissioModule.forRoot({ client: pdp.client, user: userFromHeader, global: false })],
      [DocumentsController, OpenController],
      [{ provide: APP_GUARD, useClass: HidingGuard }],
    );
    const hidden = await app.request('GET', '/open', { 'x-user': 'bob' });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ hidden: true });
    expect((await app.request('GET', '/open', { 'x-user': 'alice' })).status).toBe(200);
    expect((await app.request('GET', '/documents')).status).toBe(401);
  });
});

// ---------------------------------------------------------------- forRootAsync

const PDP_TOKEN = 'TEST:PDP';

@Injectable()
class PermissioConfig implements PermissioOptionsFactory {
  constructor(@Inject(PDP_TOKEN) private readonly pdp: ProgrammablePdp) {}
  createPermissioOptions(): PermissioOptions {
    return { client: this.pdp.client, user: userFromHeader as never };
  }
}

function configModule(pdp: ProgrammablePdp) {
  @Module({
    providers: [{ provide: PDP_TOKEN, useValue: pdp }, PermissioConfig],
    exports: [PDP_TOKEN, PermissioConfig],
  })
  class ConfigModule {}
  return ConfigModule;
}

describe.each(PLATFORMS)('PermissioModule.forRootAsync on %s', (platform) => {
  let t: NestTestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const variants = {
    'useFactory + inject': (pdp: ProgrammablePdp) =>
      PermissioModule.forRootAsync({
        imports: [configModule(pdp)],
        inject: [PDP_TOKEN],
        useFactory: async (injected: ProgrammablePdp) => ({ client: injected.client, user: userFromHeader }),
      }),
    useClass: (pdp: ProgrammablePdp) =>
      PermissioModule.forRootAsync({ imports: [configModule(pdp)], useClass: PermissioConfig }),
    useExisting: (pdp: ProgrammablePdp) =>
      PermissioModule.forRootAsync({ imports: [configModule(pdp)], useExisting: PermissioConfig }),
  };

  for (const [name, register] of Object.entries(variants)) {
    it(`${name}: the global guard enforces the resolved options`, async () => {
      const pdp = programmablePdp(aliceReadsDocuments);
      t = await createNestApp(platform, { imports: [register(pdp)], controllers: [DocumentsController] });
      expect((await t.request('GET', '/documents', { 'x-user': 'alice' })).status).toBe(200);
      expect((await t.request('GET', '/documents', { 'x-user': 'bob' })).status).toBe(403);
      expect((await t.request('GET', '/documents')).status).toBe(401);
      expect(pdp.calls).toHaveLength(2);
    });
  }

  it('validates the resolved options while bootstrapping, naming the option', async () => {
    const pdp = programmablePdp(() => true);
    await expect(
      createNestApp(platform, {
        imports: [PermissioModule.forRootAsync({ useFactory: () => ({ client: pdp.client, user: 'alice' as never }) })],
        controllers: [DocumentsController],
      }),
    ).rejects.toThrow(/option "user"/);
  });
});

describe('eager validation', () => {
  const { client } = programmablePdp(() => true);

  it('forRoot throws a TypeError naming the option', () => {
    expect(() => PermissioModule.forRoot({ client: {} as never, user: userFromHeader })).toThrow(/option "client"/);
    expect(() => PermissioModule.forRoot({ client, user: undefined as never })).toThrow(/option "user"/);
    expect(() => PermissioModule.forRoot({ client, user: userFromHeader, failureStatus: 500 as never })).toThrow(
      /option "failureStatus"/,
    );
    expect(() => PermissioModule.forRoot({ client, user: userFromHeader, onDenied: 'nope' as never })).toThrow(
      /option "onDenied"/,
    );
    expect(() => PermissioModule.forRoot({ client, user: userFromHeader, global: 'yes' as never })).toThrow(
      /option "global"/,
    );
    expect(() => PermissioModule.forRoot({ client, user: userFromHeader, exceptionFilter: 1 as never })).toThrow(
      TypeError,
    );
    expect(() => PermissioModule.forRoot(undefined as never)).toThrow(TypeError);
  });

  it('forRootAsync needs exactly one of useFactory, useClass, useExisting', () => {
    expect(() => PermissioModule.forRootAsync({})).toThrow(/exactly one/);
    expect(() => PermissioModule.forRootAsync({ useClass: PermissioConfig, useExisting: PermissioConfig })).toThrow(
      /exactly one/,
    );
    expect(() => PermissioModule.forRootAsync({ useFactory: 'x' as never })).toThrow(/"useFactory"/);
  });

  it('@RequirePermission validates its arguments when evaluated', () => {
    expect(() => RequirePermission('', 'document')).toThrow(/"action"/);
    expect(() => RequirePermission('read', '')).toThrow(/"resource"/);
    expect(() => RequirePermission('read', 42 as never)).toThrow(/"resource"/);
    expect(() => RequirePermission('read', { key: 'x' } as never)).toThrow(/"resource"/);
    expect(() => resourceFromPath('')).toThrow(/"type"/);
    expect(() => resourceFromPath('document', { key: '' })).toThrow(/"key"/);
  });
});

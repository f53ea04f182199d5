// The README's NestJS examples, run as written: PermissioTestingModule, overridePermissio on an app module that
// imports PermissioModule with a production client (forRoot and forRootAsync), and the fault switches → 503.
import 'reflect-metadata';
import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Permissio } from '@permissio/core';
import { PermissioModule, RequirePermission } from '@permissio/nestjs';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPermissio, FAULTS, type TestPermissio } from '@permissio/testing';
import { overridePermissio, PERMISSIO_TESTING, PermissioTestingModule } from '@permissio/testing/nestjs';
import '@permissio/testing/vitest';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
}
const userFromHeader = (req: HttpRequest) => req.headers['x-user'] as string | undefined;

@Controller('documents')
class DocumentsController {
  @Get(':id')
  @RequirePermission('read', (req: HttpRequest) => ({ type: 'document', key: req.params.id }))
  get(@Param('id') id: string) {
    return { id };
  }
}

/** A production client: a remote PDP on a port nothing listens on. Asking it fails (503), so a 200 proves the override. */
const production = () =>
  new Permissio({ token: 'permis_key_production_0123456789', apiUrl: 'http://127.0.0.1:9', retryAttempts: 0 });

@Module({
  imports: [PermissioModule.forRoot({ client: production(), user: userFromHeader })],
  controllers: [DocumentsController],
})
class AppModule {}

@Module({
  imports: [PermissioModule.forRootAsync({ useFactory: () => ({ client: production(), user: userFromHeader }) })],
  controllers: [DocumentsController],
})
class AsyncAppModule {}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(builder: ReturnType<typeof Test.createTestingModule>): Promise<INestApplication> {
  const moduleRef = await builder.compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('NestJS: PermissioTestingModule', () => {
  it('README: registers PermissioModule on a test client, injectable as PERMISSIO_TESTING', async () => {
    const nest = await start(
      Test.createTestingModule({
        imports: [
          PermissioTestingModule.forRoot({
            allow: [{ user: 'alice', action: 'read', resource: 'document:doc-1' }],
            user: userFromHeader,
          }),
        ],
        controllers: [DocumentsController],
      }),
    );
    const testing = nest.get<TestPermissio>(PERMISSIO_TESTING);

    await request(nest.getHttpServer()).get('/documents/doc-1').set('x-user', 'alice').expect(200, { id: 'doc-1' });
    await request(nest.getHttpServer()).get('/documents/doc-1').set('x-user', 'bob').expect(403);
    expect(testing.recorder).toHaveDenied({ user: 'bob', action: 'read', route: 'GET /documents/:id' });
  });

  it('refuses testing together with policy/allow', () => {
    const given = createTestPermissio();
    expect(() => PermissioTestingModule.forRoot({ testing: given, allow: [], user: userFromHeader })).toThrow(
      /give "testing" or "policy"\/"allow", not both/,
    );
  });
});

describe('NestJS: overridePermissio on the app module', () => {
  it('without the override the production client is asked (and fails: 503)', async () => {
    const nest = await start(Test.createTestingModule({ imports: [AppModule] }));
    await request(nest.getHttpServer()).get('/documents/doc-1').set('x-user', 'alice').expect(503);
  });

  it.each([
    ['forRoot', AppModule],
    ['forRootAsync', AsyncAppModule],
  ])('README: swaps the client of PermissioModule.%s, keeping the other options', async (_name, module) => {
    const testing = createTestPermissio({ allow: [['alice', 'read', 'document:doc-1']] });
    const nest = await start(overridePermissio(Test.createTestingModule({ imports: [module] }), testing));

    await request(nest.getHttpServer()).get('/documents/doc-1').set('x-user', 'alice').expect(200);
    await request(nest.getHttpServer()).get('/documents/doc-2').set('x-user', 'alice').expect(403);
    await request(nest.getHttpServer()).get('/documents/doc-1').expect(401); // the app's user resolver still runs
    expect(testing.recorder).toHaveAllowed({ user: 'alice', resource: 'document:doc-1' });
  });

  it.each(FAULTS)('README: fault %s → 503, the handler never runs; heal() → 200', async (fault) => {
    const testing = createTestPermissio({ allow: [['alice', 'read', 'document']] });
    const nest = await start(overridePermissio(Test.createTestingModule({ imports: [AppModule] }), testing));

    testing.fault(fault);
    const res = await request(nest.getHttpServer()).get('/documents/doc-1').set('x-user', 'alice').expect(503);
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(res.body.id).toBeUndefined();
    expect(testing.recorder).not.toHaveChecked();

    testing.heal();
    await request(nest.getHttpServer()).get('/documents/doc-1').set('x-user', 'alice').expect(200);
  });
});

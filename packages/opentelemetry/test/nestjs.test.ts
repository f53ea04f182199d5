/**
 * OpenTelemetry through NestJS on platform-express (issue 15): after a known
 * sequence (allowed, denied, cached, a plan) the spans, their parent (the
 * request span an Express middleware of the test's own makes active, as
 * HTTP instrumentation would) and the metric values. The client carries the
 * instrumentation. Decorators need SWC (see vitest.config.ts).
 */
import 'reflect-metadata';
import { Controller, Get, type INestApplication, Param } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { PermissioModule, type PermissioRequestScope, PermissioScope, RequirePermission } from '@permissio/nestjs';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { expectKnownSequence } from './support/known-sequence.js';
import { policy, type Telemetry, telemetry, useContextManager, withSpan } from './support/otel.js';

useContextManager();

@Controller('documents')
class DocumentsController {
  @Get(':id')
  @RequirePermission('read', (req: { params: { id: string } }) => ({ type: 'document', key: req.params.id }))
  async read(@Param('id') id: string, @PermissioScope() scope: PermissioRequestScope) {
    // The guard asked the same question: answered by the request scope's cache.
    return { again: await scope.check('read', { type: 'document', key: id }) };
  }

  @Get()
  @RequirePermission('read', 'document')
  async list(@PermissioScope() scope: PermissioRequestScope) {
    return { plan: (await scope.plan('read', 'document')).kind };
  }
}

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function nestApp(t: Telemetry): Promise<INestApplication> {
  const client = new Permissio({ pdp: createEngine(policy()), instrumentation: t.instrumentation });
  const moduleRef = await Test.createTestingModule({
    imports: [
      PermissioModule.forRoot({
        client,
        user: ((req: Request) => req.headers['x-user'] as string) as never,
        tenant: () => 'acme',
      }),
    ],
    controllers: [DocumentsController],
  }).compile();
  const app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const span = t.requestSpan(`HTTP ${req.method} ${req.path}`);
    res.on('finish', () => span.end());
    withSpan(span, next);
  });
  await app.init();
  apps.push(app);
  return app;
}

describe('nestjs (express platform): permissioTelemetry', () => {
  it('makes check and plan spans children of the request span, and counts them', async () => {
    const t = telemetry();
    const app = await nestApp(t);
    const server = app.getHttpServer();
    expect((await request(server).get('/documents/1').set('x-user', 'alice')).body).toEqual({ again: true });
    expect((await request(server).get('/documents/1').set('x-user', 'bob')).status).toBe(403);
    expect((await request(server).get('/documents').set('x-user', 'alice')).body).toEqual({ plan: 'always' });

    await expectKnownSequence(t);
  });
});

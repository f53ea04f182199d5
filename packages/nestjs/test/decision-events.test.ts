/** `onDecision` through NestJS on both platforms (issue 15 item 1): guard and handler decisions, with the route. */
import 'reflect-metadata';
import { Controller, Get, Param } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { policySnapshot } from '@permissio/adapter-testkit';
import { Permissio, type DecisionEvent } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { PermissioModule, PermissioScope, RequirePermission, type PermissioRequestScope } from '../src/index.js';
import { createNestApp, PLATFORMS, type NestTestApp } from './support/nest-app.js';

@Controller('documents')
class DocumentsController {
  @Get(':id')
  @RequirePermission('read', 'document')
  async read(@Param('id') _id: string, @PermissioScope() scope: PermissioRequestScope) {
    return { canWrite: await scope.check('write', 'document') };
  }
}

const apps: NestTestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe.each(PLATFORMS)('NestJS on %s: onDecision', (platform) => {
  it('reports the guard and handler decisions with the route template', async () => {
    const events: DecisionEvent[] = [];
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    const app = await createNestApp(platform, {
      imports: [
        PermissioModule.forRoot({
          client,
          user: ((req: { headers: Record<string, unknown> }) => req.headers['x-user'] as string) as never,
          tenant: ((req: { headers: Record<string, unknown> }) => req.headers['x-tenant'] as string) as never,
          onDecision: (e: DecisionEvent) => events.push(e),
        }),
      ],
      controllers: [DocumentsController],
    });
    apps.push(app);
    const ok = await app.request('GET', '/documents/7', { 'x-user': 'bob', 'x-tenant': 'acme' });
    expect(ok.body).toEqual({ canWrite: false });
    const denied = await app.request('GET', '/documents/7', { 'x-user': 'nobody', 'x-tenant': 'acme' });
    expect(denied.status).toBe(403);
    expect(events.map((e) => [e.user, e.action, e.allowed, e.source])).toEqual([
      ['bob', 'read', true, 'pdp'],
      ['bob', 'write', false, 'pdp'],
      ['nobody', 'read', false, 'pdp'],
    ]);
    for (const e of events) expect(e.route).toEqual({ method: 'GET', path: '/documents/:id' });
  });

  it('serverTiming adds Server-Timing with the checks and PDP calls of the request', async () => {
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    const app = await createNestApp(platform, {
      imports: [
        PermissioModule.forRoot({
          client,
          user: ((req: { headers: Record<string, unknown> }) => req.headers['x-user'] as string) as never,
          tenant: ((req: { headers: Record<string, unknown> }) => req.headers['x-tenant'] as string) as never,
          serverTiming: true,
        }),
      ],
      controllers: [DocumentsController],
    });
    apps.push(app);
    const ok = await app.request('GET', '/documents/7', { 'x-user': 'bob', 'x-tenant': 'acme' });
    expect(ok.status).toBe(200);
    expect(ok.headers['server-timing']).toMatch(/^permissio;dur=\d+(\.\d+)?;desc="2 checks, 2 PDP calls"$/);
    const denied = await app.request('GET', '/documents/7', { 'x-user': 'nobody', 'x-tenant': 'acme' });
    expect(denied.status).toBe(403);
    expect(denied.headers['server-timing']).toMatch(/desc="1 check, 1 PDP call"$/);
  });
});

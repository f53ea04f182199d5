/** `onDecision` through Fastify (issue 15 item 1): guard and handler decisions, with the route template. */
import Fastify, { type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { policySnapshot } from '@permissio/adapter-testkit';
import { Permissio, type DecisionEvent } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import permissioPlugin from '../src/index.js';
import { closeApps, track } from './app.js';

const user = (request: FastifyRequest) => request.headers['x-user'] as string | undefined;
const tenant = (request: FastifyRequest) => request.headers['x-tenant'] as string | undefined;

afterEach(closeApps);

describe('fastify: onDecision', () => {
  it('reports the guard and handler decisions with the route template', async () => {
    const events: DecisionEvent[] = [];
    const app = Fastify();
    track(app);
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    await app.register(permissioPlugin, { client, user, tenant, onDecision: (e) => events.push(e) });
    app.get<{ Params: { id: string } }>(
      '/documents/:id',
      { config: { permission: { action: 'read', resource: 'document' } } },
      async (request) => ({ canWrite: await request.permissio?.check('write', 'document') }),
    );
    const ok = await app.inject({ url: '/documents/7', headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect(ok.json()).toEqual({ canWrite: false });
    const denied = await app.inject({ url: '/documents/7', headers: { 'x-user': 'nobody', 'x-tenant': 'acme' } });
    expect(denied.statusCode).toBe(403);
    expect(events.map((e) => [e.user, e.action, e.allowed, e.source])).toEqual([
      ['bob', 'read', true, 'pdp'],
      ['bob', 'write', false, 'pdp'],
      ['nobody', 'read', false, 'pdp'],
    ]);
    for (const e of events) expect(e.route).toEqual({ method: 'GET', path: '/documents/:id' });
  });

  it('a throwing listener changes no response', async () => {
    const app = Fastify();
    track(app);
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    await app.register(permissioPlugin, {
      client,
      user,
      tenant,
      logger,
      onDecision: () => {
        throw new Error('boom');
      },
    });
    app.get('/d', { config: { permission: { action: 'write', resource: 'document' } } }, async () => 'ran');
    const allowed = await app.inject({ url: '/d', headers: { 'x-user': 'alice', 'x-tenant': 'acme' } });
    const denied = await app.inject({ url: '/d', headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect([allowed.statusCode, allowed.body, denied.statusCode]).toEqual([200, 'ran', 403]);
  });
});

describe('fastify: serverTiming', () => {
  it('adds Server-Timing with the checks and PDP calls of the request', async () => {
    const app = Fastify();
    track(app);
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    await app.register(permissioPlugin, { client, user, tenant, serverTiming: true });
    app.get('/d', { config: { permission: { action: 'read', resource: 'document' } } }, async (request) => {
      await request.permissio?.check('write', 'document');
      return 'ok';
    });
    app.get('/open', async () => 'open');
    const ok = await app.inject({ url: '/d', headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect(ok.headers['server-timing']).toMatch(/^permissio;dur=\d+(\.\d+)?;desc="2 checks, 2 PDP calls"$/);
    const denied = await app.inject({ url: '/d', headers: { 'x-user': 'nobody', 'x-tenant': 'acme' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['server-timing']).toMatch(/desc="1 check, 1 PDP call"$/);
    expect((await app.inject({ url: '/open' })).headers['server-timing']).toBeUndefined();
  });
});

describe('fastify: explainDenials', () => {
  it('a 403 says why', async () => {
    const app = Fastify();
    track(app);
    const client = new Permissio({ pdp: createEngine(policySnapshot()) });
    await app.register(permissioPlugin, { client, user, tenant, explainDenials: true });
    app.get('/d', { config: { permission: { action: 'write', resource: 'document' } } }, async () => 'ran');
    const denied = await app.inject({ url: '/d', headers: { 'x-user': 'bob', 'x-tenant': 'acme' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().why).toMatchObject({
      permission: 'document:write',
      roles: ['viewer'],
      closestRule: { role: 'editor' },
    });
  });
});

/**
 * With a registered policy, `requirePermission` and `resourceFromPath` accept
 * the policy's actions and resource types only, and `request.permissio` is a
 * typed scope. Type-checked by `pnpm typecheck`; nothing here runs.
 */
import type { RequestScope } from '@permissio/core';
import Fastify, { type preHandlerHookHandler } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { requirePermission, resourceFromPath } from '../src/index.js';
import './policy.js';

const app = Fastify();

describe('requirePermission (Fastify) with a registered policy', () => {
  it('accepts an action of the resource type, in every resource form', () => {
    expectTypeOf(requirePermission('read', 'document')).toEqualTypeOf<preHandlerHookHandler>();
    app.get(
      '/documents/:id',
      { preHandler: requirePermission('write', { type: 'document', key: 'doc-1' }) },
      () => 'ok',
    );
    app.get<{ Params: { id: string } }>(
      '/documents/:id',
      { preHandler: requirePermission('delete', (request) => ({ type: 'document', key: String(request.id) })) },
      () => 'ok',
    );
    app.get('/projects/:id', { preHandler: requirePermission('view', () => 'project') }, () => 'ok');
    app.get(
      '/documents/:id',
      { preHandler: requirePermission('read', resourceFromPath('document', { key: 'id' })) },
      () => 'ok',
    );
    expectTypeOf(resourceFromPath('project')).returns.toHaveProperty('type').toEqualTypeOf<'project'>();
  });

  it('rejects an action of another type, an unknown type, and a misspelt action', () => {
    // @ts-expect-error "view" is an action of project, not of document
    requirePermission('view', 'document');
    // @ts-expect-error no resource type "folder"
    requirePermission('read', { type: 'folder' });
    // @ts-expect-error the resolver returns an unknown resource type
    requirePermission('read', () => ({ type: 'folder', key: 'f' }));
    // @ts-expect-error misspelt action for a resourceFromPath resolver
    requirePermission('raed', resourceFromPath('document'));
    // @ts-expect-error resourceFromPath of an unknown resource type
    resourceFromPath('folder');
  });

  it('request.permissio is a scope typed by the policy', () => {
    app.get('/documents', async (request) => {
      expectTypeOf(request.permissio).toEqualTypeOf<RequestScope | undefined>();
      // @ts-expect-error "write" is not an action of project
      await request.permissio?.check('write', 'project');
      return { canWrite: await request.permissio?.check('write', 'document') };
    });
  });
});

describe('config.permission and fastify.requirePermission with a registered policy', () => {
  it('types the route option and the decorator like requirePermission', () => {
    app.get('/documents/:id', { config: { permission: { action: 'read', resource: 'document' } } }, () => 'ok');
    app.get(
      '/projects/:id',
      { config: { permission: { action: 'view', resource: resourceFromPath('project', { key: 'id' }) } } },
      () => 'ok',
    );
    // @ts-expect-error "view" is not an action of document
    app.get('/documents/:id', { config: { permission: { action: 'view', resource: 'document' } } }, () => 'ok');
    app.get('/documents', { preHandler: app.requirePermission('write', 'document') }, () => 'ok');
    // @ts-expect-error "write" is not an action of project
    app.get('/projects', { preHandler: app.requirePermission('write', 'project') }, () => 'ok');
  });
});

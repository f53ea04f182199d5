/**
 * With a registered policy, `requirePermission` and `resourceFromPath` accept
 * the policy's actions and resource types only, and `c.get('permissio')` is a
 * typed scope. Type-checked by `pnpm typecheck`; nothing here runs.
 */
import type { RequestScope } from '@permissio/core';
import { Hono } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import { type PermissioEnv, requirePermission, resourceFromPath } from '../src/index.js';
import './policy.js';

const app = new Hono<PermissioEnv>();

describe('requirePermission (Hono) with a registered policy', () => {
  it('accepts an action of the resource type, in every resource form', () => {
    app.get('/documents/:id', requirePermission('read', 'document'), (c) => c.text('ok'));
    app.get('/documents/:id', requirePermission('write', { type: 'document', key: 'doc-1' }), (c) => c.text('ok'));
    app.get(
      '/documents/:id',
      requirePermission('delete', (c) => ({ type: 'document', key: c.req.param('id') })),
      (c) => c.text('ok'),
    );
    app.get(
      '/projects/:id',
      requirePermission('view', () => 'project'),
      (c) => c.text('ok'),
    );
    app.get('/documents/:id', requirePermission('read', resourceFromPath('document', { key: 'id' })), (c) =>
      c.text('ok'),
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

  it("c.get('permissio') is a scope typed by the policy", () => {
    app.get('/documents', async (c) => {
      const scope = c.get('permissio');
      expectTypeOf(scope).toEqualTypeOf<RequestScope | undefined>();
      // @ts-expect-error "write" is not an action of project
      await scope?.check('write', 'project');
      return c.json({ canWrite: await scope?.check('write', 'document') });
    });
  });
});

/**
 * With a registered policy, `requirePermission` and `resourceFromPath` accept
 * the policy's actions and resource types only, and `req.permissio` is a typed
 * scope. Type-checked by `pnpm typecheck`; nothing here runs.
 */
import { Permissio, type RequestScope } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import express, { type RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { type ExpressResourceSpec, permissio, requirePermission, resourceFromPath } from '../src/index.js';
import { policy } from './policy.js';

const app = express();
// A client typed by the policy is what the middleware takes.
const client = new Permissio({ pdp: createEngine(policy) });
app.use(permissio({ client, user: () => 'alice' }));

describe('requirePermission (Express) with a registered policy', () => {
  it('accepts an action of the resource type, in every resource form', () => {
    expectTypeOf(requirePermission('read', 'document')).toEqualTypeOf<RequestHandler>();
    app.get('/documents/:id', requirePermission('write', { type: 'document', key: 'doc-1' }));
    app.get(
      '/documents/:id',
      requirePermission('delete', (req) => ({ type: 'document', key: String(req.params.id) })),
    );
    app.get(
      '/projects/:id',
      requirePermission('view', () => 'project'),
    );
    // An async resolver returning a bare string widens it: \`as const\` keeps the literal type.
    app.get(
      '/projects/:id',
      requirePermission('view', async () => 'project' as const),
    );
    app.get(
      '/documents/:id',
      requirePermission('read', async (req) => ({ type: 'document', key: String(req.params.id) })),
    );
    app.get('/documents/:id', requirePermission('read', resourceFromPath('document', { key: 'id' })));
    expectTypeOf(resourceFromPath('project')).returns.toEqualTypeOf<{
      type: 'project';
      key?: string;
      tenant?: string;
      uri?: string;
      attributes?: Record<string, unknown>;
    }>();
    expectTypeOf<ExpressResourceSpec<'project'>>().toExtend<ExpressResourceSpec>();
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

  it('req.permissio is a scope typed by the policy', () => {
    app.get('/documents', async (req, res) => {
      expectTypeOf(req.permissio).toEqualTypeOf<RequestScope | undefined>();
      const canWrite = await req.permissio?.check('write', 'document');
      // @ts-expect-error "write" is not an action of project
      await req.permissio?.check('write', 'project');
      res.json({ canWrite });
    });
  });
});

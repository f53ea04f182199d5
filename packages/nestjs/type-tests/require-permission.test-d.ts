/**
 * With a registered policy, `@RequirePermission` and `resourceFromPath` accept
 * the policy's actions and resource types only, and `@PermissioScope()` gives
 * a typed scope. Type-checked by `pnpm typecheck`; nothing here runs.
 */
import type { FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { type PermissioRequestScope, PermissioScope, RequirePermission, resourceFromPath } from '../src/index.js';
import './policy.js';

describe('@RequirePermission (NestJS) with a registered policy', () => {
  it('accepts an action of the resource type, in every resource form', () => {
    class DocumentsController {
      @RequirePermission('read', 'document')
      list() {}
      @RequirePermission('write', { type: 'document', key: 'doc-1' })
      update() {}
      @RequirePermission('delete', (req: { params: { id: string } }) => ({ type: 'document', key: req.params.id }))
      remove() {}
      @RequirePermission('read', resourceFromPath('document', { key: 'id' }))
      get() {}
      @RequirePermission('view', () => 'project')
      project() {}
      async handler(@PermissioScope() scope: PermissioRequestScope) {
        await scope.check('write', 'document');
        // @ts-expect-error "write" is not an action of project
        await scope.check('write', 'project');
      }
    }
    void DocumentsController;
    // An explicit request type keeps working; the action is then checked against every type's actions.
    RequirePermission<FastifyRequest>('view', (request) => ({ type: 'project', key: String(request.id) }));
    expectTypeOf(resourceFromPath('project')).returns.toHaveProperty('type').toEqualTypeOf<'project'>();
  });

  it('rejects an action of another type, an unknown type, and a misspelt action', () => {
    // @ts-expect-error "view" is an action of project, not of document
    RequirePermission('view', 'document');
    // @ts-expect-error no resource type "folder"
    RequirePermission('read', { type: 'folder' });
    // @ts-expect-error the resolver returns an unknown resource type
    RequirePermission('read', () => ({ type: 'folder', key: 'f' }));
    // @ts-expect-error misspelt action for a resourceFromPath resolver
    RequirePermission('raed', resourceFromPath('document'));
    // @ts-expect-error resourceFromPath of an unknown resource type
    resourceFromPath('folder');
    // @ts-expect-error with an explicit request type, still no action outside the policy
    RequirePermission<FastifyRequest>('publish', 'document');
  });
});

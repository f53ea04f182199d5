/**
 * A policy registered through `Register` (here the declaration file
 * `permissio-server types` writes): every client, scope and management call is
 * typed without a generic in sight. Type-checked by `pnpm typecheck`.
 */
import {
  type ActionOf,
  type Pdp,
  Permissio,
  type PermissionOf,
  type RegisteredShape,
  type RegisteredType,
  type RequestScope,
  type ResourceTypeOf,
} from '@permissio/core';
import { describe, expectTypeOf, it } from 'vitest';

declare const pdp: Pdp;
const permissio = new Permissio({ token: 'permis_key_x', apiUrl: 'http://127.0.0.1:7766' });

describe('the registered policy', () => {
  it('is the default shape of every API', () => {
    expectTypeOf<RegisteredShape>().toEqualTypeOf<{
      readonly document: 'delete' | 'read' | 'write';
      readonly project: 'view';
    }>();
    expectTypeOf<ResourceTypeOf>().toEqualTypeOf<'document' | 'project'>();
    expectTypeOf<ActionOf<RegisteredShape, 'project'>>().toEqualTypeOf<'view'>();
    expectTypeOf<PermissionOf>().toEqualTypeOf<
      'document:delete' | 'document:read' | 'document:write' | 'project:view'
    >();
    expectTypeOf<RegisteredType<'document'>>().toEqualTypeOf<'document'>();
    expectTypeOf(permissio).toEqualTypeOf<Permissio<true, RegisteredShape>>();
    expectTypeOf(new Permissio({ pdp })).toEqualTypeOf<Permissio<true, RegisteredShape>>();
  });

  it('types a remote client: checks, bulk checks, plans, grants and management calls', () => {
    void permissio.check('alice', 'delete', { type: 'document', key: 'd' });
    // @ts-expect-error "view" is not an action of document
    void permissio.check('alice', 'view', 'document');
    // @ts-expect-error no resource type "folder"
    void permissio.checkDetailed('alice', 'read', 'folder');
    // @ts-expect-error "read" is not an action of project
    void permissio.bulkCheck([{ user: 'alice', action: 'read', resource: 'project' }]);
    // @ts-expect-error "read" is not an action of project
    void permissio.plan('alice', 'read', 'project');
    void permissio.grant({ user: 'alice', resourceUri: '/p', permissions: ['project:view'] });
    // @ts-expect-error "project:read" is not a permission
    void permissio.grant({ user: 'alice', resourceUri: '/p', permissions: ['project:read'] });
    // @ts-expect-error "project:read" is not a permission
    void permissio.api.roles.addPermission('viewer', 'project:read');
    // @ts-expect-error "project:read" is not a permission
    void permissio.api.conditionSetRules.create({ userSet: 'u', resourceSet: 'r', permission: 'project:read' });
  });

  it('types the request scope', () => {
    const scope: RequestScope = permissio.createRequestScope({ user: 'alice' });
    void scope.check('write', 'document');
    // @ts-expect-error "write" is not an action of project
    void scope.check('write', 'project');
    // @ts-expect-error "write" is not an action of project
    void scope.plan('write', 'project');
  });
});

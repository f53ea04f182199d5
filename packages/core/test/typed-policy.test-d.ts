/**
 * Typed policies, inferred from a literal policy (`definePolicy`): every entry
 * point of the client, the request scope and the management API that takes an
 * action, a resource type or a permission accepts the policy's and rejects
 * anything else. Untyped use (no policy) keeps plain strings. Type-checked by
 * `pnpm typecheck` (tsc over `test/`); nothing here runs.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ActionOf,
  type CheckRequest,
  definePolicy,
  type Pdp,
  Permissio,
  type PermissionOf,
  type PolicyShapeOf,
  type PolicySnapshot,
  type PolicyTyped,
  type RegisteredShape,
  type RequestScope,
  type ResourceTypeOf,
  type UntypedShape,
} from '../src/index.js';

const policy = definePolicy({
  resources: [
    { key: 'document', actions: ['read', 'write', { key: 'delete', name: 'Delete' }] },
    { key: 'project', actions: ['view'] },
  ],
  roles: [{ key: 'editor', permissions: ['document:read'] }],
});
type Shape = PolicyShapeOf<typeof policy>;
/** A PDP typed by the policy, as `createEngine(policy)` returns one. */
declare const typedPdp: Pdp & PolicyTyped<Shape>;
declare const plainPdp: Pdp;

const client = new Permissio({ pdp: typedPdp });
const untyped = new Permissio({ pdp: plainPdp });

describe('the shape of a policy', () => {
  it('maps each resource type to the union of its actions', () => {
    expectTypeOf<Shape>().toEqualTypeOf<{ readonly document: 'read' | 'write' | 'delete'; readonly project: 'view' }>();
    expectTypeOf<ResourceTypeOf<Shape>>().toEqualTypeOf<'document' | 'project'>();
    // What `check(user, action, 'document')` offers for `action`:
    expectTypeOf<ActionOf<Shape, 'document'>>().toEqualTypeOf<'read' | 'write' | 'delete'>();
    expectTypeOf<ActionOf<Shape>>().toEqualTypeOf<'read' | 'write' | 'delete' | 'view'>();
    expectTypeOf<PermissionOf<Shape>>().toEqualTypeOf<
      'document:read' | 'document:write' | 'document:delete' | 'project:view'
    >();
    expectTypeOf(policy).toExtend<{ resources: unknown[] }>();
  });

  it('is untyped (plain strings) for a snapshot without literal types, and when nothing is registered', () => {
    expectTypeOf<RegisteredShape>().toEqualTypeOf<UntypedShape>();
    expectTypeOf<ResourceTypeOf<UntypedShape>>().toEqualTypeOf<string>();
    expectTypeOf<ActionOf<UntypedShape, 'document'>>().toEqualTypeOf<string>();
    expectTypeOf<PermissionOf<UntypedShape>>().toEqualTypeOf<string>();
    expectTypeOf<PolicyShapeOf<{ resources: { key: string; actions: string[] }[] }>>().toEqualTypeOf<UntypedShape>();
  });
});

describe('definePolicy', () => {
  it('checks the permissions the policy itself names against its own resource types', () => {
    definePolicy({
      resources: [{ key: 'document', actions: ['read'] }],
      roles: [{ key: 'viewer', permissions: ['document:read'] }],
      grants: [{ user: 'alice', resourceUri: 'document:d', permissions: ['document:read'] }],
      conditionSetRules: [{ userSet: 'u', resourceSet: 'r', permission: 'document:read' }],
    });
    definePolicy({
      resources: [{ key: 'document', actions: ['read'] }],
      // @ts-expect-error a role with an action the resource type does not declare
      roles: [{ key: 'viewer', permissions: ['document:fly'] }],
    });
    definePolicy({
      resources: [{ key: 'document', actions: ['read'] }],
      // @ts-expect-error a grant on an unknown resource type
      grants: [{ user: 'alice', resourceUri: 'document:d', permissions: ['folder:read'] }],
    });
    definePolicy({
      resources: [{ key: 'document', actions: ['read'] }],
      // @ts-expect-error a condition set rule naming an undeclared action
      conditionSetRules: [{ userSet: 'u', resourceSet: 'r', permission: 'document:write' }],
    });
    const snapshot: PolicySnapshot = { roles: [{ key: 'any', permissions: ['x:y'] }] };
    expectTypeOf(definePolicy(snapshot)).toExtend<PolicySnapshot>();
  });
});

describe('Permissio typed by the policy of its PDP', () => {
  it('infers the shape from the pdp; is still a Permissio<boolean>', () => {
    expectTypeOf(client).toEqualTypeOf<Permissio<true, Shape>>();
    expectTypeOf(untyped).toEqualTypeOf<Permissio<true, UntypedShape>>();
    expectTypeOf(client).toExtend<Permissio<boolean>>();
  });

  it('check / checkDetailed: the action must be one of the resource type’s', () => {
    void client.check('alice', 'read', 'document');
    void client.check('alice', 'delete', { type: 'document', key: 'doc-1', uri: '/documents/doc-1' });
    void client.check({ key: 'alice' }, 'view', 'project', { tenant: 'acme' });
    // @ts-expect-error "view" is an action of project, not of document
    void client.check('alice', 'view', 'document');
    // @ts-expect-error no resource type "folder"
    void client.check('alice', 'read', 'folder');
    // @ts-expect-error no resource type "folder" (object form)
    void client.check('alice', 'read', { type: 'folder', key: 'f' });
    void client.checkDetailed('alice', 'write', 'document');
    // @ts-expect-error misspelt action
    void client.checkDetailed('alice', 'wrte', 'document');
  });

  it('bulkCheck: each request’s action belongs to its resource’s type', () => {
    void client.bulkCheck([
      { user: 'alice', action: 'read', resource: 'document' },
      { user: 'bob', action: 'view', resource: { type: 'project', key: 'p' } },
    ]);
    // @ts-expect-error "read" is not an action of project
    void client.bulkCheck([{ user: 'alice', action: 'read', resource: 'project' }]);
  });

  it('plan: the action belongs to the resource type', () => {
    void client.plan('alice', 'read', 'document');
    // @ts-expect-error "view" is not an action of document
    void client.plan('alice', 'view', 'document');
    // @ts-expect-error no resource type "folder"
    void client.plan('alice', 'read', 'folder');
  });

  it('grant / revoke / checkPermissions / api.roles / api.conditionSetRules take valid <type>:<action> pairs', () => {
    void client.grant({ user: 'alice', resourceUri: 'document:doc-1', permissions: ['document:write'] });
    // @ts-expect-error "document:view" is not a permission of the policy
    void client.grant({ user: 'alice', resourceUri: 'document:doc-1', permissions: ['document:view'] });
    void client.revoke({ user: 'alice', resourceUri: 'document:doc-1', permissions: ['document:write'] });
    // @ts-expect-error misspelt permission
    void client.revoke({ user: 'alice', resourceUri: 'document:doc-1', permissions: ['document:writ'] });
    void client.checkPermissions({ user: 'alice', resourceUris: ['/p'], permissions: ['project:view'] });
    // @ts-expect-error "project:read" is not a permission of the policy
    void client.checkPermissions({ user: 'alice', resourceUris: ['/p'], permissions: ['project:read'] });
    void client.api.roles.create({ key: 'viewer', permissions: ['document:read', 'project:view'] });
    // @ts-expect-error unknown resource type in a role's permissions
    void client.api.roles.create({ key: 'viewer', permissions: ['folder:read'] });
    void client.api.roles.update('viewer', { permissions: ['project:view'] });
    // @ts-expect-error "project:read" is not a permission of the policy
    void client.api.roles.update('viewer', { permissions: ['project:read'] });
    void client.api.roles.sync('viewer', { permissions: ['document:read'] });
    // @ts-expect-error "document:view" is not a permission of the policy
    void client.api.roles.sync('viewer', { permissions: ['document:view'] });
    void client.api.roles.addPermission('editor', 'document:delete');
    // @ts-expect-error "project:delete" is not a permission of the policy
    void client.api.roles.addPermission('editor', 'project:delete');
    void client.api.roles.removePermission('editor', 'document:delete');
    // @ts-expect-error misspelt permission
    void client.api.roles.removePermission('editor', 'document:del');
    const rule = { userSet: 'staff', resourceSet: 'open-docs', permission: 'document:read' } as const;
    void client.api.conditionSetRules.create(rule);
    void client.api.conditionSetRules.delete(rule);
    // @ts-expect-error "document:view" is not a permission of the policy
    void client.api.conditionSetRules.create({ userSet: 's', resourceSet: 'r', permission: 'document:view' });
    // @ts-expect-error "document:view" is not a permission of the policy
    void client.api.conditionSetRules.delete({ userSet: 's', resourceSet: 'r', permission: 'document:view' });
  });
});

describe('RequestScope typed by the client', () => {
  const scope = client.createRequestScope({ user: 'alice' });
  it('check / checkDetailed / plan for the scope’s user and for another user', () => {
    expectTypeOf(scope).toEqualTypeOf<RequestScope<Shape>>();
    void scope.check('read', 'document');
    void scope.check('bob', 'view', { type: 'project', key: 'p' });
    // @ts-expect-error "view" is not an action of document
    void scope.check('view', 'document');
    // @ts-expect-error no resource type "folder" (user form)
    void scope.check('bob', 'read', 'folder');
    void scope.checkDetailed('write', { type: 'document', key: 'd' });
    // @ts-expect-error misspelt action
    void scope.checkDetailed('writ', 'document');
    void scope.plan('read', 'document');
    // @ts-expect-error "view" is not an action of document
    void scope.plan('view', 'document');
  });
});

describe('untyped use: plain strings, exactly as before', () => {
  it('accepts any action, resource type and permission', () => {
    const action: string = 'anything';
    const resource: string = 'whatever';
    void untyped.check('alice', action, resource);
    void untyped.check('alice', 'fly', { type: 'plane' });
    const requests: CheckRequest[] = [{ user: 'a', action, resource }];
    void untyped.bulkCheck(requests);
    void untyped.api.roles.addPermission('r', `${resource}:${action}`);
    void untyped.createRequestScope({ user: 'a' }).check(action, resource);
    expectTypeOf(untyped.check).parameter(1).toEqualTypeOf<string>();
  });
});

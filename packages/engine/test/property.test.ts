/**
 * Property tests: on random policies the indexed engine answers exactly as
 * the naive reference evaluator (reference.ts) — checks, explanations and
 * getUserPermissions — including after random role-graph writes, which
 * exercise the incremental closure.
 */
import type { CheckResource, PolicySnapshot, RoleAssignmentCreate, GrantRequest } from '@permissio/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { ReferenceEvaluator } from './reference.js';
import type { RefQuestion } from './reference.js';

const TYPES = ['doc', 'folder'] as const;
const ACTIONS = ['read', 'write', 'del'] as const;
const PERMISSIONS = TYPES.flatMap((t) => ACTIONS.map((a) => `${t}:${a}`));
const ROLES = ['r0', 'r1', 'r2', 'r3', 'r4', '__proto__', 'constructor'];
const USERS = ['u0', 'u1', '__proto__', 'toString'];
const TENANTS = ['default', 't1', 'constructor'];
const KEYS = ['1', '2', '__proto__'];
// Tricky siblings: prefixes that are not segment-boundary ancestors.
const URIS = [
  '/',
  '/a',
  '/a/b',
  '/a/b/c',
  '/a/b/c/d',
  '/ab',
  '/a-b',
  '/a/b.json',
  '/a/bc',
  '/a/b-c',
  '/b',
  '/a/*',
  '/a/:id',
  '/a/__proto__',
];

const roleDefs = fc
  .tuple(
    ...ROLES.map((_, i) =>
      fc.record({
        permissions: fc.subarray(PERMISSIONS, { maxLength: 3 }),
        // extends only earlier roles: acyclic by construction
        extends: fc.subarray(ROLES.slice(0, i), { maxLength: Math.min(2, i) }),
      }),
    ),
  )
  .map((defs) => defs.map((d, i) => ({ key: ROLES[i] as string, ...d })));

const location = fc.oneof(
  fc.constant(undefined),
  fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom(...KEYS)).map(([t, k]) => `${t}:${k}`),
  fc.constantFrom(...URIS),
);

const assignment: fc.Arbitrary<RoleAssignmentCreate> = fc
  .record({
    user: fc.constantFrom(...USERS),
    role: fc.constantFrom(...ROLES),
    tenant: fc.constantFrom(...TENANTS),
    resourceInstance: location,
  })
  .map((a) => (a.resourceInstance === undefined ? { user: a.user, role: a.role, tenant: a.tenant } : a));

const grant: fc.Arbitrary<GrantRequest> = fc
  .record({
    user: fc.constantFrom(...USERS),
    tenant: fc.constantFrom(...TENANTS),
    type: fc.constantFrom(...TYPES),
    action: fc.constantFrom(...ACTIONS),
    target: fc.oneof(
      fc.constantFrom(...KEYS).map((k) => ({ key: k })),
      fc.constantFrom(...URIS).map((u) => ({ uri: u })),
    ),
  })
  .map((g) => ({
    user: g.user,
    tenant: g.tenant,
    resourceUri: 'key' in g.target ? `${g.type}:${g.target.key}` : g.target.uri,
    permissions: [`${g.type}:${g.action}`],
  }));

const policy: fc.Arbitrary<PolicySnapshot> = fc
  .record({
    roles: roleDefs,
    assignments: fc.array(assignment, { maxLength: 25 }),
    grants: fc.array(grant, { maxLength: 10 }),
  })
  .map(({ roles, assignments, grants }) => ({
    resources: TYPES.map((t) => ({ key: t, actions: [...ACTIONS] })),
    roles,
    tenants: TENANTS.filter((t) => t !== 'default').map((key) => ({ key })),
    users: [{ key: 'idle' }],
    roleAssignments: assignments,
    grants,
  }));

const question: fc.Arbitrary<RefQuestion> = fc
  .record({
    user: fc.constantFrom(...USERS, 'idle', 'ghost'),
    action: fc.constantFrom(...ACTIONS, 'nope'),
    type: fc.constantFrom(...TYPES, 'ghost'),
    key: fc.option(fc.constantFrom(...KEYS, '3'), { nil: undefined }),
    uri: fc.option(fc.constantFrom(...URIS, '/a/b/c/d/e', '/c'), { nil: undefined }),
    tenant: fc.option(fc.constantFrom(...TENANTS, 'ghost-tenant'), { nil: undefined }),
    inResource: fc.boolean(),
  })
  .map((q) => {
    const resource: CheckResource = { type: q.type };
    if (q.key !== undefined) resource.key = q.key;
    if (q.uri !== undefined) resource.uri = q.uri;
    if (q.inResource && q.tenant !== undefined) resource.tenant = q.tenant;
    const simple = q.key === undefined && q.uri === undefined && !q.inResource;
    const out: RefQuestion = { user: q.user, action: q.action, resource: simple ? q.type : resource };
    if (!q.inResource && q.tenant !== undefined) out.tenant = q.tenant;
    return out;
  });

describe('engine ≡ naive reference evaluator', () => {
  it('check and checkDetailed agree with the reference on random policies', () => {
    fc.assert(
      fc.property(policy, fc.array(question, { minLength: 1, maxLength: 40 }), (snapshot, questions) => {
        const engine = createEngine(snapshot);
        const reference = new ReferenceEvaluator(snapshot);
        for (const q of questions) {
          const expected = reference.decide(q);
          expect(engine.check(q), JSON.stringify(q)).toBe(expected.allowed);
          const decision = engine.checkDetailed(q);
          expect(decision.allowed).toBe(expected.allowed);
          expect(decision.reason, JSON.stringify(q)).toBe(expected.reason);
          expect(decision.via?.role).toBe(expected.role);
          expect(decision.via?.resourceInstance).toBe(expected.resourceInstance);
        }
        expect(engine.bulkCheck(questions)).toEqual(questions.map((q) => reference.decide(q).allowed));
      }),
      { numRuns: 300 },
    );
  });

  it('getUserPermissions agrees with the reference on URIs', () => {
    fc.assert(
      fc.property(
        policy,
        fc.constantFrom(...USERS),
        fc.constantFrom(...URIS),
        fc.constantFrom(...TENANTS),
        (snapshot, user, uri, tenant) => {
          const engine = createEngine(snapshot);
          const reference = new ReferenceEvaluator(snapshot);
          expect(engine.getUserPermissions(user, uri, { tenant })).toEqual(
            reference.userPermissions(user, uri, tenant),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a listed permission is exactly one a check allows there', () => {
    fc.assert(
      fc.property(
        policy,
        fc.constantFrom(...USERS),
        fc.constantFrom(...URIS),
        fc.constantFrom(...TENANTS),
        (snapshot, user, uri, tenant) => {
          const engine = createEngine(snapshot);
          const { permissions } = engine.getUserPermissions(user, uri, { tenant });
          for (const p of PERMISSIONS) {
            const [type, action] = p.split(':') as [string, string];
            expect(engine.check({ user, action, resource: { type, uri }, tenant })).toBe(permissions.includes(p));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('export → load round-trips to the same answers and the same export', async () => {
    await fc.assert(
      fc.asyncProperty(policy, fc.array(question, { maxLength: 20 }), async (snapshot, questions) => {
        const engine = createEngine(snapshot);
        const exported = await engine.export();
        const copy = createEngine(exported);
        expect(await copy.export()).toEqual(exported);
        for (const q of questions) expect(copy.checkDetailed(q)).toEqual(engine.checkDetailed(q));
      }),
      { numRuns: 100 },
    );
  });

  type Write =
    | { kind: 'addPermission'; role: string; permission: string }
    | { kind: 'removePermission'; role: string; permission: string }
    | { kind: 'addExtends'; role: string; parent: string }
    | { kind: 'removeExtends'; role: string; parent: string }
    | { kind: 'deleteRole'; role: string }
    | { kind: 'createRole'; role: string }
    | { kind: 'assign'; a: RoleAssignmentCreate }
    | { kind: 'unassign'; a: RoleAssignmentCreate }
    | { kind: 'deleteAction'; type: string; action: string }
    | { kind: 'deleteTenant'; tenant: string }
    | { kind: 'deleteUser'; user: string };

  const write: fc.Arbitrary<Write> = fc.oneof(
    fc.record({
      kind: fc.constant('addPermission' as const),
      role: fc.constantFrom(...ROLES),
      permission: fc.constantFrom(...PERMISSIONS),
    }),
    fc.record({
      kind: fc.constant('removePermission' as const),
      role: fc.constantFrom(...ROLES),
      permission: fc.constantFrom(...PERMISSIONS),
    }),
    fc.record({
      kind: fc.constant('addExtends' as const),
      role: fc.constantFrom(...ROLES),
      parent: fc.constantFrom(...ROLES),
    }),
    fc.record({
      kind: fc.constant('removeExtends' as const),
      role: fc.constantFrom(...ROLES),
      parent: fc.constantFrom(...ROLES),
    }),
    fc.record({ kind: fc.constant('deleteRole' as const), role: fc.constantFrom(...ROLES) }),
    fc.record({ kind: fc.constant('createRole' as const), role: fc.constantFrom(...ROLES) }),
    fc.record({ kind: fc.constant('assign' as const), a: assignment }),
    fc.record({ kind: fc.constant('unassign' as const), a: assignment }),
    fc.record({
      kind: fc.constant('deleteAction' as const),
      type: fc.constantFrom(...TYPES),
      action: fc.constantFrom(...ACTIONS),
    }),
    fc.record({ kind: fc.constant('deleteTenant' as const), tenant: fc.constantFrom('t1', 'constructor') }),
    fc.record({ kind: fc.constant('deleteUser' as const), user: fc.constantFrom(...USERS) }),
  );

  it('after random writes the indexes still agree with a naive scan of the exported policy', async () => {
    await fc.assert(
      fc.asyncProperty(
        policy,
        fc.array(fc.tuple(write, question), { maxLength: 25 }),
        fc.array(question, { maxLength: 30 }),
        async (snapshot, steps, questions) => {
          const engine = createEngine(snapshot);
          for (const [w, probe] of steps) {
            // a check before each write fills the engine's caches, so a stale cache would show after it
            engine.check(probe);
            try {
              switch (w.kind) {
                case 'addPermission':
                  await engine.roles.addPermission(w.role, w.permission);
                  break;
                case 'removePermission':
                  await engine.roles.removePermission(w.role, w.permission);
                  break;
                case 'addExtends':
                  await engine.roles.addExtends(w.role, w.parent);
                  break;
                case 'removeExtends':
                  await engine.roles.removeExtends(w.role, w.parent);
                  break;
                case 'deleteRole':
                  await engine.roles.delete(w.role);
                  break;
                case 'createRole':
                  await engine.roles.create({ key: w.role });
                  break;
                case 'assign':
                  await engine.roleAssignments.assign(w.a);
                  break;
                case 'unassign':
                  await engine.roleAssignments.unassign(w.a);
                  break;
                case 'deleteAction':
                  await engine.resources.deleteAction(w.type, w.action);
                  break;
                case 'deleteTenant':
                  await engine.tenants.delete(w.tenant);
                  break;
                case 'deleteUser':
                  await engine.users.delete(w.user);
                  break;
              }
            } catch (error) {
              // cycles, existing keys, missing entities and deleted permissions are expected outcomes of random writes
              expect((error as { name?: string }).name).toMatch(/Permissio(Conflict|NotFound|Validation)Error/);
            }
            expect(engine.check(probe), JSON.stringify({ w, probe })).toBe(
              new ReferenceEvaluator(await engine.export()).decide(probe).allowed,
            );
          }
          const reference = new ReferenceEvaluator(await engine.export());
          for (const q of questions) {
            const expected = reference.decide(q);
            const decision = engine.checkDetailed(q);
            expect(engine.check(q)).toBe(expected.allowed);
            expect({ allowed: decision.allowed, reason: decision.reason, role: decision.via?.role }).toEqual({
              allowed: expected.allowed,
              reason: expected.reason,
              role: expected.role,
            });
          }
          // and a fresh engine built from the export answers the same
          const fresh = createEngine(await engine.export());
          for (const q of questions) expect(fresh.checkDetailed(q)).toEqual(engine.checkDetailed(q));
        },
      ),
      { numRuns: 300 },
    );
  });
});

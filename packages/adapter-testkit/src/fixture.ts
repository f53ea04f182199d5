/**
 * The policy every adapter is tested against, in snapshot form (docs/MODEL.md, "Policy snapshots"):
 *
 * - resource type `document` with `read`, `write`, `delete`;
 * - roles `viewer` (read) ⊂ `editor` (+write) ⊂ `admin` (+delete), via `extends`;
 * - tenants `acme` and `globex`;
 * - `alice` editor@acme, `bob` viewer@acme, `carol` editor@globex;
 * - `erin`: admin on the single instance `document:doc-2` in acme (instance role);
 * - `dave`: viewer on the URIs `/projects/p1` and `/files/p1` in acme (URI grants);
 * - `crowd-00` … `crowd-49` for the concurrency scenario (see {@link crowdUser}).
 */
import type { PolicySnapshot, RoleAssignmentCreate } from '@permissio/core';

/** Header carrying the user key in every test app. */
export const USER_HEADER = 'x-user';
/** Header carrying the tenant key in apps whose tenant comes from the request. */
export const TENANT_HEADER = 'x-tenant';

/** Number of distinct users in the concurrency scenario. */
export const CROWD_SIZE = 50;

/** Key of crowd user `i`. */
export function crowdUser(i: number): string {
  return `crowd-${String(i).padStart(2, '0')}`;
}

/** What crowd user `i` may do on documents in acme: even → viewer, multiple of 3 → editor, else nothing. */
export function crowdAccess(i: number): { read: boolean; write: boolean } {
  const editor = i % 3 === 0;
  const viewer = editor || i % 2 === 0;
  return { read: viewer, write: editor };
}

/** The home tenant of each fixture user (used by "tenant from user" apps). */
export const USER_TENANTS: ReadonlyMap<string, string> = new Map([
  ['alice', 'acme'],
  ['bob', 'acme'],
  ['carol', 'globex'],
  ['dave', 'acme'],
  ['erin', 'acme'],
  ...Array.from({ length: CROWD_SIZE }, (_, i) => [crowdUser(i), 'acme'] as [string, string]),
]);

function crowdAssignments(): RoleAssignmentCreate[] {
  const out: RoleAssignmentCreate[] = [];
  for (let i = 0; i < CROWD_SIZE; i++) {
    const access = crowdAccess(i);
    if (access.write) out.push({ user: crowdUser(i), role: 'editor', tenant: 'acme' });
    else if (access.read) out.push({ user: crowdUser(i), role: 'viewer', tenant: 'acme' });
  }
  return out;
}

/** Builds a fresh copy of the fixture policy (safe to mutate). */
export function policySnapshot(): PolicySnapshot {
  return {
    resources: [{ key: 'document', name: 'Document', actions: ['read', 'write', 'delete'] }],
    roles: [
      { key: 'viewer', name: 'Viewer', permissions: ['document:read'] },
      { key: 'editor', name: 'Editor', permissions: ['document:write'], extends: ['viewer'] },
      { key: 'admin', name: 'Admin', permissions: ['document:delete'], extends: ['editor'] },
    ],
    tenants: [
      { key: 'acme', name: 'Acme' },
      { key: 'globex', name: 'Globex' },
    ],
    users: [
      { key: 'alice', email: 'alice@acme.test' },
      { key: 'bob', email: 'bob@acme.test' },
      { key: 'carol', email: 'carol@globex.test' },
      { key: 'dave', email: 'dave@acme.test' },
      { key: 'erin', email: 'erin@acme.test' },
    ],
    roleAssignments: [
      { user: 'alice', role: 'editor', tenant: 'acme' },
      { user: 'bob', role: 'viewer', tenant: 'acme' },
      { user: 'carol', role: 'editor', tenant: 'globex' },
      { user: 'erin', role: 'admin', tenant: 'acme', resourceInstance: 'document:doc-2' },
      ...crowdAssignments(),
    ],
    grants: [
      { user: 'dave', resourceUri: '/projects/p1', roles: ['viewer'], permissions: [], tenant: 'acme' },
      { user: 'dave', resourceUri: '/files/p1', roles: ['viewer'], permissions: [], tenant: 'acme' },
    ],
  };
}

/** The fixture policy (frozen reference copy; use {@link policySnapshot} for a mutable one). */
export const POLICY: PolicySnapshot = policySnapshot();

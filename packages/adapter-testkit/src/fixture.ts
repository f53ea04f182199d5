/**
 * The policy every adapter is tested against, in snapshot form (docs/MODEL.md, "Policy snapshots"):
 *
 * - resource type `document` with `read`, `write`, `delete`;
 * - roles `viewer` (read) ⊂ `editor` (+write) ⊂ `admin` (+delete), via `extends`;
 * - tenants `acme` and `globex`;
 * - `alice` editor@acme, `bob` viewer@acme, `carol` editor@globex;
 * - `erin`: admin on the single instance `document:doc-2` in acme (instance role);
 * - `dave`: viewer on the URIs `/projects/p1` and `/files/p1` in acme (URI grants);
 * - `crowd-00` … `crowd-49` for the concurrency scenario (see {@link crowdUser});
 * - attributes (ABAC): documents declare `ownerId` and `classification`, users
 *   declare `department`; two condition set rules: every user may `write` the
 *   documents they own (`resource.ownerId` equals `user.key`), and engineers
 *   (`user.department` = `engineering`) may `read` `public` documents. The
 *   attributes come from the check only: the resource resolver loads them
 *   from {@link ABAC_DOCUMENTS}, the user resolver reads the `x-claims` header
 *   (see {@link CLAIMS_HEADER}).
 */
import type { PolicySnapshot, RoleAssignmentCreate } from '@permissio/core';

/** Header carrying the user key in every test app. */
export const USER_HEADER = 'x-user';
/** Header carrying the tenant key in apps whose tenant comes from the request. */
export const TENANT_HEADER = 'x-tenant';

/**
 * Header carrying the user's claims (JSON) in every test app, as a JWT's
 * claims would: the user resolver answers `{ key, attributes: claims }` when
 * it is present (and throws when it is not JSON, like a bad token).
 */
export const CLAIMS_HEADER = 'x-claims';

/** A document of the ABAC routes' store, as a database row. */
export interface AbacDocument {
  readonly ownerId: string;
  readonly classification: 'public' | 'internal' | 'secret';
}

/**
 * The ABAC routes' document store (`/records/:id`): `rec-public` and
 * `rec-secret` are owned by `bob` (a viewer in acme), `rec-erin` by `erin`;
 * `rec-down` is a row whose load fails (the store throws).
 */
export const ABAC_DOCUMENTS: ReadonlyMap<string, AbacDocument> = new Map([
  ['rec-public', { ownerId: 'bob', classification: 'public' }],
  ['rec-secret', { ownerId: 'bob', classification: 'secret' }],
  ['rec-erin', { ownerId: 'erin', classification: 'internal' }],
]);

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
    resources: [
      {
        key: 'document',
        name: 'Document',
        actions: ['read', 'write', 'delete'],
        attributes: [
          { key: 'ownerId', type: 'string' },
          { key: 'classification', type: 'string' },
        ],
      },
    ],
    userAttributes: [{ key: 'department', type: 'string' }],
    conditionSets: [
      { key: 'everyone', type: 'userset', conditions: { 'user.key': { exists: true } } },
      { key: 'engineers', type: 'userset', conditions: { 'user.department': { equals: 'engineering' } } },
      {
        key: 'owned-documents',
        type: 'resourceset',
        resourceType: 'document',
        conditions: { 'resource.ownerId': { equals: { ref: 'user.key' } } },
      },
      {
        key: 'public-documents',
        type: 'resourceset',
        resourceType: 'document',
        conditions: { 'resource.classification': { equals: 'public' } },
      },
    ],
    conditionSetRules: [
      { userSet: 'everyone', permission: 'document:write', resourceSet: 'owned-documents' },
      { userSet: 'engineers', permission: 'document:read', resourceSet: 'public-documents' },
    ],
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

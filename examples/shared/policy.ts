/**
 * The one policy, cast and data set shared by every example and the demo.
 *
 * This file has no imports on purpose: the examples import it by relative
 * path (`../../shared/policy.ts`), and a file outside a package cannot resolve
 * that package's dependencies. Each example types it where it is used
 * (`createEngine(policy)` checks it against `PolicySnapshot`).
 *
 * The model:
 * - two resource types: `document` (read, write, delete, share) and
 *   `project` (read, write);
 * - three roles with inheritance: `viewer` ⊂ `editor` ⊂ `admin`;
 * - two tenants, `acme` and `globex`, that never see each other's grants;
 * - an instance role (bob is editor on `document:doc-2` only);
 * - a URI role on the project hierarchy `/projects/:projectId/documents/:documentId`
 *   (dave is editor on `/projects/p1`, so on every document under it);
 * - attribute rules (ABAC, see {@link ATTRIBUTE_RULES}): the owner of a
 *   document may edit it, and engineers may read the `public` documents of
 *   their own tenant. The document's `ownerId` and `classification` come from
 *   the store (the resource resolver), the user's `department` and
 *   `homeTenant` from the token's claims (the user resolver).
 */

/**
 * Secret of the demo tokens (HS256). DEMO ONLY: a real app verifies tokens
 * from its identity provider (a JWKS URL, `jose.createRemoteJWKSet`), never a
 * secret committed to a repository. Overridden by `DEMO_JWT_SECRET`.
 */
export const DEMO_JWT_SECRET = 'permissio-demo-secret-do-not-use-in-production';

/** Issuer and audience of the demo tokens; verification requires both. */
export const DEMO_JWT_ISSUER = 'urn:permissio:examples';
export const DEMO_JWT_AUDIENCE = 'urn:permissio:examples:documents';

/** A demo user: the JWT `sub` is `key`, the `tenant` claim is `tenant`, the `department` claim is `department`. */
export interface DemoUser {
  readonly key: string;
  readonly tenant: string;
  readonly department: string;
  readonly description: string;
}

/** The cast. The short name (`alice`) is what the token helpers accept. */
export const USERS = {
  alice: { key: 'alice@acme.test', tenant: 'acme', department: 'product', description: 'editor in acme' },
  bob: {
    key: 'bob@acme.test',
    tenant: 'acme',
    department: 'finance',
    description: 'viewer in acme, editor on document doc-2 only, owner of doc-4',
  },
  carol: {
    key: 'carol@globex.test',
    tenant: 'globex',
    department: 'engineering',
    description: 'admin in globex (another tenant), an engineer',
  },
  dave: {
    key: 'dave@acme.test',
    tenant: 'acme',
    department: 'engineering',
    description: 'no tenant role; editor on /projects/p1 (URI role); an engineer',
  },
  erin: { key: 'erin@acme.test', tenant: 'acme', department: 'legal', description: 'admin in acme' },
} as const satisfies Record<string, DemoUser>;

export type DemoUserName = keyof typeof USERS;

/**
 * The attribute rules (ABAC): declared attributes, condition sets and the
 * rules joining them (docs/MODEL.md, "Conditions"). Values are read at check
 * time: `resource.*` from the document the resolver loaded, `user.*` from the
 * token's claims. Three-valued: a document or a token without the attribute
 * matches nothing.
 */
// One constant per condition set: a file without imports cannot name core's
// `ConditionSet` type, and separate constants keep each one's exact shape.
const everyone = {
  key: 'everyone',
  name: 'Every user',
  type: 'userset' as const,
  conditions: { 'user.key': { exists: true } },
};
const engineers = {
  key: 'engineers',
  name: 'Engineers',
  type: 'userset' as const,
  conditions: { 'user.department': { equals: 'engineering' } },
};
const ownDocuments = {
  key: 'own-documents',
  name: "The user's own documents",
  type: 'resourceset' as const,
  resourceType: 'document',
  conditions: { 'resource.ownerId': { equals: { ref: 'user.key' } } },
};
const isPublic = { 'resource.classification': { equals: 'public' } };
const inMyTenant = { 'resource.tenant': { equals: { ref: 'user.homeTenant' } } };
// The tenant match keeps a rule without `tenant` inside the caller's own tenant:
// the check's tenant is the document's, so without it an engineer of globex would read acme's public documents.
const publicDocumentsOfMyTenant = {
  key: 'public-documents-of-my-tenant',
  name: "Public documents of the user's tenant",
  type: 'resourceset' as const,
  resourceType: 'document',
  conditions: {
    allOf: [isPublic, inMyTenant],
  },
};

export const ATTRIBUTE_RULES = {
  /** Claims of the demo tokens, passed as `CheckUser.attributes`. */
  userAttributes: [
    { key: 'department', type: 'string' as const },
    { key: 'homeTenant', type: 'string' as const },
  ],
  conditionSets: [everyone, engineers, ownDocuments, publicDocumentsOfMyTenant],
  conditionSetRules: [
    // Owners may edit their own documents.
    { userSet: 'everyone', permission: 'document:write', resourceSet: 'own-documents' },
    // Engineers may read public documents (of their tenant).
    { userSet: 'engineers', permission: 'document:read', resourceSet: 'public-documents-of-my-tenant' },
  ],
};

/** The policy snapshot: `createEngine(policy)` and the server's `seed`. */
export const policy = {
  resources: [
    {
      key: 'document',
      name: 'Document',
      actions: ['read', 'write', 'delete', 'share'],
      attributes: [
        { key: 'ownerId', type: 'string' as const },
        { key: 'classification', type: 'string' as const },
      ],
    },
    { key: 'project', name: 'Project', actions: ['read', 'write'] },
  ],
  roles: [
    { key: 'viewer', name: 'Viewer', permissions: ['document:read', 'project:read'] },
    { key: 'editor', name: 'Editor', permissions: ['document:write', 'project:write'], extends: ['viewer'] },
    { key: 'admin', name: 'Admin', permissions: ['document:delete', 'document:share'], extends: ['editor'] },
  ],
  tenants: [
    { key: 'acme', name: 'Acme Corp' },
    { key: 'globex', name: 'Globex Corporation' },
  ],
  users: Object.values(USERS).map((user) => ({ key: user.key, email: user.key })),
  roleAssignments: [
    { user: USERS.alice.key, role: 'editor', tenant: 'acme' },
    { user: USERS.bob.key, role: 'viewer', tenant: 'acme' },
    { user: USERS.bob.key, role: 'editor', tenant: 'acme', resourceInstance: 'document:doc-2' },
    { user: USERS.carol.key, role: 'admin', tenant: 'globex' },
    { user: USERS.erin.key, role: 'admin', tenant: 'acme' },
  ],
  grants: [{ user: USERS.dave.key, resourceUri: '/projects/p1', roles: ['editor'], tenant: 'acme' }],
  ...ATTRIBUTE_RULES,
};

/** How secret a document is; the classification rule lets engineers read `public` ones. */
export type Classification = 'public' | 'internal' | 'secret';

/** The classifications a document may have (`POST /documents` accepts one). */
export const CLASSIFICATIONS: readonly Classification[] = ['public', 'internal', 'secret'];

/** A document of the store (`documents.ts`: a SQLite table). */
export interface Document {
  readonly id: string;
  readonly tenant: string;
  readonly projectId: string;
  /** Key of the user who owns it (the owner rule lets them edit it). */
  readonly ownerId: string;
  classification: Classification;
  title: string;
  body: string;
  /** User keys the document was shared with (`POST /documents/:id/share`). */
  sharedWith: string[];
}

/** A project (only the URI hierarchy and the tenant matter here). */
export interface Project {
  readonly id: string;
  readonly tenant: string;
  readonly name: string;
}

export const PROJECTS: readonly Project[] = [
  { id: 'p1', tenant: 'acme', name: 'Website relaunch' },
  { id: 'p2', tenant: 'acme', name: 'Finance' },
  { id: 'g1', tenant: 'globex', name: 'Doomsday device' },
];

/** Fresh copies of the seed documents (each app instance seeds its own table with them). */
export function seedDocuments(): Document[] {
  return [
    seedDocument('doc-1', 'acme', 'p1', USERS.alice.key, 'internal', 'Roadmap', 'Q3: ship it.'),
    seedDocument('doc-2', 'acme', 'p2', USERS.erin.key, 'secret', 'Budget', 'Coffee: 40%.'),
    seedDocument('doc-3', 'globex', 'g1', USERS.carol.key, 'internal', 'Master plan', 'Step 1: volcano.'),
    seedDocument('doc-4', 'acme', 'p2', USERS.bob.key, 'public', 'Expense policy', 'Receipts within 30 days.'),
  ];
}

function seedDocument(
  id: string,
  tenant: string,
  projectId: string,
  ownerId: string,
  classification: Classification,
  title: string,
  body: string,
): Document {
  return { id, tenant, projectId, ownerId, classification, title, body, sharedWith: [] };
}

/** The URI of a document in the project hierarchy: `/projects/p1/documents/doc-1`. */
export function documentUri(document: Pick<Document, 'projectId' | 'id'>): string {
  return `/projects/${encodeURIComponent(document.projectId)}/documents/${encodeURIComponent(document.id)}`;
}

/** A project of `tenant`, or undefined (another tenant's project is invisible). */
export function findProject(tenant: string | undefined, projectId: string | undefined): Project | undefined {
  return PROJECTS.find((project) => project.id === projectId && project.tenant === tenant);
}

/** Reads a JSON body field as a bounded string, or undefined. */
export function stringField(body: unknown, field: string, maxLength = 10_000): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : undefined;
}

/** Reads a JSON body field as a classification, `internal` when absent, or undefined when it is not one. */
export function classificationField(body: unknown): Classification | undefined {
  const value =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>).classification : undefined;
  if (value === undefined) return 'internal';
  return CLASSIFICATIONS.find((c) => c === value);
}

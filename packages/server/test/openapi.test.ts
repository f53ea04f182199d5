/**
 * The OpenAPI walk: every path + method of the document is served (never a
 * route-not-found 404), answers 2xx with sample input, and its real response
 * validates against the documented schema — with Ajv 8 from Fastify's own
 * dependency tree, compiled from the document (refs resolved in it).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, hashApiKey, SERVER_VERSION, type PermissioServer } from '../src/index.js';
import { routes } from '../src/routes/index.js';
import { client, KEY_A, loadAjv, PACKAGE_DIR, POLICY, SCOPE_A, scopePath, startTestServer } from './helpers.js';

/** A documented response, as far as the walk reads it. */
type DocResponse = { content?: Record<string, { schema?: unknown }> };
type Doc = { paths: Record<string, Record<string, { responses: Record<string, DocResponse> }>> };

interface Sample {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/** A second key of scope A, revoked by the walk. */
const KEY_REVOKED = 'permis_key_test_openapi_revoked_0123456789';

const check = {
  user: 'alice@example.com',
  action: 'read',
  resource: { type: 'document', key: 'doc-1', tenant: 'acme' },
};
const assignment = { user: 'team/bob', role: 'editor', tenant: 'acme' };

/** Inputs per operation that must succeed on a server seeded with POLICY (deletes run last). */
const samples: Record<string, Sample> = {
  health: {},
  openapi: {},
  'apiKey.scope': {},
  'apiKeys.list': {},
  'apiKeys.create': { body: { scopes: ['read'] } },
  'apiKeys.revoke': { params: { id: hashApiKey(KEY_REVOKED).slice(0, 12) } },
  check: { body: check },
  'check.bulk': {
    body: {
      checks: [
        check,
        { user: 'team/bob', action: 'read', resource: { type: 'document', key: 'doc-1' }, tenant: 'acme' },
      ],
    },
  },
  'check.explain': { body: check },
  plan: { body: { user: 'team/bob', action: 'read', resourceType: 'document', tenant: 'acme' } },
  'check.permissions': {
    body: {
      user: 'alice@example.com',
      resourceUris: ['/project/456/x'],
      permissions: ['document:read', 'project:admin'],
      tenant: 'acme',
    },
  },
  'users.permissions': {
    params: { user: 'alice@example.com' },
    query: { resourceUri: '/project/456', tenant: 'acme' },
  },
  'grants.grant': {
    body: { user: 'team/bob', resourceUri: '/project/9', permissions: ['document:read'], tenant: 'acme' },
  },
  'grants.revoke': {
    body: { user: 'team/bob', resourceUri: '/project/9', permissions: ['document:read'], tenant: 'acme' },
  },
  'users.list': { query: { page: '1', perPage: '5', search: 'a' } },
  'users.create': { body: { key: 'walk-user', email: 'w@example.com', attributes: { plan: 'pro' } } },
  'users.get': { params: { key: 'alice@example.com' } },
  'users.update': { params: { key: 'alice@example.com' }, body: { firstName: 'Alice' } },
  'users.sync': { params: { key: 'team/bob' }, body: { lastName: 'B', roles: ['viewer'], tenant: 'acme' } },
  'users.delete': { params: { key: 'walk-user' } },
  'users.getTenants': { params: { key: 'alice@example.com' } },
  'tenants.list': { query: {} },
  'tenants.create': { body: { key: 'walk-tenant', name: 'Walk' } },
  'tenants.get': { params: { key: 'acme' } },
  'tenants.update': { params: { key: 'acme' }, body: { description: 'The Acme company' } },
  'tenants.sync': { params: { key: 'globex' }, body: { name: 'Globex' } },
  'tenants.delete': { params: { key: 'walk-tenant' } },
  'tenants.removeUser': { params: { key: 'acme', user: 'team/bob' } },
  'roles.list': {},
  'roles.create': { body: { key: 'walk-role', permissions: ['document:read'] } },
  'roles.get': { params: { key: 'editor' } },
  'roles.update': { params: { key: 'editor' }, body: { description: 'Edits documents' } },
  'roles.sync': { params: { key: 'auditor' }, body: { permissions: ['document:read'] } },
  'roles.delete': { params: { key: 'walk-role' } },
  'roles.getPermissions': { params: { key: 'editor' } },
  'roles.addPermissions': { params: { key: 'editor' }, body: { permissions: ['document:delete', 'project:read'] } },
  'roles.removePermission': { params: { key: 'editor', permission: 'document:delete' } },
  'roles.getExtends': { params: { key: 'editor' } },
  'roles.addExtends': { params: { key: 'walk-role', parent: 'viewer' } },
  'roles.removeExtends': { params: { key: 'editor', parent: 'viewer' } },
  'resources.list': {},
  'resources.create': { body: { key: 'walk-type', actions: ['go', { key: 'stop', name: 'Stop' }] } },
  'resources.get': { params: { key: 'document' } },
  'resources.update': { params: { key: 'document' }, body: { description: 'Documents' } },
  'resources.sync': { params: { key: 'folder' }, body: { actions: ['open'] } },
  'resources.delete': { params: { key: 'walk-type' } },
  'resources.listActions': { params: { type: 'document' } },
  'resources.createAction': { params: { type: 'document' }, body: { key: 'share', name: 'Share' } },
  'resources.deleteAction': { params: { type: 'document', action: 'share' } },
  'resources.listAttributes': { params: { type: 'document' } },
  'resources.createAttribute': { params: { type: 'document' }, body: { key: 'size', type: 'number' } },
  'resources.deleteAttribute': { params: { type: 'document', key: 'size' } },
  'permissions.list': { query: { resourceType: 'document', search: 'read', page: '1', perPage: '10' } },
  'permissions.create': { body: { name: 'walk.perm', description: 'Walk' } },
  'permissions.get': { params: { name: 'walk.perm' } },
  'permissions.update': { params: { name: 'walk:perm' }, body: { name: 'walk:renamed', description: 'Renamed' } },
  'permissions.delete': { params: { name: 'walk:renamed' } },
  'principals.list': { query: { limit: '1', search: 'a', type: 'user' } },
  'principals.assignments': { params: { id: 'alice@example.com' }, query: { tenant: 'acme' } },
  'roleAssignments.list': { query: { user: 'alice@example.com', perPage: '100' } },
  'roleAssignments.listDetailed': { query: { tenant: 'acme' } },
  'roleAssignments.assign': { body: assignment },
  'roleAssignments.unassign': { body: assignment },
  'roleAssignments.bulkAssign': { body: { assignments: [{ user: 'alice@example.com', role: 'viewer' }, assignment] } },
  'roleAssignments.bulkUnassign': { body: { assignments: [assignment] } },
  'users.listAttributes': {},
  'users.createAttribute': { body: { key: 'walk-attr', type: 'number' } },
  'users.deleteAttribute': { params: { key: 'walk-attr' } },
  'conditionSets.list': { query: { page: '1', perPage: '5', search: 'walk' } },
  'conditionSets.create': {
    body: { key: 'walk-set', name: 'Walk', type: 'userset', conditions: { 'user.email': { 'starts-with': 'alice' } } },
  },
  'conditionSets.get': { params: { key: 'walk-set' } },
  'conditionSets.update': {
    params: { key: 'walk-set' },
    body: {
      conditions: { anyOf: [{ 'user.email': { 'starts-with': 'alice' } }, { 'user.key': { equals: 'team/bob' } }] },
    },
  },
  'conditionSets.sync': {
    params: { key: 'walk-docs' },
    body: {
      type: 'resourceset',
      resourceType: 'document',
      conditions: { 'resource.title': { equals: { ref: 'user.key' } } },
    },
  },
  'conditionSets.delete': { params: { key: 'walk-set' } },
  'conditionSetRules.list': { query: { userSet: 'walk-set', page: '1', perPage: '10' } },
  'conditionSetRules.create': {
    body: { userSet: 'walk-set', permission: 'document:read', resourceSet: 'walk-docs', tenant: 'acme' },
  },
  'conditionSetRules.delete': {
    body: { userSet: 'walk-set', permission: 'document:read', resourceSet: 'walk-docs', tenant: 'acme' },
  },
  'snapshot.export': {},
  'snapshot.load': { body: POLICY },
};

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

let server: PermissioServer;
let doc: Doc;
let ajv: InstanceType<ReturnType<typeof loadAjv>>;

beforeAll(async () => {
  server = await startTestServer({
    seed: POLICY,
    seedScopes: [SCOPE_A],
    apiKeys: [
      { key: KEY_A, ...SCOPE_A },
      { key: KEY_REVOKED, ...SCOPE_A, scopes: ['check'] },
    ],
  });
  const response = await fetch(`${server.url}/openapi.json`);
  doc = (await response.json()) as Doc;
  const Ajv = loadAjv();
  ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(doc, 'openapi.json');
});
afterAll(() => server.close());

describe('OpenAPI document', () => {
  it('is the shipped openapi/openapi.json, and the served one', () => {
    const shipped = JSON.parse(readFileSync(`${PACKAGE_DIR}/openapi/openapi.json`, 'utf8'));
    const built = JSON.parse(JSON.stringify(buildOpenApiDocument()));
    // If this fails: pnpm --filter @permissio/server openapi
    expect(shipped).toEqual(built);
    expect(doc).toEqual(built);
    expect((built as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('declares every route of docs/REST.md', () => {
    const rest = readFileSync(`${PACKAGE_DIR}/../../docs/REST.md`, 'utf8');
    const wanted = new Set<string>();
    for (const match of rest.matchAll(/`([A-Z]+(?:\/[A-Z]+)*) (P?\/[^`\s]*)`/g)) {
      const path = (match[2] as string).replace(/^P\//, '/v1/projects/{projectId}/environments/{environmentId}/');
      for (const method of (match[1] as string).split('/')) wanted.add(`${method.toLowerCase()} ${path}`);
    }
    expect(wanted.size).toBeGreaterThan(40);
    const declared = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`)),
    );
    expect([...wanted].filter((route) => !declared.has(route))).toEqual([]);
  });

  it('has a sample for every operation', () => {
    expect(routes.map((r) => r.operationId).filter((id) => !(id in samples))).toEqual([]);
  });

  it('package version matches', () => {
    const pkg = JSON.parse(readFileSync(`${PACKAGE_DIR}/package.json`, 'utf8')) as { version: string };
    expect(SERVER_VERSION).toBe(pkg.version);
  });
});

describe('OpenAPI walk: every documented operation is served and answers its documented schema', () => {
  const api = () => client(server.url, KEY_A);
  const ordered = [
    ...routes.filter((r) => r.method !== 'DELETE' && r.operationId !== 'snapshot.load'),
    ...routes.filter((r) => r.method === 'DELETE'),
    ...routes.filter((r) => r.operationId === 'snapshot.load'),
  ];

  for (const route of ordered) {
    it(`${route.method} ${route.path} (${route.operationId})`, async () => {
      const sample = samples[route.operationId] ?? {};
      const params: Record<string, string> = {
        projectId: SCOPE_A.projectId,
        environmentId: SCOPE_A.environmentId,
        ...sample.params,
      };
      const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`no sample for {${name}}`);
        return encodeURIComponent(value);
      });
      const query = sample.query && Object.keys(sample.query).length > 0 ? `?${new URLSearchParams(sample.query)}` : '';
      const answer = await api()(route.method, path + query, sample.body);

      expect(answer.body?.error?.code, answer.text).not.toBe('ROUTE_NOT_FOUND');
      expect(answer.status, `${answer.status} ${answer.text}`).toBeGreaterThanOrEqual(200);
      expect(answer.status, `${answer.status} ${answer.text}`).toBeLessThan(300);

      const documented = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses[String(answer.status)];
      expect(documented, `status ${answer.status} is documented`).toBeDefined();
      const schema = documented?.content?.['application/json']?.schema;
      if (schema === undefined) {
        expect(answer.text).toBe('');
        return;
      }
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      const response = pointer('paths', route.path, route.method.toLowerCase(), 'responses', String(answer.status));
      const validate = ajv.compile({ $ref: `openapi.json#/${response}/content/application~1json/schema` });
      const valid = validate(answer.body);
      expect(valid, `${ajv.errorsText(validate.errors)}\n${answer.text}`).toBe(true);
    });
  }

  it('error answers validate against the Error schema', async () => {
    const validate = ajv.compile({ $ref: 'openapi.json#/components/schemas/Error' });
    const call = client(server.url, KEY_A);
    const answers = [
      await call('GET', '/nowhere'),
      await call('POST', 'P/check', { user: 'x' }),
      await call('POST', 'P/check', undefined, '{oops'),
      await call('GET', 'P/users/nobody'),
      await call('POST', 'P/users', { key: 'alice@example.com' }),
      await client(server.url, undefined)('GET', 'P/users'),
      await client(server.url, KEY_A, { projectId: 'other', environmentId: 'dev' })('GET', 'P/users'),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 422, 400, 404, 409, 401, 403]);
    for (const answer of answers) expect(validate(answer.body), answer.text).toBe(true);
  });

  it('scope path helper encodes', () => {
    expect(scopePath({ projectId: 'a/b', environmentId: 'c d' })).toBe('/v1/projects/a%2Fb/environments/c%20d');
  });
});

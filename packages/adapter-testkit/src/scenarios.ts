/**
 * THE scenario matrix: every adapter (Express, Fastify, Hono, NestJS on both
 * platforms) must give these answers. Framework-neutral data: a variant (how
 * the app is configured), a request, and what must come back.
 */
import { ABAC_SCENARIOS } from './abac-scenarios.js';
import { TENANT_HEADER, USER_HEADER } from './fixture.js';
import type { TestRequest, VariantConfig } from './types.js';

/** The app configurations scenarios run against (built lazily, once per suite). */
export const VARIANTS = {
  default: { pdp: 'engine' },
  asyncResolvers: { pdp: 'engine', asyncResolvers: true },
  exposeReason: { pdp: 'engine', exposeReason: true },
  tenantFromUser: { pdp: 'engine', tenant: 'user' },
  throwing: { pdp: 'throw' },
  throwingExposed: { pdp: 'throw', exposeReason: true },
  throwing403: { pdp: 'throw', failureStatus: 403 },
  hanging: { pdp: 'hang', decisionTimeout: 100 },
  malformed: { pdp: 'malformed' },
  http: { pdp: 'http' },
  httpBlackhole: { pdp: 'http-blackhole' },
  hooks: { pdp: 'engine', hooks: true },
  hooksError: { pdp: 'throw', hooks: true },
  requireGuard: { pdp: 'engine', requireGuard: true },
  requireGuardHooks: { pdp: 'engine', requireGuard: true, hooks: true },
  lateAuth: { pdp: 'engine', lateAuth: true },
  lateAuthAsync: { pdp: 'engine', lateAuth: true, asyncResolvers: true },
} as const satisfies Record<string, VariantConfig>;

export type VariantName = keyof typeof VARIANTS;

/** What a scenario's response must look like. */
export interface ScenarioExpectation {
  /** The status, or the statuses acceptable when routers legitimately differ (e.g. 404 vs 403). */
  status: number | readonly number[];
  /** PDP decision calls (HTTP requests for the `http*` variants) the request may cause. */
  pdpCalls?: number;
  /** Properties the JSON body must have (partial, deep match). */
  body?: Record<string, unknown>;
  /** Top-level body properties that must be absent (e.g. `reason` without `exposeReason`). */
  bodyExcludes?: readonly string[];
  /**
   * Handler runs. Defaults to 1 when every accepted status is 2xx and 0
   * otherwise: a refused request never reaches its handler.
   */
  handlerRuns?: number;
  /** Text the problem body's `detail` must contain. */
  detailIncludes?: string;
  /** `Content-Type: application/problem+json`. Defaults to true for 400/401/403/503 outside hook variants. */
  problem?: boolean;
}

/** One row of the matrix. */
export interface Scenario {
  name: string;
  variant: VariantName;
  request: TestRequest;
  expect: ScenarioExpectation;
  /** Needs the driver's `hookOptions()`; skipped without. */
  requiresHooks?: boolean;
}

/** Headers of a request by `user` in `tenant` (acme unless told). */
export function as(user: string, tenant: string | null = 'acme'): Record<string, string> {
  return tenant === null ? { [USER_HEADER]: user } : { [USER_HEADER]: user, [TENANT_HEADER]: tenant };
}

const GENERIC_403 = {
  type: 'about:blank',
  title: 'Forbidden',
  status: 403,
  detail: 'You do not have permission to perform this action.',
};

const get = (path: string, headers?: Record<string, string>, raw?: boolean): TestRequest =>
  raw === true ? { method: 'GET', path, headers: headers ?? {}, raw } : { method: 'GET', path, headers: headers ?? {} };

/** Requests a user with only URI grants (dave: viewer on `/files/p1`) makes to the path-derived route. */
function pathTrick(name: string, path: string, status: number | readonly number[], raw = false): Scenario {
  return { name: `path: ${name}`, variant: 'default', request: get(path, as('dave'), raw), expect: { status } };
}

const RBAC_SCENARIOS: readonly Scenario[] = [
  // --- late auth: the app's own auth runs after the adapter's registration, before the check
  {
    name: 'late auth: the user set by auth after the adapter counts',
    variant: 'lateAuth',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 200, pdpCalls: 1, body: { ok: true, id: 'doc-1', user: 'alice' } },
  },
  {
    name: 'late auth: denied user still 403',
    variant: 'lateAuth',
    request: { method: 'DELETE', path: '/documents/doc-1', headers: as('bob') },
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'late auth: no user still 401',
    variant: 'lateAuth',
    request: get('/documents/doc-1'),
    expect: { status: 401, pdpCalls: 0 },
  },
  {
    name: 'late auth with async resolvers: handler checks reuse the scope',
    variant: 'lateAuthAsync',
    request: get('/documents/doc-1/reuse', as('alice')),
    expect: { status: 200, pdpCalls: 1, body: { again: true } },
  },
  // --- allow / deny / 401
  {
    name: 'public route needs no user',
    variant: 'default',
    request: get('/public'),
    expect: { status: 200, pdpCalls: 0 },
  },
  {
    name: 'allow: editor reads a document',
    variant: 'default',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 200, pdpCalls: 1, body: { ok: true, id: 'doc-1', user: 'alice' } },
  },
  {
    name: 'allow: type-only resource',
    variant: 'default',
    request: get('/type-only', as('bob')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'deny: viewer may not delete (403, generic problem body)',
    variant: 'default',
    request: { method: 'DELETE', path: '/documents/doc-1', headers: as('bob') },
    expect: { status: 403, pdpCalls: 1, body: GENERIC_403, bodyExcludes: ['reason', 'code'] },
  },
  {
    name: 'deny: unknown user',
    variant: 'default',
    request: get('/documents/doc-1', as('zed')),
    expect: { status: 403, pdpCalls: 1, bodyExcludes: ['reason'] },
  },
  {
    name: '401 without a user, and the PDP is not called',
    variant: 'default',
    request: get('/documents/doc-1'),
    expect: { status: 401, pdpCalls: 0, body: { status: 401, title: 'Unauthorized' } },
  },
  {
    name: '401 with an empty user header',
    variant: 'default',
    request: get('/documents/doc-1', as('')),
    expect: { status: 401, pdpCalls: 0 },
  },
  {
    name: '401 comes before a broken resolver',
    variant: 'default',
    request: get('/broken'),
    expect: { status: 401, pdpCalls: 0 },
  },
  // --- requireGuard (the tests run with NODE_ENV ≠ production: 500 naming the route)
  {
    name: 'without requireGuard an unguarded route runs',
    variant: 'default',
    request: get('/unguarded'),
    expect: { status: 200, pdpCalls: 0 },
  },
  {
    name: 'requireGuard: unguarded route refused (500 naming the route), handler not run',
    variant: 'requireGuard',
    request: get('/unguarded', as('alice')),
    expect: { status: 500, pdpCalls: 0, problem: true, body: { status: 500 }, detailIncludes: 'GET /unguarded' },
  },
  {
    name: 'requireGuard: unguarded route refused for anonymous callers too',
    variant: 'requireGuard',
    request: get('/unguarded'),
    expect: { status: 500, pdpCalls: 0, problem: true },
  },
  {
    name: 'requireGuard: HEAD on an unguarded GET route is refused',
    variant: 'requireGuard',
    request: { method: 'HEAD', path: '/unguarded' },
    expect: { status: 500, pdpCalls: 0, problem: true },
  },
  {
    name: 'requireGuard: public marker lets the route run without a user',
    variant: 'requireGuard',
    request: get('/public'),
    expect: { status: 200, pdpCalls: 0 },
  },
  {
    name: 'requireGuard: guarded route allows',
    variant: 'requireGuard',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'requireGuard: guarded route still denies',
    variant: 'requireGuard',
    request: { method: 'DELETE', path: '/documents/doc-1', headers: as('bob') },
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'requireGuard: unknown path is still 404',
    variant: 'requireGuard',
    request: get('/no-such-route', as('alice')),
    expect: { status: 404 },
  },
  {
    name: 'requireGuard: refusal hooks do not handle an unguarded route',
    variant: 'requireGuardHooks',
    requiresHooks: true,
    request: get('/unguarded', as('alice')),
    expect: { status: 500, problem: true },
  },
  // --- resolvers
  {
    name: 'resolver throws → 403',
    variant: 'default',
    request: get('/broken', as('alice')),
    expect: { status: 403, pdpCalls: 0 },
  },
  {
    name: 'resolver returns nothing → 403',
    variant: 'default',
    request: get('/nothing', as('alice')),
    expect: { status: 403, pdpCalls: 0 },
  },
  {
    name: 'async resource resolver: allow',
    variant: 'default',
    request: get('/async-documents/doc-1', as('alice')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'async resource resolver: deny',
    variant: 'default',
    request: get('/async-documents/doc-1', as('carol')),
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'async user and tenant resolvers: allow',
    variant: 'asyncResolvers',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'async user and tenant resolvers: 401',
    variant: 'asyncResolvers',
    request: get('/documents/doc-1'),
    expect: { status: 401, pdpCalls: 0 },
  },
  {
    name: 'async user and tenant resolvers: deny',
    variant: 'asyncResolvers',
    request: get('/documents/doc-1', as('carol')),
    expect: { status: 403, pdpCalls: 1 },
  },
  // --- tenants
  {
    name: 'tenant from header: own tenant allows',
    variant: 'default',
    request: get('/documents/doc-1', as('carol', 'globex')),
    expect: { status: 200 },
  },
  {
    name: 'tenant from header: other tenant denies',
    variant: 'default',
    request: get('/documents/doc-1', as('carol', 'acme')),
    expect: { status: 403 },
  },
  {
    name: 'tenant from header: editor@acme denied in globex',
    variant: 'default',
    request: get('/documents/doc-1', as('alice', 'globex')),
    expect: { status: 403 },
  },
  {
    name: 'no tenant header: default tenant grants nothing',
    variant: 'default',
    request: get('/documents/doc-1', as('alice', null)),
    expect: { status: 403 },
  },
  {
    name: 'tenant from user: header is ignored',
    variant: 'tenantFromUser',
    request: get('/documents/doc-1', as('carol', 'acme')),
    expect: { status: 200 },
  },
  {
    name: 'tenant from user: cross-tenant resource denied',
    variant: 'tenantFromUser',
    request: get('/acme/documents/doc-1', as('carol', 'acme')),
    expect: { status: 403 },
  },
  {
    name: 'tenant from user: own-tenant resource allowed',
    variant: 'tenantFromUser',
    request: get('/acme/documents/doc-1', as('alice', 'globex')),
    expect: { status: 200 },
  },
  // --- instance role
  {
    name: 'instance role: admin of doc-2 deletes doc-2',
    variant: 'default',
    request: { method: 'DELETE', path: '/documents/doc-2', headers: as('erin') },
    expect: { status: 200 },
  },
  {
    name: 'instance role: not on doc-1',
    variant: 'default',
    request: { method: 'DELETE', path: '/documents/doc-1', headers: as('erin') },
    expect: { status: 403 },
  },
  {
    name: 'instance role: extends applies (read doc-2)',
    variant: 'default',
    request: get('/documents/doc-2', as('erin')),
    expect: { status: 200 },
  },
  // --- URI ancestry through resourceFromPath
  {
    name: 'URI grant on /projects/p1 covers a document below it',
    variant: 'default',
    request: get('/projects/p1/documents/d9', as('dave')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'URI grant does not cover a sibling project',
    variant: 'default',
    request: get('/projects/p2/documents/d9', as('dave')),
    expect: { status: 403 },
  },
  {
    name: 'URI grant respects segment boundaries (/projects/p10)',
    variant: 'default',
    request: get('/projects/p10/documents/d9', as('dave')),
    expect: { status: 403 },
  },
  pathTrick('wildcard route below the grant', '/files/p1/a/b', 200),
  pathTrick('the granted URI itself', '/files/p1', 200),
  pathTrick('trailing slash is canonicalised', '/files/p1/', 200),
  pathTrick('trailing slash on a sibling stays denied', '/files/p2/', 403),
  pathTrick('sibling prefix /files/p1-x', '/files/p1-x/a', 403),
  pathTrick('percent-encoded letters decode once (%70%31 = p1)', '/files/%70%31/a', 200),
  pathTrick('empty segment // → 400', '/files/p1//a', 400, true),
  pathTrick('encoded slash %2F → 400', '/files/p2%2F..%2Fp1', 400),
  pathTrick('encoded slash %2f lower case → 400', '/files/p1%2fa', 400),
  pathTrick('double encoding %252F → 400', '/files/p1%252Fa', 400),
  pathTrick('double encoding %2570 → 400', '/files/%2570%2531/a', 400),
  pathTrick('dot-dot escaping the grant (raw) is never allowed', '/files/p1/../p2/a', [400, 403], true),
  pathTrick('encoded dot-dot (raw) is never allowed', '/files/p1/%2e%2e/p2/a', [400, 403], true),
  pathTrick('dot segment (raw) is never allowed into a sibling', '/files/p2/./a', [400, 403], true),
  pathTrick(';x=1 is literal data, not a parameter', '/files/p1;x=1/a', 403),
  pathTrick('* is literal data, not a pattern', '/files/*', 403),
  pathTrick('* below the grant is just a name', '/files/p1/*', 200),
  pathTrick('upper case path never matches the lower-case grant', '/FILES/p1/a', [403, 404]),
  pathTrick('upper case key never matches', '/files/P1/a', 403),
  pathTrick('query string is not part of the URI', '/files/p2?x=/files/p1', 403),
  pathTrick('backslash → 400', '/files/p1%5C..%5Cp2', 400),
  // --- __proto__ and friends are data
  {
    name: '__proto__ as user is an unknown user',
    variant: 'default',
    request: get('/documents/doc-1', as('__proto__')),
    expect: { status: 403 },
  },
  {
    name: 'constructor as user is an unknown user',
    variant: 'default',
    request: get('/documents/doc-1', as('constructor')),
    expect: { status: 403 },
  },
  {
    name: '__proto__ as tenant grants nothing',
    variant: 'default',
    request: get('/documents/doc-1', as('alice', '__proto__')),
    expect: { status: 403 },
  },
  {
    name: '__proto__ as instance key grants nothing',
    variant: 'default',
    request: { method: 'DELETE', path: '/documents/__proto__', headers: as('erin') },
    expect: { status: 403 },
  },
  pathTrick('__proto__ as a path segment', '/files/__proto__/p1', 403),
  // --- an invalid key rejected by the engine is a 400 under every build (issue 10, #10: CJS answered 503)
  {
    name: 'instance key with a NUL (engine validation error) → 400',
    variant: 'default',
    request: get('/documents/doc%00', as('alice')),
    expect: { status: 400 },
  },
  // --- duplicated query parameters
  {
    name: 'query param once: allowed',
    variant: 'default',
    request: { method: 'DELETE', path: '/reports?doc=doc-2', headers: as('erin') },
    expect: { status: 200, body: { doc: 'doc-2' } },
  },
  {
    name: 'query param twice never allows (allowed value first)',
    variant: 'default',
    request: { method: 'DELETE', path: '/reports?doc=doc-2&doc=doc-1', headers: as('erin') },
    expect: { status: 403 },
  },
  {
    name: 'query param twice never allows (allowed value last)',
    variant: 'default',
    request: { method: 'DELETE', path: '/reports?doc=doc-1&doc=doc-2', headers: as('erin') },
    expect: { status: 403 },
  },
  // --- scope reuse
  {
    name: 'handler reuses the request scope: the PDP is asked once',
    variant: 'default',
    request: get('/documents/doc-1/reuse', as('alice')),
    expect: { status: 200, pdpCalls: 1, body: { again: true, stats: { pdpCalls: 1, hits: 1 } } },
  },
  // --- HEAD on GET routes
  {
    name: 'HEAD on a GET route: allowed like GET',
    variant: 'default',
    request: { method: 'HEAD', path: '/documents/doc-1', headers: as('alice') },
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'HEAD on a GET route: 401 like GET',
    variant: 'default',
    request: { method: 'HEAD', path: '/documents/doc-1' },
    expect: { status: 401, pdpCalls: 0 },
  },
  {
    name: 'HEAD on a GET route: 403 like GET',
    variant: 'default',
    request: { method: 'HEAD', path: '/files/p2', headers: as('dave') },
    expect: { status: 403, pdpCalls: 1 },
  },
  // --- exposeReason
  {
    name: 'exposeReason: denial carries the reason',
    variant: 'exposeReason',
    request: { method: 'DELETE', path: '/documents/doc-1', headers: as('bob') },
    expect: { status: 403, pdpCalls: 1, body: { status: 403, reason: 'no_matching_grant' } },
  },
  {
    name: 'exposeReason: unknown user reason',
    variant: 'exposeReason',
    request: get('/documents/doc-1', as('zed')),
    expect: { status: 403, body: { reason: 'unknown_user' } },
  },
  {
    name: 'exposeReason: allow still allows',
    variant: 'exposeReason',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'exposeReason: 400 names the problem',
    variant: 'exposeReason',
    request: get('/files/p1%2Fa', as('dave')),
    expect: { status: 400, body: { code: 'VALIDATION_ERROR' } },
  },
  {
    name: 'no exposeReason: 400 is generic',
    variant: 'default',
    request: get('/files/p1%2Fa', as('dave')),
    expect: { status: 400, bodyExcludes: ['code', 'reason'] },
  },
  // --- PDP failures
  {
    name: 'PDP throws → 503, generic body',
    variant: 'throwing',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 503, body: { status: 503, title: 'Service Unavailable' }, bodyExcludes: ['code'] },
  },
  {
    name: 'PDP throws, exposeReason → 503 with code',
    variant: 'throwingExposed',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 503, body: { code: 'NETWORK_ERROR' } },
  },
  {
    name: 'PDP throws, failureStatus 403 → 403',
    variant: 'throwing403',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 403 },
  },
  {
    name: 'PDP throws: no user is still 401',
    variant: 'throwing',
    request: get('/documents/doc-1'),
    expect: { status: 401, pdpCalls: 0 },
  },
  {
    name: 'PDP never answers → 503 after decisionTimeout',
    variant: 'hanging',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 503 },
  },
  {
    name: 'PDP answers garbage → 503, never allow',
    variant: 'malformed',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 503 },
  },
  {
    name: 'HTTP PDP socket never answers → 503 after checkTimeout',
    variant: 'httpBlackhole',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 503 },
  },
  // --- over HTTP to the local server
  {
    name: 'HTTP transport: allow',
    variant: 'http',
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 200, pdpCalls: 1 },
  },
  {
    name: 'HTTP transport: deny',
    variant: 'http',
    request: { method: 'DELETE', path: '/documents/doc-1', headers: as('bob') },
    expect: { status: 403, pdpCalls: 1 },
  },
  {
    name: 'HTTP transport: 401 without a request',
    variant: 'http',
    request: get('/documents/doc-1'),
    expect: { status: 401, pdpCalls: 0 },
  },
  {
    name: 'HTTP transport: 10 checks in a handler → 1 bulk call',
    variant: 'http',
    request: get('/dashboard/10', as('alice')),
    expect: { status: 200, pdpCalls: 2, body: { stats: { pdpCalls: 2, batches: 1 } } },
  },
  {
    name: 'HTTP transport: URI ancestry',
    variant: 'http',
    request: get('/projects/p1/documents/d9', as('dave')),
    expect: { status: 200, pdpCalls: 1 },
  },
  // --- hooks
  {
    name: 'onDenied hook writes its own response',
    variant: 'hooks',
    requiresHooks: true,
    request: { method: 'DELETE', path: '/documents/doc-1', headers: as('bob') },
    expect: { status: 418, body: { hook: 'onDenied', status: 403 } },
  },
  {
    name: 'onDenied hook also answers 400 refusals',
    variant: 'hooks',
    requiresHooks: true,
    request: get('/files/p1%2Fa', as('dave')),
    expect: { status: 418, body: { hook: 'onDenied', status: 400 } },
  },
  {
    name: 'onUnauthenticated hook writes its own response',
    variant: 'hooks',
    requiresHooks: true,
    request: get('/documents/doc-1'),
    expect: { status: 418, pdpCalls: 0, body: { hook: 'onUnauthenticated', status: 401 } },
  },
  {
    name: 'onError hook writes its own response',
    variant: 'hooksError',
    requiresHooks: true,
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 418, body: { hook: 'onError', status: 503 } },
  },
  {
    name: 'hooks: allowed requests are untouched',
    variant: 'hooks',
    requiresHooks: true,
    request: get('/documents/doc-1', as('alice')),
    expect: { status: 200 },
  },
];

/** Every row: the RBAC rows above, then the attribute rows (`abac-scenarios.ts`). */
export const SCENARIOS: readonly Scenario[] = [...RBAC_SCENARIOS, ...ABAC_SCENARIOS];

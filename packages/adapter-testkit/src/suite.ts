/**
 * Runs the matrix under vitest: `defineAdapterSuite(driver)` in an
 * adapter's test file registers one test per scenario plus the concurrency,
 * option-validation and HEAD checks. {@link MatrixEnvironment} is usable
 * without vitest's `describe` (e.g. from a custom harness).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NOT_REGISTERED, PROBLEM_CONTENT_TYPE, type PermissioAdapterBaseOptions } from '@permissio/core/internal';
import {
  CLAIMS_HEADER,
  CROWD_SIZE,
  TENANT_HEADER,
  USER_HEADER,
  USER_TENANTS,
  crowdAccess,
  crowdUser,
} from './fixture.js';
import { buildRoutes, type HandlerCounter } from './routes.js';
import { SCENARIOS, VARIANTS, as, type Scenario, type VariantName } from './scenarios.js';
import { Permissio, type Attributes, type CheckUser } from '@permissio/core';
import {
  engineClient,
  startFixtureServer,
  TEST_API_KEY,
  TEST_ENVIRONMENT,
  TEST_PROJECT,
  variantClient,
} from './clients.js';
import type { AdapterDriver, AppHandle, TestResponse, VariantClient } from './types.js';

interface BuiltVariant {
  app: AppHandle;
  client: VariantClient;
}

/** Builds (lazily) and closes the apps of the matrix's variants for one driver. */
export class MatrixEnvironment<Req> {
  readonly counter: HandlerCounter = { runs: 0 };
  readonly #built = new Map<VariantName, Promise<BuiltVariant>>();

  constructor(readonly driver: AdapterDriver<Req>) {}

  /** The app of `name`, built on first use. */
  variant(name: VariantName): Promise<BuiltVariant> {
    let built = this.#built.get(name);
    if (built === undefined) {
      built = this.#build(name);
      this.#built.set(name, built);
    }
    return built;
  }

  async #build(name: VariantName): Promise<BuiltVariant> {
    const config = VARIANTS[name];
    const client = await variantClient(config);
    const { access } = this.driver;
    const slow = <T>(value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), 1));
    // Late auth: the app's auth step records the user; the resolver only reads what it recorded.
    const authenticated = new WeakMap<object, string>();
    const lateAuth = 'lateAuth' in config && config.lateAuth;
    const authenticate = (req: Req): void => {
      const user = access.header(req, USER_HEADER);
      if (user !== undefined) authenticated.set(req as object, user);
    };
    const userOf = (req: Req): string | undefined =>
      lateAuth ? authenticated.get(req as object) : access.header(req, USER_HEADER);
    const tenantOf = (req: Req): string | undefined =>
      'tenant' in config && config.tenant === 'user'
        ? USER_TENANTS.get(userOf(req) ?? '')
        : access.header(req, TENANT_HEADER);
    // The user, with the claims of the `x-claims` header as attributes (a JWT's claims would come the same way).
    const userWithClaims = (req: Req): string | CheckUser | undefined => {
      const key = userOf(req);
      const claims = access.header(req, CLAIMS_HEADER);
      if (key === undefined || claims === undefined) return key;
      return { key, attributes: JSON.parse(claims) as Attributes };
    };
    const options: PermissioAdapterBaseOptions<Req> & Record<string, unknown> = {
      client: client.client,
      user: 'asyncResolvers' in config ? (req) => slow(userWithClaims(req)) : userWithClaims,
      tenant: 'asyncResolvers' in config ? (req) => slow(tenantOf(req)) : tenantOf,
    };
    if ('exposeReason' in config) options.exposeReason = config.exposeReason;
    if ('failureStatus' in config) options.failureStatus = config.failureStatus;
    if ('decisionTimeout' in config) options.decisionTimeout = config.decisionTimeout;
    if ('requireGuard' in config) options.requireGuard = config.requireGuard;
    if ('hooks' in config && this.driver.hookOptions !== undefined) Object.assign(options, this.driver.hookOptions());
    const routes = buildRoutes(this.driver, this.counter);
    const app = await this.driver.createApp(lateAuth ? { options, routes, authenticate } : { options, routes });
    return { app, client };
  }

  /** Runs one scenario and asserts its expectations. */
  async run(scenario: Scenario): Promise<TestResponse> {
    const { app, client } = await this.variant(scenario.variant);
    client.reset();
    this.counter.runs = 0;
    const response = await app.request(scenario.request);
    assertExpectation(scenario, response, client.calls(), this.counter.runs);
    return response;
  }

  async close(): Promise<void> {
    const built = await Promise.allSettled(this.#built.values());
    this.#built.clear();
    for (const result of built) {
      if (result.status === 'fulfilled') {
        await result.value.app.close();
        await result.value.client.close();
      }
    }
  }
}

function describeResponse(response: TestResponse): string {
  return `${response.status} ${response.headers['content-type'] ?? ''} ${response.text.slice(0, 300)}`;
}

/** Asserts a scenario's expectation on a response (vitest `expect`). */
export function assertExpectation(
  scenario: Scenario,
  response: TestResponse,
  pdpCalls: number,
  handlerRuns: number,
): void {
  const { expect: want } = scenario;
  const statuses: readonly number[] = typeof want.status === 'number' ? [want.status] : want.status;
  const context = `${scenario.name}: ${scenario.request.method} ${scenario.request.path} → ${describeResponse(response)}`;
  expect(statuses, context).toContain(response.status);
  if (want.pdpCalls !== undefined) expect(pdpCalls, `${context} (PDP calls)`).toBe(want.pdpCalls);
  const allowed = statuses.every((s) => s >= 200 && s < 300);
  expect(handlerRuns, `${context} (handler runs)`).toBe(want.handlerRuns ?? (allowed ? 1 : 0));
  const problemDefault = !scenario.requiresHooks && [400, 401, 403, 503].includes(response.status);
  if (want.problem ?? problemDefault) {
    expect(response.headers['content-type'] ?? '', `${context} (content type)`).toContain(PROBLEM_CONTENT_TYPE);
  }
  if (scenario.request.method === 'HEAD') {
    expect(response.text, `${context} (HEAD has no body)`).toBe('');
    return;
  }
  if (want.body !== undefined) expect(response.body, context).toMatchObject(want.body);
  if (want.detailIncludes !== undefined) {
    expect((response.body as { detail?: unknown } | null)?.detail, `${context} (detail)`).toContain(
      want.detailIncludes,
    );
  }
  if (want.bodyExcludes !== undefined && response.body !== null && typeof response.body === 'object') {
    for (const key of want.bodyExcludes)
      expect(Object.hasOwn(response.body, key), `${context} (must not have "${key}")`).toBe(false);
  }
  if (problemDefault && response.status !== 418) {
    expect(response.body, `${context} (problem body)`).toMatchObject({ type: 'about:blank', status: response.status });
  }
}

/** Options of {@link defineAdapterSuite}. */
export interface AdapterSuiteOptions {
  /** Scenario names to skip (say why in the adapter's test file). */
  skip?: readonly string[];
  /** Requests of the concurrency test. @defaultValue 500 */
  concurrentRequests?: number;
}

/** Invalid option sets and the option name their TypeError must mention. */
export const INVALID_OPTIONS: readonly {
  name: string;
  options: (valid: PermissioAdapterBaseOptions<unknown>) => unknown;
}[] = [
  { name: 'options', options: () => undefined },
  { name: 'client', options: (v) => ({ ...v, client: undefined }) },
  { name: 'client', options: (v) => ({ ...v, client: {} }) },
  { name: 'user', options: (v) => ({ ...v, user: 'alice' }) },
  { name: 'tenant', options: (v) => ({ ...v, tenant: 'acme' }) },
  { name: 'exposeReason', options: (v) => ({ ...v, exposeReason: 'yes' }) },
  { name: 'failureStatus', options: (v) => ({ ...v, failureStatus: 200 }) },
  { name: 'decisionTimeout', options: (v) => ({ ...v, decisionTimeout: -1 }) },
  { name: 'onDenied', options: (v) => ({ ...v, onDenied: 'log' }) },
  { name: 'onUnauthenticated', options: (v) => ({ ...v, onUnauthenticated: 42 }) },
  { name: 'onError', options: (v) => ({ ...v, onError: true }) },
  { name: 'requireGuard', options: (v) => ({ ...v, requireGuard: 'yes' }) },
  { name: 'logger', options: (v) => ({ ...v, logger: { error: 'log' } }) },
  // Unknown options are refused, naming the closest known one.
  { name: 'exposeReason', options: (v) => ({ ...v, exposeReasons: true }) },
  { name: 'failureStatus', options: (v) => ({ ...v, failurestatus: 403 }) },
];

/** Registers the whole matrix for `driver` as a vitest `describe` block. */
export function defineAdapterSuite<Req>(driver: AdapterDriver<Req>, suiteOptions: AdapterSuiteOptions = {}): void {
  describe(`${driver.name}: adapter scenario matrix`, () => {
    const env = new MatrixEnvironment(driver);
    afterAll(() => env.close());

    for (const scenario of SCENARIOS) {
      const skip =
        (scenario.requiresHooks === true && driver.hookOptions === undefined) ||
        suiteOptions.skip?.includes(scenario.name) === true;
      (skip ? it.skip : it)(scenario.name, async () => {
        await env.run(scenario);
      });
    }

    it('concurrent requests of 50 users on one route: every response is right', async () => {
      const { app } = await env.variant('default');
      const total = suiteOptions.concurrentRequests ?? 500;
      const responses = await Promise.all(
        Array.from({ length: total }, (_, i) =>
          app.request({ method: 'GET', path: '/crowd', headers: as(crowdUser(i % CROWD_SIZE)) }),
        ),
      );
      responses.forEach((response, i) => {
        const user = crowdUser(i % CROWD_SIZE);
        const access = crowdAccess(i % CROWD_SIZE);
        if (access.read) {
          expect(response.status, `${user} → ${describeResponse(response)}`).toBe(200);
          expect(response.body, user).toEqual({ user, canWrite: access.write });
        } else {
          expect(response.status, `${user} → ${describeResponse(response)}`).toBe(403);
        }
      });
    });

    it('route manifest: every route with its method, path and guard, public or unguarded', async (context) => {
      const { app } = await env.variant('default');
      if (app.manifest === undefined) {
        context.skip();
        return;
      }
      const manifest = await app.manifest();
      const routes = buildRoutes(driver, { runs: 0 });
      const pathOf = (path: string): string => driver.routePath?.(path) ?? path;
      for (const route of routes) {
        const path = pathOf(route.path);
        const entry = manifest.find((e) => e.method === route.method && e.path === path);
        expect(
          entry,
          `${route.method} ${path} in ${JSON.stringify(manifest.map((e) => `${e.method} ${e.path}`))}`,
        ).toBeDefined();
        if (entry === undefined) continue;
        const access = route.permission !== undefined ? 'guarded' : route.public === true ? 'public' : 'unguarded';
        expect(entry.access, `${route.method} ${path}`).toBe(access);
        if (route.permission !== undefined) {
          expect(entry.guards.map((g) => g.action)).toEqual([route.permission.action]);
          const resource = route.permission.resource;
          if (typeof resource === 'string') expect(entry.guards[0]?.resourceType).toBe(resource);
        } else {
          expect(entry.guards).toEqual([]);
        }
      }
      // Nothing listed that the app does not serve (HEAD mirrors of GET routes are not listed).
      const served = new Set(routes.map((r) => `${r.method} ${pathOf(r.path)}`));
      for (const entry of manifest)
        expect(served, `unexpected ${entry.method} ${entry.path}`).toContain(`${entry.method} ${entry.path}`);
    });

    for (const registration of ['missing', 'after-routes'] as const) {
      const skip = registration === 'after-routes' && driver.registrationOrder === false;
      (skip ? it.skip : it)(`registration ${registration}: a protected handler never runs unchecked`, async () => {
        const { client } = engineClient();
        const counter: HandlerCounter = { runs: 0 };
        const options = {
          client,
          user: (req: Req) => driver.access.header(req, USER_HEADER),
          tenant: (req: Req) => driver.access.header(req, TENANT_HEADER),
        };
        let app: AppHandle;
        try {
          app = await driver.createApp({ options, routes: buildRoutes(driver, counter), registration });
        } catch (error) {
          // Refused at startup (Fastify's ready(), Nest's bootstrap), naming the fix.
          expect(error, `${registration}: startup error`).toMatchObject({ code: NOT_REGISTERED });
          return;
        }
        try {
          for (const request of [
            { method: 'GET' as const, path: '/documents/doc-1', headers: as('alice') },
            { method: 'DELETE' as const, path: '/documents/doc-1' },
            { method: 'GET' as const, path: '/type-only' },
          ]) {
            const response = await app.request(request);
            expect(response.status, `${registration}: ${request.method} ${request.path}`).toBe(500);
          }
          expect(counter.runs, `${registration}: handler runs`).toBe(0);
        } finally {
          await app.close();
        }
      });
    }

    it('validates options eagerly: TypeError naming the option', async () => {
      const { client } = engineClient();
      const valid: PermissioAdapterBaseOptions<unknown> = { client, user: () => 'alice' };
      await driver.createAdapter(valid); // valid options must not throw
      for (const { name, options } of INVALID_OPTIONS) {
        let caught: unknown;
        try {
          await driver.createAdapter(options(valid));
        } catch (error) {
          caught = error;
        }
        expect(caught, `invalid "${name}" must throw`).toBeInstanceOf(TypeError);
        expect((caught as Error).message, `invalid "${name}"`).toContain(name === 'options' ? 'option' : `"${name}"`);
      }
    });

    it('misconfigured key (real server, wrong key): 503, logged once at error level, token never printed', async () => {
      const server = await startFixtureServer();
      const wrongKey = 'permis_key_wrong_0123456789abcdef0123456789';
      const client = new Permissio({
        token: wrongKey,
        apiUrl: server.url,
        projectId: TEST_PROJECT,
        environmentId: TEST_ENVIRONMENT,
        retryAttempts: 0,
      });
      const lines: { level: string; text: string }[] = [];
      const record =
        (level: string) =>
        (message: string, ...meta: unknown[]): void => {
          lines.push({ level, text: [message, ...meta.map((m) => JSON.stringify(m) ?? String(m))].join(' ') });
        };
      const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
      const counter: HandlerCounter = { runs: 0 };
      const app = await driver.createApp({
        options: {
          client,
          user: (req: Req) => driver.access.header(req, USER_HEADER),
          tenant: (req: Req) => driver.access.header(req, TENANT_HEADER),
          logger,
        },
        routes: buildRoutes(driver, counter),
      });
      try {
        for (let i = 0; i < 3; i++) {
          const response = await app.request({ method: 'GET', path: '/documents/doc-1', headers: as('alice') });
          expect(response.status, describeResponse(response)).toBe(503);
        }
        expect(counter.runs).toBe(0);
        const errors = lines.filter((line) => line.level === 'error');
        expect(errors, JSON.stringify(lines)).toHaveLength(1);
        expect(errors[0]?.text).toContain('HTTP 401');
        expect(errors[0]?.text).toContain('API key');
        for (const line of lines) {
          expect(line.text).not.toContain(wrongKey);
          expect(line.text).not.toContain(TEST_API_KEY);
        }
      } finally {
        await app.close();
        await client.close();
        await server.close();
      }
    });

    it('rejects an unknown option with a "did you mean"', async () => {
      const { client } = engineClient();
      let caught: unknown;
      try {
        await driver.createAdapter({ client, user: () => 'alice', exposeReasons: true });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TypeError);
      expect((caught as Error).message).toContain('unknown option "exposeReasons" (did you mean "exposeReason"?)');
      await driver.createAdapter({ client, user: () => 'alice', logger: console }); // logger is known
    });

    it('validates requirePermission and resourceFromPath arguments eagerly', () => {
      expect(() => driver.requirePermission('', 'document')).toThrow(TypeError);
      expect(() => driver.requirePermission(undefined, 'document')).toThrow(/action/);
      expect(() => driver.requirePermission('read', '')).toThrow(TypeError);
      expect(() => driver.requirePermission('read', 42)).toThrow(/resource/);
      expect(() => driver.requirePermission('read', null)).toThrow(TypeError);
      expect(() => driver.requirePermission('read', 'document')).not.toThrow();
      expect(() => driver.resourceFromPath('')).toThrow(TypeError);
      expect(() => driver.resourceFromPath('document', { key: '' })).toThrow(/key/);
      expect(() => driver.resourceFromPath('document', { key: 'id' })).not.toThrow();
    });
  });
}

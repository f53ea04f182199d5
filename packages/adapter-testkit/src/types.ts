/**
 * The framework-neutral vocabulary of the scenario matrix: requests and
 * responses, the route table every test app serves, and the driver each
 * adapter supplies.
 */
import type { Permissio, RequestScope } from '@permissio/core';
import type { PermissioAdapterBaseOptions, ResourceSpec, RouteManifestEntry } from '@permissio/core/internal';

/** A request of a scenario. */
export interface TestRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query exactly as sent (`/files/p1%2Fa?x=1`). */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * The path must reach the server byte for byte: in-process injection that
   * normalises `..` (light-my-request, `new Request()`) must go over a
   * socket instead (see `rawRequest`). The drivers decide how.
   */
  raw?: boolean;
}

/** A response as the matrix inspects it. */
export interface TestResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON when the media type is JSON, else the text; `undefined` when empty. */
  body: unknown;
  text: string;
}

/** How a driver reads a framework request (Express `req`, Fastify `request`, Hono `c`, Nest's HTTP request). */
export interface RequestAccess<Req> {
  /** A route parameter as the framework decoded it (`undefined` when absent). */
  param(req: Req, name: string): unknown;
  /** The (first) value of a request header. */
  header(req: Req, name: string): string | undefined;
  /** A query parameter as the framework exposes it: a string, or an array when it is repeated. */
  query(req: Req, name: string): unknown;
  /** The request's scope, as a handler gets it (`req.permissio`, `c.get('permissio')` …). */
  scope(req: Req): RequestScope | undefined;
}

/** One route of the test app. */
export interface TestRoute<Req> {
  method: 'GET' | 'POST' | 'DELETE';
  /**
   * `:name` parameters, and an optional trailing `*` wildcard (`/files/*`);
   * drivers translate (Express 5: `/files/*rest`).
   */
  path: string;
  /** `requirePermission(action, resource)` in front of the handler; absent on public routes. */
  permission?: { action: string; resource: ResourceSpec<Req> };
  /** Marked public with the adapter's public marker (`publicRoute()`, `config.public`, `@Public()`). */
  public?: boolean;
  /** The handler: its value is answered as JSON with status 200. */
  handle(req: Req): unknown;
}

/** What the matrix asks a driver to build. */
export interface AppSetup<Req> {
  /**
   * Adapter options: `client`, `user`, `tenant`, `exposeReason`,
   * `failureStatus`, `decisionTimeout`, plus the driver's own hook options
   * (from `hookOptions()`) when the variant uses hooks.
   */
  options: PermissioAdapterBaseOptions<Req> & Record<string, unknown>;
  routes: readonly TestRoute<Req>[];
  /**
   * The app's own authentication ("late auth"): when present, the driver
   * installs it so that it runs after the adapter's registration and before
   * the permission check, in the framework's usual place (Express:
   * route-level middleware before `requirePermission`; Hono: `app.use` after
   * `permissio()`; Fastify: a `preValidation` hook added after the plugin;
   * Nest: a controller-level `@UseGuards()`). The user resolver reads what it
   * recorded.
   */
  authenticate?: (req: Req) => void;
  /**
   * How the adapter is registered: `'missing'` not at all, `'after-routes'`
   * after the routes are declared (where the framework has an order). A
   * protected handler must never run either way: app creation fails with
   * code `ADAPTER_NOT_REGISTERED`, or protected requests are refused (500).
   * @defaultValue 'normal'
   */
  registration?: 'normal' | 'missing' | 'after-routes';
}

/** A running test app. */
export interface AppHandle {
  request(request: TestRequest): Promise<TestResponse>;
  /** The adapter's route manifest of this app (omit to skip the manifest test). */
  manifest?(): Promise<readonly RouteManifestEntry[]> | readonly RouteManifestEntry[];
  close(): Promise<void>;
}

/** What each adapter supplies to run the matrix. */
export interface AdapterDriver<Req> {
  /** Shown in test names, e.g. `express`, `nestjs (fastify)`. */
  name: string;
  access: RequestAccess<Req>;
  /** The adapter's `resourceFromPath`. */
  resourceFromPath(type: string, options?: { key?: string }): ResourceSpec<Req>;
  /** Builds an app: the adapter registered with `setup.options`, then `setup.routes`. */
  createApp(setup: AppSetup<Req>): Promise<AppHandle>;
  /**
   * Calls the adapter's factory with `options` (`permissio(options)`,
   * `register(plugin, options)` + `ready()`, `PermissioModule.forRoot` …).
   * Must throw or reject on bad options.
   */
  createAdapter(options: unknown): unknown;
  /** The adapter's `requirePermission` (its argument validation is tested). */
  requirePermission(action: unknown, resource: unknown): unknown;
  /**
   * Hook options that answer every refusal with status 418 and JSON
   * `{ hook: 'onDenied' | 'onUnauthenticated' | 'onError', status: outcome.status }`.
   * Omit to skip the hook scenarios.
   */
  hookOptions?(): Record<string, unknown>;
  /** The path a matrix route path is registered as (e.g. Express 5: `/files/*` → `/files/*rest`). @defaultValue identity */
  routePath?(path: string): string;
  /**
   * The framework has a registration order (routes declared before the
   * adapter are outside it): runs the `'after-routes'` registration check.
   * @defaultValue true
   */
  registrationOrder?: boolean;
  /** Routing is case-insensitive (Express): `/FILES/…` reaches `/files/*`. @defaultValue false */
  caseInsensitiveRouting?: boolean;
}

/** How a test app is configured. */
export interface VariantConfig {
  /** The PDP: the embedded engine, a faulty PDP, the local server over HTTP, or a socket that never answers. */
  pdp: 'engine' | 'throw' | 'hang' | 'malformed' | 'http' | 'http-blackhole';
  /** Where the tenant comes from: the `x-tenant` header or the user's home tenant. @defaultValue 'header' */
  tenant?: 'header' | 'user';
  /** User and tenant resolvers answer asynchronously. */
  asyncResolvers?: boolean;
  exposeReason?: boolean;
  failureStatus?: 403 | 503;
  decisionTimeout?: number;
  /** Install the driver's `hookOptions()`. */
  hooks?: boolean;
  /** `requireGuard: true`: routes with neither a guard nor a public marker are refused. */
  requireGuard?: boolean;
  /** The user comes from the app's own auth step, run after the adapter's registration (see `AppSetup.authenticate`). */
  lateAuth?: boolean;
}

/** A client and the way its PDP calls are counted. */
export interface VariantClient {
  client: Permissio;
  /** Decision calls (PDP method calls, or HTTP requests for the HTTP transport) since the last reset. */
  calls(): number;
  reset(): void;
  close(): Promise<void>;
}

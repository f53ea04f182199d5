/** The types of the route table: what a route declares and what its handler gets. */
import type { Pdp } from '@permissio/core';
import type { ApiKeyStore } from '../api-key-store.js';
import type { AuthenticatedKey } from '../auth.js';
import type { KeyScope } from '../key-scopes.js';
import type { RateClass } from '../rate-limit.js';
import type { ReplicaHealth } from '../follower.js';
import type { ScopeRegistry, WriteTransaction } from '../registry.js';
import type { JsonSchema } from '../schemas.js';
import type { Scope } from '../storage.js';

/** HTTP methods used by the API. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler gets. */
export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** The authenticated key (routes under `/v1`). */
  key: AuthenticatedKey | undefined;
  /** The path's project + environment (scoped routes). */
  scope: Scope;
  /** The scope's engine (scoped routes). */
  pdp: () => Pdp;
  /** Runs a write under the scope's lock (scoped routes). */
  write: <T>(work: (tx: WriteTransaction) => Promise<T>) => Promise<T>;
  registry: ScopeRegistry;
  /** `GET /healthz`: `ok`, or `degraded` (a replica that cannot reach its database), with its lag. */
  health: () => ReplicaHealth;
  /** The OpenAPI document (for `GET /openapi.json`). */
  openapi: () => unknown;
  /** The server's API keys (key management routes). */
  apiKeys?: ApiKeyStore;
}

/** A handler's answer: a status and an optional JSON body. */
export interface Answer {
  status: number;
  body?: unknown;
}

/** One documented response. */
export interface ResponseDef {
  description: string;
  schema?: JsonSchema;
}

/** One route of the API. */
export interface RouteDef {
  method: HttpMethod;
  /** OpenAPI-style path, `{param}` placeholders. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Requires `Authorization: Bearer permis_key_…`. */
  auth: boolean;
  /** Path starts with `/v1/projects/{projectId}/environments/{environmentId}`. */
  scoped: boolean;
  /**
   * The API key scope the route needs (`check` ⊂ `read` ⊂ `admin`). Without it:
   * `check` for the `checks` rate class, `read` for a GET, `admin` otherwise
   * (`defaultRouteScope` in `key-scopes.ts`). Ignored when `auth` is false.
   */
  scope?: KeyScope;
  rateClass?: RateClass;
  /**
   * The body takes `consistency` ('fast' | 'full' | {atLeast}): the handler
   * runs once the replica is that fresh (the field is removed from the body first).
   */
  consistency?: boolean;
  /**
   * Rate-limit units the request costs, from its validated body (default 1).
   * Routes with a cost are counted after body validation, not on arrival.
   */
  cost?: (body: unknown) => number;
  /** Schemas of the path parameters, by name (defaults to a key schema). */
  params?: Record<string, JsonSchema>;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** Largest accepted body, bytes. */
  bodyLimit?: number;
  /** Success responses by status. */
  responses: Record<number, ResponseDef>;
  /**
   * Serialise the success responses with fast-json-stringify, compiled from
   * the documented response schemas (the same objects). Only for hot routes
   * whose answer always has exactly the documented shape: fast-json-stringify
   * drops fields the schema does not declare instead of failing.
   */
  compiledResponse?: boolean;
  handler: (ctx: RouteContext) => Promise<Answer> | Answer;
}

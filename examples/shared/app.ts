/**
 * What the four examples' apps and entry points share that is not framework
 * code: their options, the resource a document is checked as, and the choice
 * of PDP from the environment.
 */
import { Permissio, type CheckResource, type CheckUser } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import type { Principal } from './auth.js';
import type { DocumentStore } from './documents.js';
import { documentUri, policy, type Document } from './policy.js';

/** Options of every example's `createApp`. */
export interface ExampleAppOptions {
  /** The Permissio client: embedded engine or remote PDP. */
  client: Permissio;
  /** Key that verifies bearer tokens. @defaultValue `demoSecret()` */
  jwtSecret?: Uint8Array;
  /** Documents of this app instance. @defaultValue the seed documents */
  documents?: DocumentStore;
  /**
   * Demo instrumentation: adds `X-Permissio-Pdp-Calls` (PDP calls made while
   * serving the request) to every response.
   * @defaultValue false
   */
  demo?: boolean;
}

/**
 * The resource of a document: its key, its tenant (never the caller's), its
 * URI, and the attributes the condition rules read (`resource.ownerId`,
 * `resource.classification`), straight from the stored document.
 */
export function documentResource(document: Document | undefined): CheckResource | undefined {
  if (document === undefined) return undefined;
  return {
    type: 'document',
    key: document.id,
    tenant: document.tenant,
    uri: documentUri(document),
    attributes: { ownerId: document.ownerId, classification: document.classification },
  };
}

/**
 * The user of the checks: the token's subject, with its claims as attributes
 * (`user.department`, `user.homeTenant`), or undefined without a valid token
 * (the adapter answers 401). Claims passed here win over stored attributes.
 */
export function checkUser(principal: Principal | undefined): CheckUser | undefined {
  if (principal === undefined) return undefined;
  const attributes =
    principal.department === undefined
      ? { homeTenant: principal.tenant }
      : { homeTenant: principal.tenant, department: principal.department };
  return { key: principal.user, attributes };
}

/**
 * The PDP of an example's `main.ts`: a remote one when `PERMISSIO_API_URL`
 * and `PERMISSIO_TOKEN` are both set (e.g. a local `@permissio/server`), else
 * the embedded engine with the example policy (no network, no token).
 */
export function clientFromEnv(env: Record<string, string | undefined> = process.env): {
  client: Permissio;
  pdp: string;
} {
  const apiUrl = env.PERMISSIO_API_URL;
  const token = env.PERMISSIO_TOKEN;
  if (apiUrl && token) return { client: new Permissio({ token, apiUrl }), pdp: `remote ${apiUrl}` };
  return { client: new Permissio({ pdp: createEngine(policy) }), pdp: 'embedded engine' };
}

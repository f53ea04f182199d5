/**
 * What the four examples' apps and entry points share that is not framework
 * code: their options, the resource a document is checked as, and the choice
 * of PDP from the environment.
 */
import { Permissio, type CheckResource } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { documentUri, policy, type Document, type DocumentStore } from './policy.js';

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

/** The resource of a document: its key, its tenant (never the caller's) and its URI. */
export function documentResource(document: Document | undefined): CheckResource | undefined {
  if (document === undefined) return undefined;
  return { type: 'document', key: document.id, tenant: document.tenant, uri: documentUri(document) };
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

/**
 * The underlying HTTP request as this app sees it (platform-express), and
 * the `requirePermission` resources built from it.
 *
 * Resolvers of `@RequirePermission()` receive only the request, so the
 * request-context middleware puts on it what they need: the caller (`auth`)
 * and the app's document store (`documents`) — like `req.app.locals` would.
 */
import type { CheckResource } from '@permissio/core';
import { resourceFromPath, type PermissioRequest } from '@permissio/nestjs';
import type { DocumentStore } from '@permissio/example-shared/documents';
import type { Principal } from '@permissio/example-shared/auth';
import { documentResource } from '@permissio/example-shared/app';

export { documentResource };

export interface ExampleRequest extends PermissioRequest {
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string | undefined>;
  /** The request target (path and query string). */
  url?: string;
  originalUrl?: string;
  /** Set by the request-context middleware when the bearer token is valid. */
  auth?: Principal;
  /** The app's document store, set by the request-context middleware. */
  documents?: DocumentStore;
}

/** Sync resolver: the document named by `:id`, looked up in SQLite (synchronously). */
export function documentFromParams(req: ExampleRequest): CheckResource | undefined {
  return documentResource(req.documents?.find(req.params.id));
}

/** Async resolver: the document named by `:id`, loaded as from a database. */
export async function loadDocument(req: ExampleRequest): Promise<CheckResource | undefined> {
  return documentResource(await req.documents?.load(req.params.id));
}

/** The request path as the resource URI: `/projects/p1/documents/doc-1`. */
export const documentInPath = resourceFromPath('document', { key: 'documentId' });

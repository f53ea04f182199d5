/**
 * The route table of every test app. Resolvers and handlers read the request
 * only through the driver's {@link RequestAccess}, so the same table serves
 * Express, Fastify, Hono and NestJS.
 */
import type { CheckResource } from '@permissio/core';
import type { AdapterDriver, TestRoute } from './types.js';
import { ABAC_DOCUMENTS, USER_HEADER } from './fixture.js';

/** Counts handler runs: a refused request must never reach a handler. */
export interface HandlerCounter {
  runs: number;
}

/**
 * Builds the routes:
 *
 * | route | permission | handler |
 * |---|---|---|
 * | `GET /public` | none, marked public | `{ ok }` |
 * | `GET /unguarded` | none, not marked (refused under `requireGuard`) | `{ ok }` |
 * | `GET /documents/:id` | read `{type: document, key: :id}` | `{ ok, id, user }` |
 * | `DELETE /documents/:id` | delete, same resource | `{ ok, id }` |
 * | `GET /documents/:id/reuse` | read, same resource | checks the same again; `{ again, stats }` |
 * | `GET /type-only` | read `"document"` | `{ ok }` |
 * | `GET /async-documents/:id` | read, async resolver | `{ ok }` |
 * | `GET /broken` | resolver throws | — |
 * | `GET /nothing` | resolver returns undefined | — |
 * | `GET /acme/documents/:id` | read `{type, key, tenant: acme}` | `{ ok }` |
 * | `GET /projects/:pid/documents/:id` | read `resourceFromPath('document', {key: 'id'})` | `{ ok }` |
 * | `GET /files/*` | read `resourceFromPath('document')` | `{ ok }` |
 * | `DELETE /reports` | delete `{type: document, key: ?doc}` | `{ ok, doc }` |
 * | `GET /dashboard/:n` | read doc-1 | `n` checks in parallel; `{ results, stats }` |
 * | `GET /crowd` | read doc-1 | `{ user, canWrite }` |
 * | `GET /records/:id` | read, sync resolver loading the row's attributes | `{ ok, id }` |
 * | `POST /records/:id` | write, async resolver loading the row's attributes | `{ ok, id }` |
 * | `GET /malformed-records/:id` | read, resolver answering attributes that are not a record | — |
 *
 * The `/records` resolvers load a row of {@link ABAC_DOCUMENTS} and answer
 * `{ type: 'document', key, attributes: { ownerId, classification } }`:
 * nothing for an unknown id, a throw for `rec-down` (the database failing).
 */
export function buildRoutes<Req>(driver: AdapterDriver<Req>, counter: HandlerCounter): TestRoute<Req>[] {
  const { access } = driver;
  const ran = <T>(value: T): T => {
    counter.runs++;
    return value;
  };
  const documentParam = (req: Req): CheckResource => ({ type: 'document', key: access.param(req, 'id') as string });
  const loadRecord = (req: Req): CheckResource | undefined => {
    const id = access.param(req, 'id') as string;
    if (id === 'rec-down') throw new Error('database unavailable');
    const row = ABAC_DOCUMENTS.get(id);
    if (row === undefined) return undefined;
    return { type: 'document', key: id, attributes: { ownerId: row.ownerId, classification: row.classification } };
  };
  return [
    { method: 'GET', path: '/public', public: true, handle: () => ran({ ok: true }) },
    { method: 'GET', path: '/unguarded', handle: () => ran({ ok: true }) },
    {
      method: 'GET',
      path: '/documents/:id',
      permission: { action: 'read', resource: documentParam },
      handle: (req) => ran({ ok: true, id: access.param(req, 'id'), user: access.header(req, USER_HEADER) }),
    },
    {
      method: 'DELETE',
      path: '/documents/:id',
      permission: { action: 'delete', resource: documentParam },
      handle: (req) => ran({ ok: true, id: access.param(req, 'id') }),
    },
    {
      method: 'GET',
      path: '/documents/:id/reuse',
      permission: { action: 'read', resource: documentParam },
      handle: async (req) => {
        counter.runs++;
        const scope = access.scope(req);
        if (scope === undefined) throw new Error('no scope on the request');
        const again = await scope.check('read', documentParam(req));
        return { again, stats: scope.stats };
      },
    },
    {
      method: 'GET',
      path: '/type-only',
      permission: { action: 'read', resource: 'document' },
      handle: () => ran({ ok: true }),
    },
    {
      method: 'GET',
      path: '/async-documents/:id',
      permission: {
        action: 'read',
        resource: async (req) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return documentParam(req);
        },
      },
      handle: () => ran({ ok: true }),
    },
    {
      method: 'GET',
      path: '/broken',
      permission: {
        action: 'read',
        resource: () => {
          throw new Error('resolver bug');
        },
      },
      handle: () => ran({ ok: true }),
    },
    {
      method: 'GET',
      path: '/nothing',
      permission: { action: 'read', resource: () => undefined },
      handle: () => ran({ ok: true }),
    },
    {
      method: 'GET',
      path: '/acme/documents/:id',
      permission: { action: 'read', resource: (req) => ({ ...documentParam(req), tenant: 'acme' }) },
      handle: () => ran({ ok: true }),
    },
    {
      method: 'GET',
      path: '/projects/:pid/documents/:id',
      permission: { action: 'read', resource: driver.resourceFromPath('document', { key: 'id' }) },
      handle: () => ran({ ok: true }),
    },
    {
      method: 'GET',
      path: '/files/*',
      permission: { action: 'read', resource: driver.resourceFromPath('document') },
      handle: () => ran({ ok: true }),
    },
    {
      method: 'DELETE',
      path: '/reports',
      permission: {
        action: 'delete',
        resource: (req) => ({ type: 'document', key: access.query(req, 'doc') as string }),
      },
      handle: (req) => ran({ ok: true, doc: access.query(req, 'doc') }),
    },
    {
      method: 'GET',
      path: '/dashboard/:n',
      permission: { action: 'read', resource: { type: 'document', key: 'doc-1' } },
      handle: async (req) => {
        counter.runs++;
        const scope = access.scope(req);
        if (scope === undefined) throw new Error('no scope on the request');
        const n = Number(access.param(req, 'n'));
        const results = await Promise.all(
          Array.from({ length: n }, (_, i) => scope.check('read', { type: 'document', key: `doc-${i}` })),
        );
        return { results, stats: scope.stats };
      },
    },
    {
      method: 'GET',
      path: '/crowd',
      permission: { action: 'read', resource: { type: 'document', key: 'doc-1' } },
      handle: async (req) => {
        counter.runs++;
        const scope = access.scope(req);
        if (scope === undefined) throw new Error('no scope on the request');
        return {
          user: access.header(req, USER_HEADER),
          canWrite: await scope.check('write', { type: 'document', key: 'doc-1' }),
        };
      },
    },
    {
      method: 'GET',
      path: '/records/:id',
      permission: { action: 'read', resource: loadRecord },
      handle: (req) => ran({ ok: true, id: access.param(req, 'id') }),
    },
    {
      method: 'POST',
      path: '/records/:id',
      permission: {
        action: 'write',
        resource: async (req) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return loadRecord(req);
        },
      },
      handle: (req) => ran({ ok: true, id: access.param(req, 'id') }),
    },
    {
      method: 'GET',
      path: '/malformed-records/:id',
      permission: {
        action: 'read',
        // A resolver bug: the attributes are a string, not a record.
        resource: (req) => ({
          type: 'document',
          key: access.param(req, 'id') as string,
          attributes: 'public' as never,
        }),
      },
      handle: () => ran({ ok: true }),
    },
  ];
}

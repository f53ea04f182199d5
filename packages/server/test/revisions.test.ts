/** Revisions and `consistency` on one SQLite server, and how the OpenAPI document describes them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, type PermissioServer } from '../src/index.js';
import { client, KEY_A, POLICY, startTestServer } from './helpers.js';

let server: PermissioServer;
beforeAll(async () => {
  server = await startTestServer({ seed: POLICY, consistencyTimeout: 50 });
});
afterAll(() => server.close());

const check = { user: 'alice@example.com', action: 'write', resource: { type: 'document', tenant: 'acme' } };

describe('revisions on SQLite', () => {
  it('every write answers a higher Permissio-Revision; reads answer the current one', async () => {
    const api = client(server.url, KEY_A);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await api('POST', 'P/users', { key: `rev-${i}` });
      seen.push(Number(created.headers.get('permissio-revision')));
    }
    expect(seen[1]).toBeGreaterThan(seen[0] as number);
    expect(seen[2]).toBeGreaterThan(seen[1] as number);
    const read = await api('GET', 'P/users/rev-2');
    expect(Number(read.headers.get('permissio-revision'))).toBe(seen[2]);
    const token = String(seen[2]);
    for (const consistency of ['fast', 'full', { atLeast: token }]) {
      const answer = await api('POST', 'P/check', { ...check, consistency });
      expect(answer.body).toEqual({ allowed: true });
    }
    const bulk = await api('POST', 'P/check/bulk', { checks: [check], consistency: { atLeast: token } });
    expect(bulk.body).toEqual({ results: [{ allowed: true }] });
    const future = await api('POST', 'P/check/explain', {
      ...check,
      consistency: { atLeast: String((seen[2] as number) + 5) },
    });
    expect(future.status).toBe(503);
    expect(future.body.error.code).toBe('STALE_REPLICA');
    expect(future.body.error.details.revision).toBe(token);
    const bad = await api('POST', 'P/check', { ...check, consistency: 'eventually' });
    expect(bad.status).toBe(422);
    // Not in a bulk item: consistency is the request's.
    const inItem = await api('POST', 'P/check/bulk', { checks: [{ ...check, consistency: 'fast' }] });
    expect(inItem.status).toBe(422);
  });

  it('the OpenAPI document has consistency on the check bodies, the revision header and the 503', () => {
    const doc = buildOpenApiDocument() as any;
    const checkOp = doc.paths['/v1/projects/{projectId}/environments/{environmentId}/check'].post;
    expect(doc.components.schemas.CheckBody.properties.consistency).toEqual({
      $ref: '#/components/schemas/Consistency',
    });
    expect(checkOp.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CheckBody' });
    expect(checkOp.responses['200'].headers['Permissio-Revision']).toBeDefined();
    expect(checkOp.responses['503']).toEqual({ $ref: '#/components/responses/Unavailable' });
    for (const name of ['BulkCheckRequest', 'CheckPermissionsRequest']) {
      expect(doc.components.schemas[name].properties.consistency).toEqual({ $ref: '#/components/schemas/Consistency' });
    }
    expect(doc.components.schemas.CheckRequest.properties.consistency).toBeUndefined();
    expect(doc.components.schemas.Health.properties.status.enum).toEqual(['ok', 'degraded']);
  });
});

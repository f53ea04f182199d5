/**
 * Issue 10, item 9: deeply nested or huge attributes are refused at write
 * time with 422 on every write path (users, tenants, snapshots), and reads
 * keep answering 200.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PermissioServer } from '../src/index.js';
import { client, KEY_A, startTestServer } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** JSON text of an object nested `depth` levels deep: {"a":{"a":…1…}}. */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

async function start(): Promise<PermissioServer> {
  const server = await startTestServer();
  cleanups.push(() => server.close());
  return server;
}

describe('attribute limits', () => {
  for (const depth of [4_110, 100_000]) {
    it(`refuses attributes nested ${depth} levels on every write path with 422; reads stay 200`, async () => {
      const server = await start();
      const api = client(server.url, KEY_A);
      const attributes = nested(depth);
      const writes: [string, string, string][] = [
        ['POST', 'P/users', `{"key":"deep","attributes":${attributes}}`],
        ['PUT', 'P/users/deep', `{"attributes":${attributes}}`],
        ['POST', 'P/tenants', `{"key":"deep","attributes":${attributes}}`],
        ['PUT', 'P/tenants/deep', `{"attributes":${attributes}}`],
        ['PUT', 'P/snapshot', `{"users":[{"key":"deep","attributes":${attributes}}]}`],
        ['PUT', 'P/snapshot', `{"tenants":[{"key":"deep","attributes":${attributes}}]}`],
      ];
      expect((await api('POST', 'P/users', { key: 'shallow', attributes: { a: { b: [1, { c: 2 }] } } })).status).toBe(
        201,
      );
      expect((await api('POST', 'P/tenants', { key: 'shallow' })).status).toBe(201);
      writes.push(['PATCH', 'P/users/shallow', `{"attributes":${attributes}}`]);
      writes.push(['PATCH', 'P/tenants/shallow', `{"attributes":${attributes}}`]);
      for (const [method, path, raw] of writes) {
        const answer = await api(method, path, undefined, raw);
        expect(answer.status, `${method} ${path}: ${answer.text.slice(0, 200)}`).toBe(422);
        expect(answer.text).toMatch(/MAX_ATTRIBUTE_DEPTH/);
      }
      expect((await api('GET', 'P/users')).status).toBe(200);
      expect((await api('GET', 'P/tenants')).status).toBe(200);
      const snapshot = await api('GET', 'P/snapshot');
      expect(snapshot.status).toBe(200);
      expect(snapshot.body.users.map((u: { key: string }) => u.key)).toEqual(['shallow']);
    });
  }

  it('accepts the deepest allowed nesting and refuses one level more; refuses oversized attributes', async () => {
    const server = await start();
    const api = client(server.url, KEY_A);
    // the bag itself is level 1: 32 levels = the bag and 31 nested objects
    expect((await api('POST', 'P/users', undefined, `{"key":"ok","attributes":${nested(32)}}`)).status).toBe(201);
    const deeper = await api('POST', 'P/users', undefined, `{"key":"no","attributes":${nested(33)}}`);
    expect(deeper.status).toBe(422);
    const big = await api('POST', 'P/users', { key: 'big', attributes: { blob: 'x'.repeat(70_000) } });
    expect(big.status).toBe(422);
    expect(big.text).toMatch(/MAX_ATTRIBUTES_SIZE/);
    expect((await api('GET', 'P/users/ok')).status).toBe(200);
    expect((await api('GET', 'P/snapshot')).status).toBe(200);
  });
});

/**
 * How the list fails. The proof can fail: an app whose list ignores the plan
 * (a store that returns every row) is caught by the same comparison the e2e
 * suite and the demo run. And a PDP that cannot be reached lists nothing:
 * 503 problem+json, as the adapters answer a PDP failure.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { demoSecret, mintDemoToken } from '@permissio/example-shared/auth';
import { DocumentStore } from '@permissio/example-shared/documents';
import { compareListWithChecks } from '../../shared/list-agreement.js';
import { policy, seedDocuments } from '../../shared/policy.js';
import { createApp } from '../src/app.js';

/** A store whose list query drops the WHERE clause the plans produced. */
class LeakyStore extends DocumentStore {
  override summaries(_where: string, _params: readonly unknown[]) {
    return super.summaries('1=1', []);
  }
}

describe('a list that ignores the plan', () => {
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const client = new Permissio({ pdp: createEngine(policy) });
    const server = createApp({ client, documents: new LeakyStore() }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.close();
    };
  });
  afterAll(async () => {
    await close?.();
  });

  it('disagrees with the item checks, and the comparison says so', async () => {
    const token = await mintDemoToken('carol', demoSecret(), '5m');
    const get = async (path: string) => {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, json: await response.json() };
    };
    const agreement = await compareListWithChecks(
      get,
      seedDocuments().map((d) => d.id),
    );
    expect(agreement.listed).toEqual(['doc-1', 'doc-2', 'doc-3', 'doc-4']);
    expect(agreement.allowed).toEqual(['doc-3']);
    expect(agreement.ok).toBe(false);
  });
});

describe('a list whose PDP cannot be reached', () => {
  it('answers 503 problem+json and lists nothing (fail closed)', async () => {
    // A real port that refuses connections: a listener opened, then closed.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new Permissio({
      token: 'permis_key_test_unreachable',
      apiUrl: `http://127.0.0.1:${port}`,
      retryAttempts: 0,
    });
    const server = createApp({ client }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    try {
      const token = await mintDemoToken('erin', demoSecret(), '5m');
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/documents`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await response.json();
      expect(body).toMatchObject({ status: 503, title: 'Service Unavailable' });
      expect(body).not.toHaveProperty('documents');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.close();
    }
  });
});

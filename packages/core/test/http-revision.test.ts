/**
 * Read-your-writes over HTTP: the client keeps the highest `Permissio-Revision`
 * its writes returned (answers may arrive out of order) and sends it as
 * `consistency: {atLeast}` with its checks; reads do not change it; a call's
 * own `consistency` wins; a PDP that sends no revision gets nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpPdp, Permissio } from '../src/index.js';
import { httpServer, type TestServer, TOKEN } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers checks `{allowed: true}` and everything else a small body, with the revision given for each request. */
async function pdpServer(revisionFor: (method: string, url: string) => string | undefined): Promise<TestServer> {
  return await httpServer((req, res) => {
    const revision = revisionFor(req.method, req.url);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (revision !== undefined) headers['permissio-revision'] = revision;
    const body = req.url.includes('/check/bulk')
      ? { results: [{ allowed: true }] }
      : req.url.includes('/check')
        ? { allowed: true }
        : req.method === 'GET'
          ? { key: 'u', name: null }
          : { key: 'u' };
    res.writeHead(200, headers);
    res.end(JSON.stringify(body));
  });
}

const consistencyOf = (s: TestServer, fromIndex: number) =>
  s.requests
    .slice(fromIndex)
    .filter((r) => r.url.includes('/check'))
    .map((r) => (JSON.parse(r.body) as { consistency?: unknown }).consistency);

describe('HttpPdp revisions', () => {
  it('keeps the highest revision of its writes, whatever order the answers come in, and sends it', async () => {
    const revisions = ['10', '9', '100'];
    let writes = 0;
    server = await pdpServer((method, url) =>
      url.includes('/users') && method !== 'GET' ? revisions[writes++] : '55',
    );
    const permissio = new Permissio({ token: TOKEN, apiUrl: server.url, projectId: 'p1', environmentId: 'e1' });
    const pdp = permissio.pdp as HttpPdp;
    expect(await permissio.check('u', 'read', 'doc')).toBe(true);
    expect(consistencyOf(server, 0)).toEqual([undefined]);

    await permissio.api.users.create({ key: 'a' });
    await permissio.api.users.update('a', { email: 'a@x.test' });
    expect(pdp.revision).toBe('10');
    let from = server.requests.length;
    await permissio.check('u', 'read', 'doc');
    await permissio.bulkCheck([{ user: 'u', action: 'read', resource: 'doc' }]);
    await permissio.checkDetailed('u', 'read', 'doc').catch(() => undefined);
    expect(consistencyOf(server, from)).toEqual([{ atLeast: '10' }, { atLeast: '10' }, { atLeast: '10' }]);

    // A read's revision ("55") is not one of our writes.
    await permissio.api.users.get('a').catch(() => undefined);
    expect(pdp.revision).toBe('10');
    await permissio.api.users.update('a', { email: 'b@x.test' });
    expect(pdp.revision).toBe('100');

    from = server.requests.length;
    await permissio.check('u', 'read', 'doc', { consistency: 'fast' });
    await permissio.bulkCheck([{ user: 'u', action: 'read', resource: 'doc' }], { consistency: { atLeast: '7' } });
    expect(consistencyOf(server, from)).toEqual(['fast', { atLeast: '7' }]);
    await permissio.close?.();
  });

  it('a PDP that sends no revision gets no consistency field', async () => {
    server = await pdpServer(() => undefined);
    const permissio = new Permissio({ token: TOKEN, apiUrl: server.url, projectId: 'p1', environmentId: 'e1' });
    await permissio.api.users.create({ key: 'a' });
    await permissio.check('u', 'read', 'doc');
    expect(consistencyOf(server, 0)).toEqual([undefined]);
    expect((permissio.pdp as HttpPdp).revision).toBeUndefined();
    await permissio.close?.();
  });
});

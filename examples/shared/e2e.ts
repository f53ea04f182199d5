/**
 * The e2e suite every example runs: the app started on 127.0.0.1 with an
 * ephemeral port, driven over real HTTP with `fetch`. The four frameworks
 * must give the same answers to the same requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIO } from './scenario.js';
import { USERS, seedDocuments, type DemoUserName } from './policy.js';
import { compareListWithChecks } from './list-agreement.js';

/** A running example. */
export interface RunningExample {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  close(): Promise<void>;
}

export interface ExampleSuiteOptions {
  /** Starts a fresh app (embedded engine, demo instrumentation on). */
  start(): Promise<RunningExample>;
  /** Mints a token for a cast member, or for arbitrary claims with an optional secret/expiry. */
  token(
    who: DemoUserName | { sub: string; tenant: string; department?: string },
    options?: { secret?: string; expiresIn?: string },
  ): Promise<string>;
}

export function describeExample(framework: string, { start, token }: ExampleSuiteOptions): void {
  describe(`example-${framework} over HTTP`, () => {
    let app: RunningExample;
    const tokens = new Map<string, string>();

    beforeAll(async () => {
      app = await start();
      for (const name of ['alice', 'bob', 'carol', 'dave', 'erin'] as const) tokens.set(name, await token(name));
    });
    afterAll(async () => {
      await app?.close();
    });

    async function call(
      as: DemoUserName | null | { authorization: string },
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; json: any; headers: Headers }> {
      const headers: Record<string, string> = {};
      if (as !== null) headers.authorization = typeof as === 'object' ? as.authorization : `Bearer ${tokens.get(as)}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json, headers: response.headers };
    }

    describe('the shared scenario', () => {
      it.each(SCENARIO.map((step) => [step.label, step] as const))('%s', async (_label, step) => {
        const response = await call(step.as, step.method, step.path, step.body);
        expect(response.status, `${step.method} ${step.path} as ${step.as ?? 'nobody'}: ${step.why}`).toBe(
          step.expected,
        );
        if (step.expected === 401 || step.expected === 403) {
          expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(response.json).toMatchObject({
            status: step.expected,
            type: expect.any(String),
            title: expect.any(String),
          });
        }
      });
    });

    describe('authentication', () => {
      it('answers 401 without a token, with a malformed header, a bad signature, an expired token or a token without tenant', async () => {
        const forged = await token('erin', { secret: 'not-the-demo-secret' });
        const expired = await token('erin', { expiresIn: '-1m' });
        const tenantless = await token({ sub: 'erin@acme.test', tenant: '' });
        for (const authorization of [
          '',
          'Bearer',
          'Basic ZXJpbjpzZWNyZXQ=',
          `Bearer ${forged}`,
          `Bearer ${expired}`,
          `Bearer ${tenantless}`,
        ]) {
          const response = await call({ authorization }, 'GET', '/documents');
          expect(response.status, authorization).toBe(401);
        }
      });

      it('never takes the user from a header naming them', async () => {
        const response = await fetch(`${app.url}/documents/doc-1`, {
          headers: { 'x-user': 'erin@acme.test', 'x-tenant': 'acme' },
        });
        expect(response.status).toBe(401);
        await response.body?.cancel();
      });

      it('leaves public routes open', async () => {
        expect((await call(null, 'GET', '/health')).status).toBe(200);
      });
    });

    describe('checks in the handler share the request scope', () => {
      it('GET /documents/:id answers what else the caller may do', async () => {
        expect((await call('alice', 'GET', '/documents/doc-1')).json).toMatchObject({
          document: { id: 'doc-1' },
          can: { write: true, delete: false, share: false },
        });
        expect((await call('bob', 'GET', '/documents/doc-1')).json.can).toEqual({
          write: false,
          delete: false,
          share: false,
        });
        expect((await call('bob', 'GET', '/documents/doc-2')).json.can).toEqual({
          write: true,
          delete: false,
          share: false,
        });
        expect((await call('erin', 'GET', '/documents/doc-1')).json.can).toEqual({
          write: true,
          delete: true,
          share: true,
        });
        // dave's URI role on /projects/p1 reaches doc-1 through its URI.
        expect((await call('dave', 'GET', '/documents/doc-1')).json.can).toEqual({
          write: true,
          delete: false,
          share: false,
        });
      });

      it('reports the PDP calls of the request (demo mode)', async () => {
        const read = await call('alice', 'GET', '/documents/doc-1');
        const calls = Number(read.headers.get('x-permissio-pdp-calls'));
        // the guard's check plus three more in the handler, each asked once
        expect(calls).toBeGreaterThanOrEqual(2);
        expect(calls).toBeLessThanOrEqual(4);
        expect((await call(null, 'GET', '/documents/doc-1')).headers.get('x-permissio-pdp-calls')).toBe('0');
      });
    });

    describe('tenants', () => {
      it("lists only the caller tenant's documents", async () => {
        const acme = await call('bob', 'GET', '/documents');
        expect(acme.json.documents.map((d: { id: string }) => d.id).sort()).toEqual(
          expect.arrayContaining(['doc-1', 'doc-2']),
        );
        expect(acme.json.documents.map((d: { id: string }) => d.id)).not.toContain('doc-3');
        const globex = await call('carol', 'GET', '/documents');
        expect(globex.json.documents.map((d: { id: string }) => d.id)).toEqual(['doc-3']);
      });

      it("denies a tenant admin everything on another tenant's documents", async () => {
        expect((await call('carol', 'GET', '/documents/doc-1')).status).toBe(403);
        expect((await call('carol', 'PUT', '/documents/doc-1', { title: 'pwned' })).status).toBe(403);
        expect((await call('carol', 'DELETE', '/documents/doc-2')).status).toBe(403);
        expect((await call('carol', 'POST', '/documents/doc-1/share', { user: 'carol@globex.test' })).status).toBe(403);
        // A token claiming another tenant gets none of the roles of the user's own tenant.
        const alienAlice = await token({ sub: 'alice@acme.test', tenant: 'globex' });
        expect((await call({ authorization: `Bearer ${alienAlice}` }, 'GET', '/documents/doc-3')).status).toBe(403);
      });

      it("never serves another tenant's document on the URI route", async () => {
        // carol is admin in globex, so the path check passes in her tenant; the handler still scopes by tenant.
        expect((await call('carol', 'GET', '/projects/p1/documents/doc-1')).status).toBe(404);
      });
    });

    describe('the URI route (resourceFromPath)', () => {
      it('allows a URI role on an ancestor path, and only there', async () => {
        expect((await call('dave', 'GET', '/projects/p1/documents/doc-1')).status).toBe(200);
        expect((await call('dave', 'PUT', '/projects/p1/documents/doc-1', { body: 'edited by dave' })).status).toBe(
          200,
        );
        expect((await call('dave', 'GET', '/projects/p2/documents/doc-2')).status).toBe(403);
        // No tenant role, yet a list: what his URI role and the condition rules give (the list section proves it).
        const list = await call('dave', 'GET', '/documents');
        expect(list.status).toBe(200);
        expect(list.json.documents.map((d: { id: string }) => d.id)).toEqual(
          expect.arrayContaining(['doc-1', 'doc-4']),
        );
        expect((await call('bob', 'PUT', '/projects/p1/documents/doc-1', { body: 'nope' })).status).toBe(403);
        expect((await call('bob', 'GET', '/projects/p1/documents/doc-1')).status).toBe(200);
      });

      it('answers 400 to a path that cannot be canonicalised, without checking it', async () => {
        const response = await call('erin', 'GET', '/projects/p1/documents/doc%2F..%2F..%2Fp2');
        expect(response.status).toBe(400);
        expect(response.headers.get('x-permissio-pdp-calls')).toBe('0');
      });
    });

    describe('attribute rules (ABAC): the resolver loads the document, the token carries the claims', () => {
      const asToken = async (claims: { sub: string; tenant: string; department?: string }) => ({
        authorization: `Bearer ${await token(claims)}`,
      });

      it('owners may edit their own documents; nobody else gains anything', async () => {
        // bob is only a viewer in acme, but owns doc-4.
        expect((await call('bob', 'PUT', '/documents/doc-4', { title: 'Expense policy v2' })).status).toBe(200);
        expect((await call('dave', 'PUT', '/documents/doc-4', { title: 'nope' })).status).toBe(403);
        // Owning gives `write` only.
        expect((await call('bob', 'DELETE', '/documents/doc-4')).status).toBe(403);
        // The handler's own checks see the same attributes.
        expect((await call('bob', 'GET', '/documents/doc-4')).json.can).toEqual({
          write: true,
          delete: false,
          share: false,
        });
      });

      it('engineers may read public documents of their tenant; secret ones are denied', async () => {
        // dave has no tenant role; his token says department=engineering.
        expect((await call('dave', 'GET', '/documents/doc-4')).status).toBe(200);
        expect((await call('dave', 'GET', '/documents/doc-2')).status).toBe(403);
        // carol is an engineer of globex: acme's public document is not hers to read.
        expect((await call('carol', 'GET', '/documents/doc-4')).status).toBe(403);
        // The claims decide: the same user without the claim, or from another tenant, is denied.
        expect(
          (await call(await asToken({ sub: 'dave@acme.test', tenant: 'acme' }), 'GET', '/documents/doc-4')).status,
        ).toBe(403);
        const elsewhere = await asToken({ sub: 'dave@acme.test', tenant: 'globex', department: 'engineering' });
        expect((await call(elsewhere, 'GET', '/documents/doc-4')).status).toBe(403);
      });

      it('a user known only from the token matches from its claims', async () => {
        const frank = await asToken({ sub: 'frank@acme.test', tenant: 'acme', department: 'engineering' });
        expect((await call(frank, 'GET', '/documents/doc-4')).status).toBe(200);
        expect((await call(frank, 'GET', '/documents/doc-1')).status).toBe(403); // internal
        const sales = await asToken({ sub: 'frank@acme.test', tenant: 'acme', department: 'sales' });
        expect((await call(sales, 'GET', '/documents/doc-4')).status).toBe(403);
      });

      it('a created document belongs to its creator and keeps its classification', async () => {
        const created = await call('alice', 'POST', '/documents', {
          title: 'Launch notes',
          projectId: 'p2',
          classification: 'public',
        });
        expect(created.status).toBe(201);
        expect(created.json.document).toMatchObject({ ownerId: 'alice@acme.test', classification: 'public' });
        const id: string = created.json.document.id;
        expect((await call('dave', 'GET', `/documents/${id}`)).status).toBe(200);
        expect((await call('bob', 'PUT', `/documents/${id}`, { title: 'nope' })).status).toBe(403);
        const secret = await call('alice', 'POST', '/documents', {
          title: 'Salaries',
          projectId: 'p2',
          classification: 'secret',
        });
        expect((await call('dave', 'GET', `/documents/${secret.json.document.id}`)).status).toBe(403);
        expect(
          (await call('alice', 'POST', '/documents', { title: 'X', projectId: 'p2', classification: 'top' })).status,
        ).toBe(422);
      });
    });

    describe('GET /documents: the list equals the item checks (plan → SQL)', () => {
      // A fresh app, so the candidate ids are known: the seed plus what is created here.
      let fresh: RunningExample;
      const candidates: string[] = seedDocuments().map((d) => d.id);

      beforeAll(async () => {
        fresh = await start();
        for (const [as, body] of [
          ['alice', { title: 'Launch notes', projectId: 'p1', classification: 'public' }],
          ['alice', { title: 'Pricing', projectId: 'p2', classification: 'internal' }],
          ['erin', { title: 'Salaries', projectId: 'p2', classification: 'secret' }],
          ['erin', { title: 'Handbook', projectId: 'p2', classification: 'public' }],
          ['carol', { title: 'Lair', projectId: 'g1', classification: 'public' }],
        ] as const) {
          const created = await freshCall(`Bearer ${tokens.get(as)}`, 'POST', '/documents', body);
          expect(created.status).toBe(201);
          candidates.push(created.json.document.id);
        }
      });
      afterAll(async () => {
        await fresh?.close();
      });

      async function freshCall(authorization: string | null, method: string, path: string, body?: unknown) {
        const headers: Record<string, string> = {};
        if (authorization !== null) headers.authorization = authorization;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`${fresh.url}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return { status: response.status, json: text === '' ? undefined : JSON.parse(text), headers: response.headers };
      }
      const ids = (json: { documents: { id: string }[] }) => json.documents.map((d) => d.id);
      const bearer = async (claims: { sub: string; tenant: string; department?: string }) =>
        `Bearer ${await token(claims)}`;

      // Every cast member, plus tokens the cast does not cover: an engineer known only from the token, a user
      // with nothing, and alice's token claiming another tenant (the item check runs in the document's tenant).
      const callers: [string, () => Promise<string>][] = [
        ...(Object.keys(USERS) as DemoUserName[]).map(
          (name) => [name, async () => `Bearer ${tokens.get(name)}`] as [string, () => Promise<string>],
        ),
        [
          'frank (engineer, token only)',
          () => bearer({ sub: 'frank@acme.test', tenant: 'acme', department: 'engineering' }),
        ],
        ['nobody (no roles)', () => bearer({ sub: 'nobody@acme.test', tenant: 'acme' })],
        ['alice claiming globex', () => bearer({ sub: USERS.alice.key, tenant: 'globex' })],
      ];

      it.each(callers)('%s: list == the ids GET /documents/:id allows', async (_name, authorization) => {
        const header = await authorization();
        const agreement = await compareListWithChecks((path) => freshCall(header, 'GET', path), candidates);
        expect(agreement.unexpected).toEqual([]);
        expect(agreement.listStatus).toBe(200);
        expect(agreement.listed).toEqual(agreement.allowed);
        expect(agreement.ok).toBe(true);
      });

      it('lists what each rule gives: tenant roles, instance roles, URI roles, owners and classifications', async () => {
        const listOf = async (as: DemoUserName) =>
          ids((await freshCall(`Bearer ${tokens.get(as)}`, 'GET', '/documents')).json);
        const [launch, pricing, salaries, handbook, lair] = candidates.slice(4);
        // erin: admin in acme → every acme document; carol: admin in globex → every globex one.
        expect(await listOf('erin')).toEqual(['doc-1', 'doc-2', 'doc-4', launch, pricing, salaries, handbook].sort());
        expect(await listOf('carol')).toEqual(['doc-3', lair].sort());
        // dave: no tenant role; /projects/p1 (URI role) + the public documents of acme (engineer).
        expect(await listOf('dave')).toEqual(['doc-1', 'doc-4', launch, handbook].sort());
        // bob: viewer in acme → every acme document; his instance role on doc-2 adds nothing to read.
        expect(await listOf('bob')).toEqual(['doc-1', 'doc-2', 'doc-4', launch, pricing, salaries, handbook].sort());
      });

      it('a user with nothing gets an empty list, not an error', async () => {
        const response = await freshCall(
          await bearer({ sub: 'nobody@acme.test', tenant: 'acme' }),
          'GET',
          '/documents',
        );
        expect(response.status).toBe(200);
        expect(response.json).toEqual({ documents: [] });
        // An engineer of acme without the department claim gets nothing either (the claim is the rule's input).
        const noClaim = await freshCall(await bearer({ sub: USERS.dave.key, tenant: 'acme' }), 'GET', '/documents');
        expect(ids(noClaim.json)).toEqual(['doc-1', candidates[4]].sort());
      });

      it('asks one plan per tenant, in one request scope', async () => {
        const response = await freshCall(`Bearer ${tokens.get('dave')}`, 'GET', '/documents');
        expect(response.headers.get('x-permissio-pdp-calls')).toBe('2');
      });

      it('answers 401 (problem+json) without a valid token, before any plan', async () => {
        for (const authorization of [null, 'Bearer nope']) {
          const response = await freshCall(authorization, 'GET', '/documents');
          expect(response.status).toBe(401);
          expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(response.json).toMatchObject({ status: 401, title: 'Unauthorized' });
          expect(response.headers.get('x-permissio-pdp-calls')).toBe('0');
        }
      });

      it('a hostile or malformed query string never widens the list', async () => {
        const dave = `Bearer ${tokens.get('dave')}`;
        const all = ids((await freshCall(dave, 'GET', '/documents')).json);
        // projectId narrows, as a bound parameter: SQL in it matches no project.
        expect(ids((await freshCall(dave, 'GET', '/documents?projectId=p1')).json)).toEqual(
          ['doc-1', candidates[4]].sort(),
        );
        for (const hostile of ["p1' OR '1'='1", 'p1") OR 1=1 --', 'p%', '%', '_1', "'; DROP TABLE documents; --"]) {
          const response = await freshCall(dave, 'GET', `/documents?projectId=${encodeURIComponent(hostile)}`);
          expect(response.status, hostile).toBe(200);
          expect(response.json, hostile).toEqual({ documents: [] });
        }
        // Another tenant's project: still only what dave may read (nothing there).
        expect((await freshCall(dave, 'GET', '/documents?projectId=g1')).json).toEqual({ documents: [] });
        // Parameters the list does not take (a tenant, a user) and repeated or empty ones are refused.
        for (const query of [
          'tenant=globex',
          'user=erin%40acme.test',
          'projectId=p1&projectId=p2',
          'projectId=',
          'projectId[]=p1',
        ]) {
          const response = await freshCall(dave, 'GET', `/documents?${query}`);
          expect(response.status, query).toBe(400);
          expect(response.json.error, query).toEqual(expect.any(String));
        }
        // The table is intact and the list unchanged.
        expect(ids((await freshCall(dave, 'GET', '/documents')).json)).toEqual(all);
      });

      it('follows writes: a deleted document leaves the list, a created one joins it', async () => {
        const erin = `Bearer ${tokens.get('erin')}`;
        const created = await freshCall(erin, 'POST', '/documents', {
          title: 'Temp',
          projectId: 'p1',
          classification: 'public',
        });
        const id: string = created.json.document.id;
        expect(ids((await freshCall(`Bearer ${tokens.get('dave')}`, 'GET', '/documents')).json)).toContain(id);
        expect((await freshCall(erin, 'DELETE', `/documents/${id}`)).status).toBe(204);
        expect(ids((await freshCall(`Bearer ${tokens.get('dave')}`, 'GET', '/documents')).json)).not.toContain(id);
        expect(ids((await freshCall(erin, 'GET', '/documents')).json)).not.toContain(id);
      });
    });

    describe('each resource form', () => {
      it('CheckResource object: POST /documents needs a tenant-wide write', async () => {
        const created = await call('alice', 'POST', '/documents', { title: 'Minutes', projectId: 'p1' });
        expect(created.status).toBe(201);
        expect(created.json.document).toMatchObject({ title: 'Minutes', tenant: 'acme', projectId: 'p1' });
        expect((await call('bob', 'POST', '/documents', { title: 'Nope', projectId: 'p1' })).status).toBe(403);
        expect((await call('alice', 'POST', '/documents', { title: 'Wrong', projectId: 'g1' })).status).toBe(422);
      });

      it('sync resolver: DELETE /documents/:id needs admin on that document', async () => {
        const created = await call('erin', 'POST', '/documents', { title: 'Scratch', projectId: 'p2' });
        const id: string = created.json.document.id;
        expect((await call('alice', 'DELETE', `/documents/${id}`)).status).toBe(403);
        expect((await call('erin', 'DELETE', `/documents/${id}`)).status).toBe(204);
        // unknown document: the resolver returns nothing → denied, never the handler
        expect((await call('erin', 'DELETE', `/documents/${id}`)).status).toBe(403);
      });

      it('async resolver: POST /documents/:id/share needs share', async () => {
        expect((await call('alice', 'POST', '/documents/doc-2/share', { user: 'bob@acme.test' })).status).toBe(403);
        const shared = await call('erin', 'POST', '/documents/doc-2/share', { user: 'dave@acme.test' });
        expect(shared.status).toBe(200);
        expect(shared.json.document.sharedWith).toContain('dave@acme.test');
        expect((await call('erin', 'GET', '/documents/doc-999')).status).toBe(403);
      });
    });
  });
}

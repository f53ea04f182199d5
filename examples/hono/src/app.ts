/**
 * The document-management API on Hono, protected by `@permissio/hono`.
 *
 * Every `requirePermission` resource form appears once:
 * - a CheckResource object ... POST   /documents
 * - a sync resolver .......... PUT    /documents/:id, DELETE /documents/:id
 * - an async resolver ........ GET    /documents/:id, POST /documents/:id/share
 * - resourceFromPath ......... GET|PUT /projects/:projectId/documents/:documentId
 * and GET /documents/:id asks three more questions through the request scope.
 * GET /documents lists with a plan compiled by `toDrizzle` (Drizzle over the
 * same SQLite table): it returns exactly the documents GET /documents/:id allows.
 *
 * Hono runs on any runtime; nothing here but the document store (better-sqlite3)
 * is Node-specific (see main.ts for the Node server).
 */
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { permissio, permissioScope, publicRoute, requirePermission, resourceFromPath } from '@permissio/hono';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { classificationField, findProject, stringField } from '../../shared/policy.js';
import { authenticate, demoSecret, type Principal } from '@permissio/example-shared/auth';
import { checkUser, documentResource, type ExampleAppOptions } from '@permissio/example-shared/app';
import { DocumentStore, documentChanges } from '@permissio/example-shared/documents';
import { answerList } from '@permissio/example-shared/list';
import { listDocumentsWithDrizzle } from './documents-table.js';

/** The app's context variables (the adapter adds `permissio`). */
export type AppEnv = { Variables: { auth: Principal | undefined } };

export type AppOptions = ExampleAppOptions;

async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

export function createApp({
  client,
  jwtSecret = demoSecret(),
  documents = new DocumentStore(),
  demo = false,
}: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Drizzle over the store's own connection: the list reads the table the item routes read.
  const db = drizzle({ client: documents.db });

  if (demo) {
    // Outermost: reads the scope's counters once the response is ready.
    app.use('*', async function exposePdpCalls(c, next) {
      await next();
      c.res.headers.set('X-Permissio-Pdp-Calls', String(c.get('permissio')?.stats.pdpCalls ?? 0));
    });
  }

  // Who is calling: a verified token, or nobody (protected routes answer 401).
  app.use(
    '*',
    createMiddleware<AppEnv>(async function authenticateBearer(c, next) {
      c.set('auth', await authenticate(c.req.header('authorization'), jwtSecret));
      await next();
    }),
  );

  app.use(
    '*',
    permissio({
      client,
      // The token's subject, with its claims (department, tenant) as attributes for the condition rules.
      user: (c) => checkUser(c.get('auth')),
      tenant: (c) => c.get('auth')?.tenant,
      // Every route must have requirePermission(...) or publicRoute(): a forgotten guard is refused.
      requireGuard: true,
    }),
  );

  // Sync resolver: the document is looked up in SQLite, synchronously (better-sqlite3).
  const documentFromParams = (c: Context) => documentResource(documents.find(c.req.param('id')));
  // Async resolver: as a database call would be.
  const loadDocument = async (c: Context) => documentResource(await documents.load(c.req.param('id')));

  app.get('/health', publicRoute(), (c) => c.json({ status: 'ok' }));

  // The list: no route guard can say "some documents", so the plan decides (publicRoute() only tells
  // requireGuard so; the handler requires a user itself). One plan per tenant, compiled to one Drizzle query.
  app.get('/documents', publicRoute(), async (c) => {
    const auth = c.get('auth');
    // This route has no guard, so no decision has set c.get('permissio') yet: permissioScope(c) starts the
    // request's scope with the registration's resolvers (and sets it, for the demo header).
    const scope = auth === undefined ? undefined : await permissioScope(c);
    const answer = await answerList(auth === undefined ? undefined : scope, c.req.url, (planner, query) =>
      listDocumentsWithDrizzle(planner, documents, db, query),
    );
    return c.body(JSON.stringify(answer.body), answer.status, { 'content-type': answer.contentType });
  });

  // CheckResource object: creating needs a tenant-wide `document:write`.
  app.post('/documents', requirePermission('write', { type: 'document' }), async (c) => {
    const tenant = c.get('auth')?.tenant ?? '';
    const body = await readJson(c);
    const title = stringField(body, 'title', 200);
    const projectId = stringField(body, 'projectId', 100);
    const classification = classificationField(body);
    if (
      title === undefined ||
      projectId === undefined ||
      classification === undefined ||
      findProject(tenant, projectId) === undefined
    ) {
      return c.json(
        {
          error:
            'A title, one of your projects (projectId) and, optionally, a classification (public, internal, secret) are required.',
        },
        422,
      );
    }
    const created = documents.create({
      tenant,
      projectId,
      ownerId: c.get('auth')?.user ?? '',
      classification,
      title,
      body: stringField(body, 'body') ?? '',
    });
    return c.json({ document: created }, 201);
  });

  // Async resolver, then three more checks through the request's scope (the
  // decision cache requirePermission used). Against a remote PDP the three,
  // started together, go out as one bulk call.
  app.get('/documents/:id', requirePermission('read', loadDocument), async (c) => {
    const document = documents.find(c.req.param('id'));
    const resource = documentResource(document);
    if (document === undefined || resource === undefined) return c.json({ error: 'Not found.' }, 404);
    // Set by requirePermission's decision (typed optional: undefined before the first decision).
    const scope = c.get('permissio');
    if (scope === undefined) throw new Error('requirePermission ran, so the request scope exists.');
    const [write, del, share] = await Promise.all([
      scope.check('write', resource),
      scope.check('delete', resource),
      scope.check('share', resource),
    ]);
    return c.json({ document, can: { write, delete: del, share } });
  });

  // Sync resolver from the route params.
  app.put('/documents/:id', requirePermission('write', documentFromParams), async (c) => {
    const document = documents.update(c.req.param('id'), documentChanges(await readJson(c)));
    if (document === undefined) return c.json({ error: 'Not found.' }, 404);
    return c.json({ document });
  });

  app.delete('/documents/:id', requirePermission('delete', documentFromParams), (c) => {
    documents.delete(c.req.param('id'));
    return c.body(null, 204);
  });

  app.post('/documents/:id/share', requirePermission('share', loadDocument), async (c) => {
    const user = stringField(await readJson(c), 'user', 256);
    if (user === undefined) return c.json({ error: 'The user to share with is required.' }, 422);
    const document = documents.share(c.req.param('id'), user);
    if (document === undefined) return c.json({ error: 'Not found.' }, 404);
    return c.json({ document });
  });

  // resourceFromPath: the resource URI is the request path itself, so a URI
  // role on /projects/p1 covers every document under it. The check runs in the
  // caller's tenant; the handler still only serves that tenant's documents.
  const documentInPath = resourceFromPath('document', { key: 'documentId' });

  app.get('/projects/:projectId/documents/:documentId', requirePermission('read', documentInPath), (c) => {
    const document = documents.findInProject(
      c.get('auth')?.tenant,
      c.req.param('projectId'),
      c.req.param('documentId'),
    );
    if (document === undefined) return c.json({ error: 'Not found.' }, 404);
    return c.json({ document });
  });

  app.put('/projects/:projectId/documents/:documentId', requirePermission('write', documentInPath), async (c) => {
    const document = documents.findInProject(
      c.get('auth')?.tenant,
      c.req.param('projectId'),
      c.req.param('documentId'),
    );
    if (document === undefined) return c.json({ error: 'Not found.' }, 404);
    return c.json({ document: documents.update(document.id, documentChanges(await readJson(c))) });
  });

  app.notFound((c) => c.json({ error: 'Not found.' }, 404));

  return app;
}

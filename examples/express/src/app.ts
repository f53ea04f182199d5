/**
 * The document-management API on Express, protected by `@permissio/express`.
 *
 * Every `requirePermission` resource form appears once:
 * - a CheckResource object ... POST   /documents
 * - a sync resolver .......... PUT    /documents/:id, DELETE /documents/:id
 * - an async resolver ........ GET    /documents/:id, POST /documents/:id/share
 * - resourceFromPath ......... GET|PUT /projects/:projectId/documents/:documentId
 * and GET /documents/:id asks three more questions through the request scope.
 * GET /documents lists with a plan (`req.permissio.plan`) compiled to SQL: it
 * returns exactly the documents GET /documents/:id allows.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { permissio, publicRoute, requirePermission, resourceFromPath } from '@permissio/express';
import { classificationField, findProject, stringField } from '../../shared/policy.js';
import { authenticate, demoSecret, type Principal } from '@permissio/example-shared/auth';
import { checkUser, documentResource, type ExampleAppOptions } from '@permissio/example-shared/app';
import { DocumentStore, documentChanges } from '@permissio/example-shared/documents';
import { answerList, listDocuments } from '@permissio/example-shared/list';

declare global {
  namespace Express {
    interface Request {
      /** Set by the authentication middleware when the bearer token is valid. */
      auth?: Principal;
    }
  }
}

export type AppOptions = ExampleAppOptions;

export function createApp({
  client,
  jwtSecret = demoSecret(),
  documents = new DocumentStore(),
  demo = false,
}: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));

  if (demo) app.use(exposePdpCalls);

  // Deliberately public: listed as `public` in the route manifest.
  app.get('/health', publicRoute(), (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Who is calling: a verified token, or nobody (protected routes answer 401).
  app.use(async function authenticateBearer(req: Request, _res: Response, next: NextFunction) {
    const principal = await authenticate(req.get('authorization'), jwtSecret);
    if (principal !== undefined) req.auth = principal;
    next();
  });

  app.use(
    permissio({
      client,
      // The token's subject, with its claims (department, tenant) as attributes for the condition rules.
      user: (req) => checkUser(req.auth),
      tenant: (req) => req.auth?.tenant,
      // Every route after this must have requirePermission(...) or publicRoute(): a forgotten guard is refused.
      requireGuard: true,
    }),
  );

  // Sync resolver: the document is looked up in SQLite, synchronously (better-sqlite3).
  const documentFromParams = (req: Request) => documentResource(documents.find(param(req, 'id')));
  // Async resolver: as a database call would be.
  const loadDocument = async (req: Request) => documentResource(await documents.load(param(req, 'id')));

  // The list: no route guard can say "some documents", so the plan decides (publicRoute() only tells
  // requireGuard so; the handler requires a user itself). One plan per tenant, compiled to one SQL query.
  app.get('/documents', publicRoute(), async (req, res) => {
    const scope = req.auth === undefined ? undefined : req.permissio;
    const answer = await answerList(scope, req.originalUrl, (planner, query) =>
      listDocuments(planner, documents, query),
    );
    res.status(answer.status).type(answer.contentType).send(JSON.stringify(answer.body));
  });

  // CheckResource object: creating needs a tenant-wide `document:write`.
  app.post('/documents', requirePermission('write', { type: 'document' }), (req, res) => {
    const tenant = req.auth?.tenant ?? '';
    const title = stringField(req.body, 'title', 200);
    const projectId = stringField(req.body, 'projectId', 100);
    const classification = classificationField(req.body);
    if (
      title === undefined ||
      projectId === undefined ||
      classification === undefined ||
      findProject(tenant, projectId) === undefined
    ) {
      res.status(422).json({
        error:
          'A title, one of your projects (projectId) and, optionally, a classification (public, internal, secret) are required.',
      });
      return;
    }
    const created = documents.create({
      tenant,
      projectId,
      ownerId: req.auth?.user ?? '',
      classification,
      title,
      body: stringField(req.body, 'body') ?? '',
    });
    res.status(201).json({ document: created });
  });

  // Async resolver, then three more checks through the request's scope (the
  // decision cache requirePermission used). Against a remote PDP the three,
  // started together, go out as one bulk call.
  app.get('/documents/:id', requirePermission('read', loadDocument), async (req, res) => {
    const document = documents.find(param(req, 'id'));
    const resource = documentResource(document);
    if (document === undefined || resource === undefined) return notFound(res);
    // Set by requirePermission's decision (typed optional: undefined where permissio() did not run).
    const scope = req.permissio;
    if (scope === undefined) throw new Error('requirePermission ran, so the request scope exists.');
    const [write, del, share] = await Promise.all([
      scope.check('write', resource),
      scope.check('delete', resource),
      scope.check('share', resource),
    ]);
    res.json({ document, can: { write, delete: del, share } });
  });

  // Sync resolver from the route params.
  app.put('/documents/:id', requirePermission('write', documentFromParams), (req, res) => {
    const document = documents.update(param(req, 'id') ?? '', documentChanges(req.body));
    if (document === undefined) return notFound(res);
    res.json({ document });
  });

  app.delete('/documents/:id', requirePermission('delete', documentFromParams), (req, res) => {
    documents.delete(param(req, 'id') ?? '');
    res.status(204).end();
  });

  app.post('/documents/:id/share', requirePermission('share', loadDocument), (req, res) => {
    const user = stringField(req.body, 'user', 256);
    if (user === undefined) {
      res.status(422).json({ error: 'The user to share with is required.' });
      return;
    }
    const document = documents.share(param(req, 'id') ?? '', user);
    if (document === undefined) return notFound(res);
    res.json({ document });
  });

  // resourceFromPath: the resource URI is the request path itself, so a URI
  // role on /projects/p1 covers every document under it. The check runs in the
  // caller's tenant; the handler still only serves that tenant's documents.
  const documentInPath = resourceFromPath('document', { key: 'documentId' });

  app.get('/projects/:projectId/documents/:documentId', requirePermission('read', documentInPath), (req, res) => {
    const document = documents.findInProject(req.auth?.tenant, param(req, 'projectId'), param(req, 'documentId'));
    if (document === undefined) return notFound(res);
    res.json({ document });
  });

  app.put('/projects/:projectId/documents/:documentId', requirePermission('write', documentInPath), (req, res) => {
    const document = documents.findInProject(req.auth?.tenant, param(req, 'projectId'), param(req, 'documentId'));
    if (document === undefined) return notFound(res);
    res.json({ document: documents.update(document.id, documentChanges(req.body)) });
  });

  app.use((_req, res) => notFound(res));

  return app;
}

function notFound(res: Response): void {
  res.status(404).json({ error: 'Not found.' });
}

/** A route parameter as a string (Express 5 types wildcard params as arrays). */
function param(req: Request, name: string): string | undefined {
  const value = req.params[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Demo instrumentation: writes the request scope's PDP call count into a
 * response header just before the headers go out (after the authorization
 * decision and the handler's own checks).
 */
function exposePdpCalls(req: Request, res: Response, next: NextFunction): void {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadWithPdpCalls(this: Response, ...args: unknown[]) {
    const stats = (req as Partial<Pick<Request, 'permissio'>>).permissio?.stats;
    if (!res.headersSent) res.setHeader('X-Permissio-Pdp-Calls', String(stats?.pdpCalls ?? 0));
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as typeof res.writeHead;
  next();
}

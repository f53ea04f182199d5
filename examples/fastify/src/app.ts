/**
 * The document-management API on Fastify, protected by `@permissio/fastify`.
 *
 * Every `requirePermission` resource form appears once:
 * - a CheckResource object ... POST   /documents
 * - a sync resolver .......... PUT    /documents/:id, DELETE /documents/:id
 * - an async resolver ........ GET    /documents/:id, POST /documents/:id/share
 * - resourceFromPath ......... GET|PUT /projects/:projectId/documents/:documentId
 * and GET /documents/:id asks three more questions through the request scope.
 * GET /documents lists with a plan (`request.permissio.plan`) compiled to SQL:
 * it returns exactly the documents GET /documents/:id allows.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import permissioPlugin, { requirePermission, resourceFromPath } from '@permissio/fastify';
import { classificationField, findProject, stringField } from '../../shared/policy.js';
import { authenticate, demoSecret, type Principal } from '@permissio/example-shared/auth';
import { checkUser, documentResource, type ExampleAppOptions } from '@permissio/example-shared/app';
import { DocumentStore, documentChanges } from '@permissio/example-shared/documents';
import { answerList, listDocuments } from '@permissio/example-shared/list';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook when the bearer token is valid. */
    auth: Principal | null;
  }
}

export type AppOptions = ExampleAppOptions;

type IdRoute = { Params: { id: string } };
type ProjectDocumentRoute = { Params: { projectId: string; documentId: string } };

export async function createApp({
  client,
  jwtSecret = demoSecret(),
  documents = new DocumentStore(),
  demo = false,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });

  // Who is calling: a verified token, or nobody (protected routes answer 401).
  // Added before the plugin, so it runs before the plugin's onRequest hook.
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async function authenticateBearer(request) {
    request.auth = (await authenticate(request.headers.authorization, jwtSecret)) ?? null;
  });

  await app.register(permissioPlugin, {
    client,
    // The token's subject, with its claims (department, tenant) as attributes for the condition rules.
    user: (request) => checkUser(request.auth ?? undefined),
    tenant: (request) => request.auth?.tenant,
    // Every route must have a permission or config.public: a forgotten guard is refused.
    requireGuard: true,
    // The guards are checked against the policy at ready(): a misspelt action fails the start.
    routeValidation: 'error',
  });

  if (demo) {
    app.addHook('onSend', async function exposePdpCalls(request, reply) {
      reply.header('x-permissio-pdp-calls', String(request.permissio?.stats.pdpCalls ?? 0));
    });
  }

  // Sync resolver: the document is looked up in SQLite, synchronously (better-sqlite3).
  const documentFromParams = (request: FastifyRequest) => documentResource(documents.find(param(request, 'id')));
  // Async resolver: as a database call would be.
  const loadDocument = async (request: FastifyRequest) => documentResource(await documents.load(param(request, 'id')));

  app.get('/health', { config: { public: true } }, async () => ({ status: 'ok' }));

  // The list: no route guard can say "some documents", so the plan decides (config.public only tells
  // requireGuard so; the handler requires a user itself). One plan per tenant, compiled to one SQL query.
  app.get('/documents', { config: { public: true } }, async (request, reply) => {
    const scope = request.auth === null ? undefined : request.permissio;
    const answer = await answerList(scope, request.url, (planner, query) => listDocuments(planner, documents, query));
    return reply.code(answer.status).type(answer.contentType).send(JSON.stringify(answer.body));
  });

  // CheckResource object: creating needs a tenant-wide `document:write`.
  app.post('/documents', { preHandler: requirePermission('write', { type: 'document' }) }, async (request, reply) => {
    const tenant = request.auth?.tenant ?? '';
    const title = stringField(request.body, 'title', 200);
    const projectId = stringField(request.body, 'projectId', 100);
    const classification = classificationField(request.body);
    if (
      title === undefined ||
      projectId === undefined ||
      classification === undefined ||
      findProject(tenant, projectId) === undefined
    ) {
      return reply.code(422).send({
        error:
          'A title, one of your projects (projectId) and, optionally, a classification (public, internal, secret) are required.',
      });
    }
    const created = documents.create({
      tenant,
      projectId,
      ownerId: request.auth?.user ?? '',
      classification,
      title,
      body: stringField(request.body, 'body') ?? '',
    });
    return reply.code(201).send({ document: created });
  });

  // Async resolver, then three more checks through the request's scope (the
  // decision cache requirePermission used). Against a remote PDP the three,
  // started together, go out as one bulk call.
  app.get<IdRoute>(
    '/documents/:id',
    { preHandler: requirePermission('read', loadDocument) },
    async (request, reply) => {
      const document = documents.find(request.params.id);
      const resource = documentResource(document);
      if (document === undefined || resource === undefined) return notFound(reply);
      // Created by requirePermission's decision (typed optional: undefined outside the plugin's context).
      const scope = request.permissio;
      if (scope === undefined) throw new Error('requirePermission ran, so the request scope exists.');
      const [write, del, share] = await Promise.all([
        scope.check('write', resource),
        scope.check('delete', resource),
        scope.check('share', resource),
      ]);
      return { document, can: { write, delete: del, share } };
    },
  );

  // Sync resolver from the route params.
  app.put<IdRoute>(
    '/documents/:id',
    { preHandler: requirePermission('write', documentFromParams) },
    async (request, reply) => {
      const document = documents.update(request.params.id, documentChanges(request.body));
      if (document === undefined) return notFound(reply);
      return { document };
    },
  );

  app.delete<IdRoute>(
    '/documents/:id',
    { preHandler: requirePermission('delete', documentFromParams) },
    async (request, reply) => {
      documents.delete(request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<IdRoute>(
    '/documents/:id/share',
    { preHandler: requirePermission('share', loadDocument) },
    async (request, reply) => {
      const user = stringField(request.body, 'user', 256);
      if (user === undefined) return reply.code(422).send({ error: 'The user to share with is required.' });
      const document = documents.share(request.params.id, user);
      if (document === undefined) return notFound(reply);
      return { document };
    },
  );

  // resourceFromPath: the resource URI is the request path itself, so a URI
  // role on /projects/p1 covers every document under it. The check runs in the
  // caller's tenant; the handler still only serves that tenant's documents.
  const documentInPath = resourceFromPath('document', { key: 'documentId' });

  app.get<ProjectDocumentRoute>(
    '/projects/:projectId/documents/:documentId',
    { preHandler: requirePermission('read', documentInPath) },
    async (request, reply) => {
      const document = documents.findInProject(
        request.auth?.tenant,
        request.params.projectId,
        request.params.documentId,
      );
      if (document === undefined) return notFound(reply);
      return { document };
    },
  );

  app.put<ProjectDocumentRoute>(
    '/projects/:projectId/documents/:documentId',
    { preHandler: requirePermission('write', documentInPath) },
    async (request, reply) => {
      const document = documents.findInProject(
        request.auth?.tenant,
        request.params.projectId,
        request.params.documentId,
      );
      if (document === undefined) return notFound(reply);
      return { document: documents.update(document.id, documentChanges(request.body)) };
    },
  );

  app.setNotFoundHandler((_request, reply) => notFound(reply));

  return app;
}

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: 'Not found.' });
}

/** A route parameter as a string (resolvers see the untyped request). */
function param(request: FastifyRequest, name: string): string | undefined {
  const value = (request.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

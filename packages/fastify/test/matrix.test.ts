import Fastify, { type FastifyRequest } from 'fastify';
import {
  defineAdapterSuite,
  rawRequest,
  parseBody,
  type AdapterDriver,
  type TestResponse,
} from '@permissio/adapter-testkit';
import permissioPlugin, {
  requirePermission,
  resourceFromPath,
  routeManifest,
  type PermissioFastifyHook,
  type PermissioFastifyOptions,
} from '../src/index.js';

const hook =
  (name: string): PermissioFastifyHook =>
  async (_request, reply, outcome) => {
    await reply.code(418).send({ hook: name, status: outcome.status });
  };

export const fastifyDriver: AdapterDriver<FastifyRequest> = {
  name: 'fastify',
  access: {
    param: (request, name) => (request.params as Record<string, unknown>)[name],
    header: (request, name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
    query: (request, name) => (request.query as Record<string, unknown>)[name],
    scope: (request) => request.permissio,
  },
  resourceFromPath,
  requirePermission: (action, resource) => requirePermission(action as string, resource as string),
  async createAdapter(options) {
    const app = Fastify();
    try {
      await app.register(permissioPlugin, options as PermissioFastifyOptions);
      await app.ready();
    } finally {
      await app.close().catch(() => {});
    }
  },
  hookOptions: () => ({
    onDenied: hook('onDenied'),
    onUnauthenticated: hook('onUnauthenticated'),
    onError: hook('onError'),
  }),
  async createApp({ options, routes, authenticate, registration = 'normal' }) {
    const app = Fastify();
    if (registration === 'normal') await app.register(permissioPlugin, options as PermissioFastifyOptions);
    if (authenticate !== undefined) {
      // Late auth: a hook added after the plugin, running after its onRequest.
      app.addHook('preValidation', async (request) => {
        authenticate(request);
      });
    }
    routes.forEach((route, i) => {
      // Half the routes use config.permission, half an explicit preHandler: both paths are tested.
      const usesConfig = i % 2 === 0;
      app.route({
        method: route.method,
        url: route.path,
        ...(route.permission === undefined
          ? route.public === true
            ? { config: { public: true } }
            : {}
          : usesConfig
            ? { config: { permission: route.permission } }
            : {
                preHandler: (registration === 'normal' ? app.requirePermission : requirePermission)(
                  route.permission.action,
                  route.permission.resource,
                ),
              }),
        handler: async (request) => route.handle(request),
      });
    });
    if (registration === 'after-routes') await app.register(permissioPlugin, options as PermissioFastifyOptions);
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
    } catch (error) {
      await app.close();
      throw error;
    }
    const address = app.server.address();
    const base = typeof address === 'object' && address !== null ? `http://127.0.0.1:${address.port}` : '';
    return {
      manifest: () => routeManifest(app),
      async request(req): Promise<TestResponse> {
        if (req.raw === true) return rawRequest(base, req);
        const res = await app.inject({
          method: req.method,
          url: req.path,
          headers: req.headers ?? {},
          ...(req.body === undefined ? {} : { payload: req.body as object }),
        });
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(res.headers))
          headers[name] = Array.isArray(value) ? value.join(', ') : value?.toString();
        return { status: res.statusCode, headers, text: res.body, body: parseBody(headers['content-type'], res.body) };
      },
      close: () => app.close(),
    };
  },
};

defineAdapterSuite(fastifyDriver);

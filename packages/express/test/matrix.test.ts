import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import request from 'supertest';
import {
  defineAdapterSuite,
  rawRequest,
  parseBody,
  type AdapterDriver,
  type TestResponse,
} from '@permissio/adapter-testkit';
import {
  permissio,
  publicRoute,
  requirePermission,
  routeManifest,
  resourceFromPath,
  type PermissioExpressHook,
  type PermissioExpressOptions,
} from '../src/index.js';

function expressPath(path: string): string {
  return path.endsWith('/*') ? `${path}rest` : path;
}

const hook =
  (name: string): PermissioExpressHook =>
  (_req, res, _next, outcome) => {
    res.status(418).json({ hook: name, status: outcome.status });
  };

export const expressDriver: AdapterDriver<Request> = {
  name: 'express',
  caseInsensitiveRouting: true,
  routePath: expressPath,
  access: {
    param: (req, name) => (req.params as Record<string, unknown>)[name],
    header: (req, name) => req.get(name),
    query: (req, name) => (req.query as Record<string, unknown>)[name],
    scope: (req) => req.permissio,
  },
  resourceFromPath,
  requirePermission: (action, resource) => requirePermission(action as string, resource as string),
  createAdapter: (options) => permissio(options as PermissioExpressOptions),
  hookOptions: () => ({
    onDenied: hook('onDenied'),
    onUnauthenticated: hook('onUnauthenticated'),
    onError: hook('onError'),
  }),
  async createApp({ options, routes, authenticate, registration = 'normal' }) {
    const app = express();
    if (registration === 'normal') app.use(permissio(options as PermissioExpressOptions));
    // Late auth: route-level, after permissio() and before requirePermission.
    const auth: express.RequestHandler[] =
      authenticate === undefined
        ? []
        : [
            (req, _res, next) => {
              authenticate(req);
              next();
            },
          ];
    for (const route of routes) {
      const handlers =
        route.permission !== undefined
          ? [...auth, requirePermission(route.permission.action, route.permission.resource)]
          : route.public === true
            ? [...auth, publicRoute()]
            : auth;
      const method = route.method.toLowerCase() as 'get' | 'post' | 'delete';
      app[method](expressPath(route.path), ...handlers, async (req, res, next) => {
        try {
          res.json(await route.handle(req));
        } catch (error) {
          next(error);
        }
      });
    }
    if (registration === 'after-routes') app.use(permissio(options as PermissioExpressOptions));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      manifest: () => routeManifest(app),
      async request(req): Promise<TestResponse> {
        if (req.raw === true) return rawRequest(base, req);
        const method = req.method.toLowerCase() as 'get' | 'head' | 'post' | 'put' | 'delete';
        let test = request(server)[method](req.path);
        for (const [name, value] of Object.entries(req.headers ?? {})) test = test.set(name, value);
        if (req.body !== undefined) test = test.send(req.body as object);
        const res = await test.buffer(true).parse((response, callback) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => callback(null, text));
        });
        const text = typeof res.body === 'string' ? res.body : '';
        const headers = res.headers as Record<string, string | undefined>;
        return { status: res.status, headers, text, body: parseBody(headers['content-type'], text) };
      },
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};

defineAdapterSuite(expressDriver);

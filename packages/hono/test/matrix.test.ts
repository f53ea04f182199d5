import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { serve } from '@hono/node-server';
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
  type PermissioHonoHook,
  type PermissioHonoOptions,
} from '../src/index.js';

const hook =
  (name: string): PermissioHonoHook =>
  (c, outcome) =>
    c.json({ hook: name, status: outcome.status }, 418);

export const honoDriver: AdapterDriver<Context> = {
  name: 'hono',
  access: {
    param: (c, name) => c.req.param(name),
    header: (c, name) => c.req.header(name),
    query: (c, name) => {
      const values = c.req.queries(name);
      return values === undefined ? undefined : values.length === 1 ? values[0] : values;
    },
    scope: (c) => c.get('permissio'),
  },
  resourceFromPath,
  requirePermission: (action, resource) => requirePermission(action as string, resource as string),
  createAdapter: (options) => permissio(options as PermissioHonoOptions),
  hookOptions: () => ({
    onDenied: hook('onDenied'),
    onUnauthenticated: hook('onUnauthenticated'),
    onError: hook('onError'),
  }),
  async createApp({ options, routes, authenticate, registration = 'normal' }) {
    const app = new Hono();
    if (registration === 'normal') app.use('*', permissio(options as PermissioHonoOptions));
    // Hono's default error handler, without its console.error: the registration-mistake scenarios expect the
    // thrown configuration error to become a 500, and their stack traces would only be noise in the test output.
    else
      app.onError((error, c) =>
        error instanceof HTTPException ? error.getResponse() : c.text('Internal Server Error', 500),
      );
    if (authenticate !== undefined) {
      // Late auth: registered after permissio().
      app.use('*', async (c, next) => {
        authenticate(c);
        await next();
      });
    }
    for (const route of routes) {
      const method = route.method.toLowerCase() as 'get' | 'post' | 'delete';
      const handler = async (c: Context) => c.json((await route.handle(c)) as object);
      if (route.public === true) app[method](route.path, publicRoute(), handler);
      else if (route.permission === undefined) app[method](route.path, handler);
      else app[method](route.path, requirePermission(route.permission.action, route.permission.resource), handler);
    }
    if (registration === 'after-routes') app.use('*', permissio(options as PermissioHonoOptions));
    let server: ReturnType<typeof serve> | undefined;
    let base: string | undefined;
    const listen = async (): Promise<string> => {
      if (base !== undefined) return base;
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
      await new Promise<void>((resolve) => server?.once('listening', () => resolve()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return base;
    };
    return {
      manifest: () => routeManifest(app),
      async request(req): Promise<TestResponse> {
        if (req.raw === true) return rawRequest(await listen(), req);
        const init: RequestInit = { method: req.method, headers: req.headers ?? {} };
        if (req.body !== undefined) init.body = JSON.stringify(req.body);
        const res = await app.request(req.path, init);
        const text = await res.text();
        const headers: Record<string, string | undefined> = {};
        res.headers.forEach((value, name) => {
          headers[name] = value;
        });
        return { status: res.status, headers, text, body: parseBody(headers['content-type'], text) };
      },
      close: () =>
        new Promise<void>((resolve) => {
          if (server === undefined) resolve();
          else server.close(() => resolve());
        }),
    };
  },
};

defineAdapterSuite(honoDriver);

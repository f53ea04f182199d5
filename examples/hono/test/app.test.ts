import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { describeExample } from '../../shared/e2e.js';
import { policy } from '../../shared/policy.js';
import { createApp } from '../src/app.js';
import { demoSecret, mintDemoToken } from '@permissio/example-shared/auth';

describeExample('hono', {
  async start() {
    const client = new Permissio({ pdp: createEngine(policy) });
    const app = createApp({ client, demo: true });
    const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
      const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
        resolve({ server: started, port: info.port }),
      );
    });
    return {
      url: `http://127.0.0.1:${port}`,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
        await client.close();
      },
    };
  },
  token: (who, { secret, expiresIn } = {}) =>
    mintDemoToken(who, secret === undefined ? undefined : demoSecret(secret), expiresIn),
});

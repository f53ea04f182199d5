import type { AddressInfo } from 'node:net';
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { describeExample } from '../../shared/e2e.js';
import { policy } from '../../shared/policy.js';
import { createApp } from '../src/app.js';
import { demoSecret, mintDemoToken } from '@permissio/example-shared/auth';

describeExample('express', {
  async start() {
    const client = new Permissio({ pdp: createEngine(policy) });
    const server = createApp({ client, demo: true }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      async close() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await client.close();
      },
    };
  },
  token: (who, { secret, expiresIn } = {}) =>
    mintDemoToken(who, secret === undefined ? undefined : demoSecret(secret), expiresIn),
});

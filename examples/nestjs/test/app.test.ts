import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { describeExample } from '../../shared/e2e.js';
import { policy } from '../../shared/policy.js';
import { createApp } from '../src/app.js';
import { demoSecret, mintDemoToken } from '@permissio/example-shared/auth';

describeExample('nestjs', {
  async start() {
    const client = new Permissio({ pdp: createEngine(policy) });
    const app = await createApp({ client, demo: true });
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      async close() {
        await app.close();
        await client.close();
      },
    };
  },
  token: (who, { secret, expiresIn } = {}) =>
    mintDemoToken(who, secret === undefined ? undefined : demoSecret(secret), expiresIn),
});

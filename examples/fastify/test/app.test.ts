import { Permissio } from '@permissio/core';
import { createEngine } from '@permissio/engine';
import { describeExample } from '../../shared/e2e.js';
import { policy } from '../../shared/policy.js';
import { createApp } from '../src/app.js';
import { demoSecret, mintDemoToken } from '@permissio/example-shared/auth';

describeExample('fastify', {
  async start() {
    const client = new Permissio({ pdp: createEngine(policy) });
    const app = await createApp({ client, demo: true });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      url,
      async close() {
        await app.close();
        await client.close();
      },
    };
  },
  token: (who, { secret, expiresIn } = {}) =>
    mintDemoToken(who, secret === undefined ? undefined : demoSecret(secret), expiresIn),
});

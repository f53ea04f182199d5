/**
 * A local PDP server seeded with the examples' policy, for pointing an
 * example at a server by hand:
 *
 *   pnpm --filter @permissio/demo pdp-server          # PORT=7766 by default
 *   PERMISSIO_API_URL=… PERMISSIO_TOKEN=… pnpm --filter @permissio/example-express start
 *
 * In-memory (nothing survives a restart); listens on 127.0.0.1 only. Uses
 * PERMISSIO_TOKEN as its API key when set, else generates one and prints it.
 * The key has the `check` scope: the examples only ask for decisions, and a
 * leaked app key cannot read or change the policy.
 */
import { generateApiKey, startServer } from '@permissio/server';
import { policy } from '../../shared/policy.js';

const key = process.env.PERMISSIO_TOKEN || generateApiKey();
const server = await startServer({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 7766),
  database: ':memory:',
  apiKeys: [{ key, projectId: 'demo', environmentId: 'dev', scopes: ['check'] }],
  seed: policy,
  rateLimits: false,
});

process.stdout.write(`LISTENING ${server.url}\n`);
process.stdout.write(
  `# point an example at it:\nexport PERMISSIO_API_URL=${server.url}\nexport PERMISSIO_TOKEN=${key}\n`,
);

async function shutdown(): Promise<void> {
  await server.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

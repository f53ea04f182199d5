/**
 * Starts the Fastify example.
 *
 *   PORT=3000 (0 = any free port)   listens on 127.0.0.1
 *   PERMISSIO_API_URL + PERMISSIO_TOKEN   use that PDP (e.g. a local @permissio/server)
 *                                         instead of the embedded engine
 *   PERMISSIO_DEMO=1                      adds the X-Permissio-Pdp-Calls header
 *
 * The first line printed is `LISTENING <url>`, for scripts.
 */
import { clientFromEnv } from '@permissio/example-shared/app';
import { createApp } from './app.js';

// A remote PDP when PERMISSIO_API_URL and PERMISSIO_TOKEN are set, else the embedded engine.
const { client, pdp } = clientFromEnv();
const app = await createApp({ client, demo: process.env.PERMISSIO_DEMO === '1' });

try {
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
} catch (error) {
  console.error(error);
  process.exit(1);
}
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.stdout.write(`LISTENING http://127.0.0.1:${port}\n`);
process.stdout.write(`pdp: ${pdp}\n`);

async function shutdown(): Promise<void> {
  await app.close();
  await client.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

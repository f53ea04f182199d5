/**
 * Starts the Express example.
 *
 *   PORT=3000 (0 = any free port)   listens on 127.0.0.1
 *   PERMISSIO_API_URL + PERMISSIO_TOKEN   use that PDP (e.g. a local @permissio/server)
 *                                         instead of the embedded engine
 *   PERMISSIO_DEMO=1                      adds the X-Permissio-Pdp-Calls header
 *
 * The first line printed is `LISTENING <url>`, for scripts.
 */
import type { AddressInfo } from 'node:net';
import { clientFromEnv } from '@permissio/example-shared/app';
import { validateRoutes } from '@permissio/express';
import { createApp } from './app.js';

// A remote PDP when PERMISSIO_API_URL and PERMISSIO_TOKEN are set, else the embedded engine.
const { client, pdp } = clientFromEnv();
const app = createApp({ client, demo: process.env.PERMISSIO_DEMO === '1' });
// Every requirePermission(...) checked against the policy before listening: a misspelt action stops the start.
await validateRoutes(app, { client, mode: 'error' });

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`LISTENING http://127.0.0.1:${port}\n`);
  process.stdout.write(`pdp: ${pdp}\n`);
});
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});

function shutdown(): void {
  server.close(() => {
    void client.close().finally(() => process.exit(0));
  });
  server.closeAllConnections();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

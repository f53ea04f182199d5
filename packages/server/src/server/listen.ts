/** Binds the port and computes the server's URL. */
import type { FastifyInstance } from 'fastify';

/** Where the server listens. */
export interface Bound {
  url: string;
  port: number;
}

/** Listens on `host:port` (0 picks a free port); resolves to the URL actually bound. */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<Bound> {
  await app.listen({ host, port });
  const bound = app.server.address();
  const actualPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`, port: actualPort };
}

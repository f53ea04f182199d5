/**
 * The one "never answering server" of the test suites: a TCP server on
 * 127.0.0.1:0 that accepts connections and never sends a byte. Used by the
 * adapters' matrix (the `timeout` variant) and by core's transport tests.
 * Node built-ins only, so core's tests import this file directly without
 * depending on the testkit package (which depends on core).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SilentServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Destroys every open connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a TCP server on 127.0.0.1:0 that accepts connections and never answers. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

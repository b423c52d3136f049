/**
 * Listening and stopping for the local emulators' node:http servers: loopback only, kept-alive
 * client sockets closed on stop.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens on 127.0.0.1 (port 0 picks a free one) and resolves with the port.
 *
 * @example
 * const port = await listenOnLoopback(createServer(handler), 0);
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  // Kept-alive SDK sockets would otherwise hold stop() open.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops the server, closing kept-alive connections. */
export function stopServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

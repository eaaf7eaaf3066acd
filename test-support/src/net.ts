import type { Server } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** The loopback address every fake and launcher binds to; nothing in tests listens on other interfaces. */
export const LOOPBACK = '127.0.0.1';

export interface Listening {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, destroys open sockets (including hung ones) and resolves once the server is closed. */
  close(): Promise<void>;
}

/** An ephemeral port that was free a moment ago (listen(0) on loopback, then close). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Binds an http server to 127.0.0.1 on an ephemeral port. */
export async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${LOOPBACK}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Resolves true when something accepts TCP connections on host:port. */
export function canConnect(port: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}


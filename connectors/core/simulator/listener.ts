import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SimulatorChaos, withChaos } from './chaos';

/** The listening part every simulator exposes as `listen`, `close` and `url`. */
export interface SimulatorListener {
  /** Start listening (port 0 = any free port, host default `127.0.0.1`); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stop listening and drop open connections and delayed answers (`timers`). */
  close(): Promise<void>;
  /** Base URL; throws before {@link SimulatorListener.listen} resolved. */
  url(): string;
  /** The HTTP server (e.g. to attach a WebSocket endpoint on the same port). */
  readonly server: Server;
}

/**
 * An HTTP server for `handler`. `name` goes into the "not listening" error; `timers` are the delayed
 * answers to cancel on close. With `chaos`, requests first go through {@link withChaos} (which also serves
 * `PUT|GET|DELETE /__sandbox/chaos`).
 */
export function createSimulatorListener(
  name: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  timers: Set<NodeJS.Timeout>,
  chaos?: SimulatorChaos,
): SimulatorListener {
  const server: Server = createServer(chaos ? withChaos(handler, chaos, timers) : handler);
  let baseUrl: string | null = null;
  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          baseUrl = `http://${hostPart}:${address.port}`;
          resolve(baseUrl);
        });
      });
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      baseUrl = null;
      if (!server.listening) return Promise.resolve();
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    url() {
      if (baseUrl === null) throw new Error(`${name} simulator is not listening`);
      return baseUrl;
    },
  };
}

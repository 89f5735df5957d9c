/**
 * @module api/listeners
 * The two listeners of the access service: HTTPS (TLS 1.2+) on the configured address, and plain
 * HTTP bound to 127.0.0.1 only, for local SDK use. Closing waits for in-flight requests.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLS_MIN_VERSION, type TlsMaterial } from './tls.js';

export const LOOPBACK_HOST = '127.0.0.1';

export interface Listeners {
  readonly httpsPort: number;
  /** -1 when the plain-HTTP listener is disabled. */
  readonly httpPort: number;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Handles `Upgrade:` requests (WebSockets). */
export type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

export async function startListeners(input: {
  handler: http.RequestListener;
  upgrade: UpgradeListener;
  tls: TlsMaterial;
  httpsHost: string;
  httpsPort: number;
  httpPort: number;
}): Promise<Listeners> {
  const secure = https.createServer({ cert: input.tls.cert, key: input.tls.key, minVersion: TLS_MIN_VERSION }, input.handler);
  const servers: http.Server[] = [secure];
  const httpsPort = await listen(secure, input.httpsPort, input.httpsHost);
  let httpPort = -1;
  if (input.httpPort >= 0) {
    const plain = http.createServer(input.handler);
    servers.push(plain);
    httpPort = await listen(plain, input.httpPort, LOOPBACK_HOST);
  }
  for (const s of servers) {
    s.keepAliveTimeout = 65_000;
    s.on('upgrade', input.upgrade);
  }
  return {
    httpsPort,
    httpPort,
    close: async () => {
      await Promise.all(servers.map(closeServer));
    },
  };
}

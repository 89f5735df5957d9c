/**
 * @module api/listeners
 * The two listeners of the access service: HTTPS (TLS 1.2+) on the configured address, and plain
 * HTTP bound to 127.0.0.1 only, for local SDK use. Closing waits for in-flight requests.
 *
 * Transport limits, the same on both: at most `maxConnections` open connections per listener (Node
 * closes the ones over it as they are accepted) and per source IP (closed in the `connection`
 * event, before a byte is read and, for HTTPS, before the TLS handshake: answering would mean
 * reading the request, which is what a connection flood wants the server to spend); the TLS
 * handshake and the request headers within `headersTimeoutMs`, the whole request (headers and
 * body) within `requestTimeoutMs` (Node's clocks stop once the request is received, so a long
 * sync invocation is never cut); an idle keep-alive connection closed after `keepAliveTimeoutMs`;
 * request line and headers of at most `maxHeaderBytes`. Parser errors and timeouts are answered
 * with FC's JSON error by `onClientError`.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ResolvedConfig } from '../config/index.js';
import type { ClientErrorListener } from './client-error.js';
import { TLS_MIN_VERSION, type TlsMaterial } from './tls.js';

export const LOOPBACK_HOST = '127.0.0.1';

/** Node checks the header and request timeouts on an interval; a quarter of the shorter one keeps the overshoot small. */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 30_000;

export interface Listeners {
  readonly httpsPort: number;
  /** -1 when the plain-HTTP listener is disabled. */
  readonly httpPort: number;
  close(): Promise<void>;
}

/** The listeners' share of the resolved config (see {@link ResolvedConfig} for each default). */
export interface TransportLimits {
  /** Open connections per listener (`server.maxConnections`). */
  readonly maxConnections: number;
  /** TLS handshake, and request line plus headers (`handshakeTimeout`, `server.headersTimeout`). */
  readonly headersTimeoutMs: number;
  /** Receiving the whole request (`server.requestTimeout`); the answer's time does not count. */
  readonly requestTimeoutMs: number;
  /** Idle time between requests on a keep-alive connection (`server.keepAliveTimeout`). */
  readonly keepAliveTimeoutMs: number;
  /** Request line plus headers (`maxHeaderSize`). */
  readonly maxHeaderBytes: number;
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
  limits: TransportLimits;
  /** False when the connection's source is at its connection cap: it is closed unread. */
  admitConnection: (socket: Socket) => boolean;
  onClientError: ClientErrorListener;
}): Promise<Listeners> {
  const { limits } = input;
  const httpOptions: http.ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(1, Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
  };
  const secure = https.createServer({ ...httpOptions, cert: input.tls.cert, key: input.tls.key, minVersion: TLS_MIN_VERSION, handshakeTimeout: limits.headersTimeoutMs }, input.handler);
  const servers: http.Server[] = [secure];
  const httpsPort = await listen(secure, input.httpsPort, input.httpsHost);
  let httpPort = -1;
  if (input.httpPort >= 0) {
    const plain = http.createServer(httpOptions, input.handler);
    servers.push(plain);
    httpPort = await listen(plain, input.httpPort, LOOPBACK_HOST);
  }
  for (const s of servers) {
    s.maxConnections = limits.maxConnections;
    s.keepAliveTimeout = limits.keepAliveTimeoutMs;
    // Before Node's own listener (the HTTP parser, or the TLS handshake), so a refused socket is never read.
    s.prependListener('connection', (socket: Socket) => {
      if (!input.admitConnection(socket)) socket.destroy();
    });
    s.on('clientError', input.onClientError);
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

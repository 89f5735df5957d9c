/**
 * @module api/client-error
 * What the listeners answer when Node's HTTP parser gives up on a connection before there is a
 * request to route (the servers' `clientError` event): a header block over `maxHeaderBytes` is
 * 431 RequestHeaderTooLarge, headers or body not received within `headersTimeoutMs` /
 * `requestTimeoutMs` is 408 RequestTimeout, anything else unparseable is 400 InvalidArgument, each
 * as FC's JSON error written straight to the socket, which is then closed. A connection that is
 * already gone, in the middle of an answer, or still in its TLS handshake is just closed.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { RequestIdFactory } from '../observability/request-id.js';
import type { Clock } from '../time/clock.js';
import { renderError } from './errors.js';

export type ClientErrorListener = (err: Error & { code?: string }, socket: Duplex) => void;

function errorFor(code: string | undefined, limits: { maxHeaderBytes: number; headersTimeoutMs: number; requestTimeoutMs: number }): PlatformError | undefined {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new PlatformError('RequestHeaderTooLarge', `the request line and headers are over the limit of ${limits.maxHeaderBytes} bytes`, { fields: { limit: limits.maxHeaderBytes } });
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new PlatformError('RequestTimeout', `the request was not received in time (headers within ${limits.headersTimeoutMs} ms, the whole request within ${limits.requestTimeoutMs} ms)`);
  }
  if (code?.startsWith('HPE_') && code !== 'HPE_INVALID_EOF_STATE') return invalidArgument('the request is not valid HTTP/1.1');
  return undefined;
}

export function createClientErrorListener(deps: {
  clock: Clock; logger: Logger; newRequestId: RequestIdFactory;
  limits: { maxHeaderBytes: number; headersTimeoutMs: number; requestTimeoutMs: number };
}): ClientErrorListener {
  const { clock, logger, newRequestId, limits } = deps;
  return (err, socket) => {
    const error = errorFor(err.code, limits);
    // Node's own rule: answer only when no answer of ours has started on this connection.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
    if (!error || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const requestId = newRequestId(clock.now());
    const reply = renderError(error, requestId, logger);
    const body = JSON.stringify(reply.body);
    let head = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-fc-request-id: ${requestId}\r\n`;
    for (const [k, v] of Object.entries(reply.headers)) head += `${k}: ${v}\r\n`;
    // Closed once written: a peer that never closes its side cannot keep the connection.
    socket.end(`${head}\r\n${body}`, () => socket.destroy());
  };
}

/**
 * @module api/request-conditions
 * The RAM condition keys of one request: `acs:SourceIp` (the peer address, IPv4-mapped IPv6
 * unwrapped), `acs:SecureTransport` (TLS), `acs:CurrentTime` (ISO 8601 from the injected clock)
 * and, for requests that arrive through a VPC endpoint, `acs:SourceVpc`.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestConditions } from '../iam/index.js';
import type { Clock } from '../time/clock.js';

export function requestConditions(req: IncomingMessage, clock: Clock, sourceVpc?: string): RequestConditions {
  const raw = req.socket.remoteAddress ?? '';
  return {
    'acs:SourceIp': raw.startsWith('::ffff:') ? raw.slice(7) : raw,
    'acs:SecureTransport': (req.socket as TLSSocket).encrypted === true,
    'acs:CurrentTime': new Date(clock.now()).toISOString(),
    ...(sourceVpc !== undefined && { 'acs:SourceVpc': sourceVpc }),
  };
}

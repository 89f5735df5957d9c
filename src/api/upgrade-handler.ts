/**
 * @module api/upgrade-handler
 * WebSocket upgrades (InstanceExec): request id → per-source rate limit and URL limits → route →
 * authentication (with the per-account rate limit, as for ordinary requests) → the route's `open`,
 * which performs the upgrade itself. Anything refused before the upgrade gets FC's JSON error as
 * an ordinary HTTP answer on the raw socket, and the route hears of it (for its audit log).
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Principal } from '../iam/index.js';
import type { Logger } from '../observability/logger.js';
import type { RequestIdFactory } from '../observability/request-id.js';
import type { Clock } from '../time/clock.js';
import type { Authenticator } from './authenticate.js';
import { renderError } from './errors.js';
import type { RequestLimits } from './request-limits.js';
import type { Router } from './router.js';

export interface UpgradeContext {
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly requestId: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly principal: Principal;
}

export interface UpgradeRoute {
  /** Validates, then upgrades the connection. Throwing before the upgrade answers with FC's error. */
  open(ctx: UpgradeContext): Promise<void>;
  /** Told of every refusal, including failed authentication. */
  refused?(info: { req: IncomingMessage; requestId: string; params: Readonly<Record<string, string>>; principal?: Principal; error: unknown }): void;
}

function answer(socket: Duplex, status: number, headers: Record<string, string>, body: string): void {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, 'connection: close', 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.end(lines.join('\r\n') + '\r\n\r\n' + body);
}

export function createUpgradeHandler(deps: { router: Router<UpgradeRoute>; authenticator: Authenticator; clock: Clock; logger: Logger; newRequestId: RequestIdFactory; limits: RequestLimits }): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { router, authenticator, clock, logger, newRequestId, limits } = deps;
  return (req, socket, head) => {
    socket.on('error', () => undefined);
    const nowMs = clock.now();
    const requestId = newRequestId(nowMs);
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    let route: UpgradeRoute | undefined;
    let params: Readonly<Record<string, string>> = {};
    let principal: Principal | undefined;
    void (async () => {
      const source = limits.sourceOf(req.socket, nowMs);
      const sourceWaitMs = source.bucket ? source.bucket.tryTake(nowMs) : 0;
      if (sourceWaitMs > 0) throw limits.tooManyRequests('source IP', sourceWaitMs);
      limits.checkRequestLine(url, qi);
      const method = req.method ?? 'GET';
      const matched = router.match(method, qi >= 0 ? url.slice(0, qi) : url);
      route = matched.route.handler;
      params = matched.params;
      const claimant = authenticator.claim(req.headers);
      const accountBucket = source.isLimited ? limits.accountBucketOf(claimant.principal.accountId, nowMs) : undefined;
      const accountWaitMs = accountBucket ? accountBucket.waitMs(nowMs) : 0;
      if (accountWaitMs > 0) throw limits.tooManyRequests('account', accountWaitMs);
      await authenticator.verify(claimant, { method, rawUrl: url, headers: req.headers, body: Buffer.alloc(0) });
      accountBucket?.take();
      principal = claimant.principal;
      await route.open({ req, socket, head, requestId, params, query: new URLSearchParams(qi >= 0 ? url.slice(qi + 1) : ''), principal });
    })().catch((e: unknown) => {
      route?.refused?.({ req, requestId, params, principal, error: e });
      const reply = renderError(e, requestId, logger);
      answer(socket, reply.status, { ...reply.headers, 'x-fc-request-id': requestId }, JSON.stringify(reply.body));
    });
  };
}

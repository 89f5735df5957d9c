/**
 * @module api/api-handler
 * The access service's request pipeline: request id → route → early auth checks (key, date) →
 * body (size-limited while streaming) → signature → handler → answer. Every answer carries
 * `x-fc-request-id`; every error is FC's JSON error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError, invalidArgument } from '../errors/index.js';
import { checkFreshness, parseAuthorization, verifySignature, type AccountService, type NonceCache, type Principal } from '../iam/index.js';
import type { Logger } from '../observability/logger.js';
import type { RequestIdFactory } from '../observability/request-id.js';
import type { Clock } from '../time/clock.js';
import { readBody } from './body.js';
import type { Reply, RequestContext, RouteHandler } from './context.js';
import { renderError } from './errors.js';
import type { Router } from './router.js';

export interface ApiHandlerDeps {
  router: Router<RouteHandler>;
  accounts: AccountService;
  nonces: NonceCache;
  clock: Clock;
  config: ResolvedConfig;
  logger: Logger;
  newRequestId: RequestIdFactory;
}

const PUBLIC_PRINCIPAL: Principal = Object.freeze({ accountId: '', accessKeyId: '', kind: 'root' as const });

function send(res: ServerResponse, requestId: string, reply: Reply): void {
  const headers: Record<string, string> = { 'x-fc-request-id': requestId, ...reply.headers };
  if (reply.json !== undefined) {
    const body = JSON.stringify(reply.json);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
    return;
  }
  const body = reply.body;
  if (body && !Buffer.isBuffer(body)) {
    res.writeHead(reply.status, headers);
    (body as NodeJS.ReadableStream).on('error', () => res.destroy()).pipe(res);
    return;
  }
  if (reply.status !== 204) headers['content-length'] = String(body ? body.length : 0);
  res.writeHead(reply.status, headers);
  res.end(body);
}

export function createApiHandler(deps: ApiHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { router, accounts, nonces, clock, config, logger, newRequestId } = deps;

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const rawPath = qi >= 0 ? url.slice(0, qi) : url;
    const { route, params } = router.match(req.method ?? 'GET', rawPath);
    let principal = PUBLIC_PRINCIPAL;
    let secret = '';
    const auth = route.isPublic ? undefined : parseAuthorization(req.headers);
    if (auth) {
      const key = accounts.findActiveKey(auth.accessKeyId);
      if (!key) throw new PlatformError('InvalidAccessKeyID', `invalid access key ID '${auth.accessKeyId}'`);
      checkFreshness(req.headers, clock.now(), config.signatureMaxSkewMs);
      principal = { accountId: key.accountId, accessKeyId: key.accessKeyId, kind: 'root' };
      secret = key.accessKeySecret;
    }
    const body = await readBody(req, route.bodyLimitBytes);
    if (auth) verifySignature({ method: req.method ?? 'GET', rawUrl: url, headers: req.headers, auth, secret, bodySha256: body.sha256, nonces, nowMs: clock.now() });
    const isTls = (req.socket as { encrypted?: boolean }).encrypted === true;
    let parsed: Record<string, unknown> | undefined;
    const ctx: RequestContext = {
      req, requestId, params, principal, body: body.bytes,
      query: new URLSearchParams(qi >= 0 ? url.slice(qi + 1) : ''),
      endpoint: `${isTls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`,
      json() {
        if (parsed) return parsed;
        let v: unknown;
        try {
          v = JSON.parse(body.bytes.length ? body.bytes.toString('utf8') : '{}');
        } catch (e: unknown) {
          throw invalidArgument('the request body is not valid JSON');
        }
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument('the request body must be a JSON object');
        return (parsed = v as Record<string, unknown>);
      },
    };
    send(res, requestId, await route.handler(ctx));
  }

  return (req, res) => {
    const requestId = newRequestId(clock.now());
    handle(req, res, requestId).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const reply = renderError(e, requestId, logger);
      const isBodyUnread = !req.readableEnded;
      if (isBodyUnread) {
        reply.headers.connection = 'close';
        req.resume();
      }
      send(res, requestId, { status: reply.status, json: reply.body, headers: reply.headers });
    });
  };
}

/**
 * @module api/api-handler
 * The access service's request pipeline: request id → per-source rate limit and URL limits →
 * route → early auth checks (key, date) → per-account rate limit → body (size-limited while
 * streaming) → signature (the account's rate is charged) → handler → answer. Every answer carries
 * `x-fc-request-id`; every error is FC's JSON error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PlatformError, invalidArgument } from '../errors/index.js';
import { parseAuthorization, principalArn, type Principal } from '../iam/index.js';
import { isFc2Authorization, parseFc2Authorization } from '../iam/index.js';
import type { AuditLog } from '../exec/index.js';
import type { Logger } from '../observability/logger.js';
import type { RequestIdFactory } from '../observability/request-id.js';
import type { Clock } from '../time/clock.js';
import type { Authenticator, Claimant } from './authenticate.js';
import type { HttpTriggerHook, HttpTriggerReply, HttpTriggerRequest } from './http-trigger-hook.js';
import { readBody } from './body.js';
import type { Reply, RequestContext, RouteHandler } from './context.js';
import { renderError } from './errors.js';
import { FC2_INVOKE_ACTION, isFc2Path, renderFc2Error } from './fc2/index.js';
import type { RequestLimits } from './request-limits.js';
import type { Router } from './router.js';

export interface ApiHandlerDeps {
  router: Router<RouteHandler>;
  authenticator: Authenticator;
  clock: Clock;
  logger: Logger;
  newRequestId: RequestIdFactory;
  limits: RequestLimits;
  /** Throws AccessDenied when a RAM user or role session may not perform the route's action (roots never reach it). */
  authorizeRoute?: (ctx: RequestContext, action: string) => void;
  /** Records every control-plane change (any signed request but reads and invocations), allowed or refused. */
  audit?: AuditLog;
  /** HTTP trigger URLs: served by the triggers domain instead of the route table (see api/http-trigger-hook). */
  httpTriggers?: HttpTriggerHook;
}

/** Data-plane and read operations, which the control-plane audit leaves out. */
const isAuditedCall = (method: string, action: string) => method !== 'GET' && method !== 'HEAD' && action !== 'InvokeFunction' && action !== FC2_INVOKE_ACTION;

const PUBLIC_PRINCIPAL: Principal = Object.freeze({ accountId: '', accessKeyId: '', kind: 'anonymous' as const });

/** Headers handlers set are fresh objects per reply, so the request id is added in place. */
function send(res: ServerResponse, requestId: string, reply: Reply): void {
  const headers = (reply.headers ?? {}) as Record<string, string>;
  headers['x-fc-request-id'] = requestId;
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

/** An HTTP trigger's answer: the function's own status and headers (repeated ones kept), plus the request id. */
function sendTriggerReply(res: ServerResponse, requestId: string, reply: HttpTriggerReply): void {
  const headers = { ...reply.headers, 'x-fc-request-id': requestId, 'content-length': String(reply.body.length) };
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/** Calls `fn` if the connection closes before the answer was written in full. */
function whenClientGone(res: ServerResponse, fn: () => void): void {
  res.once('close', () => {
    if (!res.writableFinished) fn();
  });
}

/**
 * An HTTP trigger request as the triggers domain sees it. A class rather than an object of
 * arrows: tsx keeps function names, so an arrow written as a property value is named with
 * `Object.defineProperty` every time a request makes one.
 */
class TriggerRequest implements HttpTriggerRequest {
  constructor(
    readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly authenticator: Authenticator,
    readonly requestId: string,
    readonly rawPath: string,
    readonly rawQuery: string,
    readonly nowMs: number,
    readonly isInternet: boolean,
  ) {}

  async readBody(limitBytes: number): Promise<Buffer> {
    return (await readBody(this.req, limitBytes)).bytes;
  }

  async readSignedBody(limitBytes: number): Promise<{ principal: Principal; body: Buffer }> {
    const req = this.req;
    const claimant = this.authenticator.claim(req.headers);
    const signedBody = await readBody(req, limitBytes);
    const pending = this.authenticator.verify(claimant, { method: req.method ?? 'GET', rawUrl: req.url ?? '/', headers: req.headers, body: signedBody.bytes, bodySha256: signedBody.sha256 });
    if (pending) await pending;
    return { principal: claimant.principal, body: signedBody.bytes };
  }

  onClientGone(fn: () => void): void {
    whenClientGone(this.res, fn);
  }
}

/** Shared by every request without a query string; route handlers only read queries. */
const NO_QUERY = new URLSearchParams();

/** The request as route handlers see it; the query, endpoint and JSON body are built on first use. */
class ApiRequestContext implements RequestContext {
  #query: URLSearchParams | undefined;
  #parsed: Record<string, unknown> | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly params: Readonly<Record<string, string>>,
    readonly principal: Principal,
    readonly body: Buffer,
    readonly rawQuery: string,
  ) {}

  get query(): URLSearchParams {
    return (this.#query ??= this.rawQuery === '' ? NO_QUERY : new URLSearchParams(this.rawQuery));
  }

  get endpoint(): string {
    const isTls = (this.req.socket as { encrypted?: boolean }).encrypted === true;
    return `${isTls ? 'https' : 'http'}://${this.req.headers.host ?? 'localhost'}`;
  }

  onClientGone(fn: () => void): void {
    whenClientGone(this.res, fn);
  }

  json(): Record<string, unknown> {
    if (this.#parsed) return this.#parsed;
    let v: unknown;
    try {
      v = JSON.parse(this.body.length ? this.body.toString('utf8') : '{}');
    } catch (e: unknown) {
      throw invalidArgument('the request body is not valid JSON');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument('the request body must be a JSON object');
    return (this.#parsed = v as Record<string, unknown>);
  }
}

export function createApiHandler(deps: ApiHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { router, authenticator, clock, logger, newRequestId, limits } = deps;
  /** Refusals already written to the audit with their principal. */
  const audited = new WeakSet<Error>();

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, nowMs: number): Promise<void> {
    const url = req.url ?? '/';
    const source = limits.sourceOf(req.socket, nowMs);
    const sourceWaitMs = source.bucket ? source.bucket.tryTake(nowMs) : 0;
    if (sourceWaitMs > 0) throw limits.tooManyRequests('source IP', sourceWaitMs);
    const method = req.method ?? 'GET';
    const qi = url.indexOf('?');
    limits.checkRequestLine(url, qi);
    const rawPath = qi >= 0 ? url.slice(0, qi) : url;
    if (deps.httpTriggers && rawPath.startsWith(deps.httpTriggers.pathPrefix)) {
      const isInternet = (req.socket as { encrypted?: boolean }).encrypted === true;
      const triggerReply = await deps.httpTriggers.handle(new TriggerRequest(req, res, authenticator, requestId, rawPath, qi >= 0 ? url.slice(qi + 1) : '', nowMs, isInternet));
      sendTriggerReply(res, requestId, triggerReply);
      return;
    }
    const { route, params } = router.match(method, rawPath);
    const claimant: Claimant | undefined = route.isPublic ? undefined : authenticator.claim(req.headers);
    // Checked now, before the body is read; charged only once the signature proves the account sent it.
    const accountBucket = claimant && source.isLimited ? limits.accountBucketOf(claimant.principal.accountId, nowMs) : undefined;
    const accountWaitMs = accountBucket ? accountBucket.waitMs(nowMs) : 0;
    if (accountWaitMs > 0) throw limits.tooManyRequests('account', accountWaitMs);
    const body = await readBody(req, route.bodyLimitBytes);
    if (claimant) {
      const pending = authenticator.verify(claimant, { method, rawUrl: url, headers: req.headers, body: body.bytes, bodySha256: body.sha256 });
      if (pending) await pending;
      accountBucket?.take();
    }
    const principal = claimant?.principal ?? PUBLIC_PRINCIPAL;
    const ctx = new ApiRequestContext(req, res, requestId, params, principal, body.bytes, qi >= 0 ? url.slice(qi + 1) : '');
    // Roots may do everything in their own account; RAM users and role sessions only what their policies allow.
    if (claimant && principal.kind !== 'root' && deps.authorizeRoute) {
      try {
        deps.authorizeRoute(ctx, route.action);
      } catch (e: unknown) {
        if (deps.audit && e instanceof PlatformError) {
          auditCall(req, requestId, route.action, principal, rawPath, e.status, e.code);
          audited.add(e);
        }
        throw e;
      }
    }
    const reply = await route.handler(ctx);
    if (deps.audit && isAuditedCall(method, route.action)) auditCall(req, requestId, route.action, principal, rawPath, reply.status);
    send(res, requestId, reply);
  }

  /** One line per change: who (account, key, principal), what (operation, path), when, from where, and the answer. */
  function auditCall(req: IncomingMessage, requestId: string, action: string, principal: Principal, path: string, status: number, code?: string): void {
    deps.audit!.write('api.call', {
      requestId, action: action === 'RPC' ? String(req.headers['x-acs-action'] ?? '') : action, method: req.method, path,
      accountId: principal.accountId, accessKeyId: principal.accessKeyId, principal: principalArn(principal), remoteAddress: req.socket.remoteAddress ?? '', status, ...(code && { code }),
    });
  }

  return (req, res) => {
    const nowMs = clock.now();
    const requestId = newRequestId(nowMs);
    handle(req, res, requestId, nowMs).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // The client went away (or a request timeout closed the connection): nobody is left to answer.
      if (req.socket.destroyed) {
        logger.debug('request abandoned', { requestId, err: e });
        return;
      }
      // FC 2.0 paths answer in FC 2.0's error format ({ErrorCode, ErrorMessage}).
      const reply = isFc2Path(req.url) ? renderFc2Error(e, requestId, logger) : renderError(e, requestId, logger);
      if (deps.audit && e instanceof PlatformError && !audited.has(e) && (e.code === 'AccessDenied' || e.code === 'SignatureNotMatch' || e.code === 'InvalidSecurityToken')) {
        const method = req.method ?? 'GET';
        if (method !== 'GET' || e.code === 'AccessDenied') {
          const url = req.url ?? '/';
          let claimed = '';
          try {
            claimed = (isFc2Authorization(req.headers) ? parseFc2Authorization(req.headers) : parseAuthorization(req.headers)).accessKeyId;
          } catch {
            /* refused before the Authorization header could be read */
          }
          auditCall(req, requestId, String(req.headers['x-acs-action'] ?? ''), { ...PUBLIC_PRINCIPAL, accessKeyId: claimed }, url.split('?')[0]!, reply.status, e.code);
        }
      }
      const isBodyUnread = !req.readableEnded;
      if (isBodyUnread) {
        reply.headers.connection = 'close';
        req.resume();
      }
      send(res, requestId, { status: reply.status, json: reply.body, headers: reply.headers });
    });
  };
}

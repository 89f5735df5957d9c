/**
 * @module triggers/http-trigger-handler
 * Serves HTTP trigger URLs, `<endpoint>/http/<triggerId>/<path>`, on both listeners. In order: the
 * trigger must exist and be an HTTP trigger (404); the internet URL (HTTPS listener) is refused
 * when `disableURLInternet` (403); the method must be in `methods` (405); with `authType:
 * function` the request must be ACS3-signed by the function's own account, and a RAM user or
 * role session also needs `fc:InvokeFunction` on the function (403). Then the request becomes one
 * invocation with FC's HTTP event: sync (the response object is the answer; a function error is a
 * 502 with `x-fc-error-type`), or, with `x-fc-invocation-type: Async`, a durable async one (202).
 * With a `corsConfig`, preflights are answered before the method and caller checks, and answers carry CORS headers.
 */
import type { HttpTriggerHook, HttpTriggerReply, HttpTriggerRequest } from '../api/index.js';
import { requestConditions, sourceVpcOf } from '../api/index.js';
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError } from '../errors/index.js';
import type { Authorizer } from '../iam/index.js';
import { fcActionFor } from '../iam/policy/index.js';
import type { AsyncInvoker, InvokeService } from '../invoke/index.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from '../time/clock.js';
import { corsHeaders, preflight } from './cors.js';
import { buildHttpEvent, toHttpResponse } from './http-event.js';
import { parseHttpConfig } from './trigger-config.js';
import type { TriggerService } from './trigger-service.js';
import { HTTP_TRIGGER_PATH_PREFIX, type HttpTriggerConfig } from './types.js';
import type { TriggerRecord } from '../store/types.js';
import type { VpcBindingService } from '../vpc/index.js';

const ASYNC_TYPES = new Set(['Async', 'Task']);

export function createHttpTriggerHandler(deps: {
  triggers: Pick<TriggerService, 'findById'>;
  invoke: InvokeService;
  asyncInvoker: AsyncInvoker;
  authorizer: Authorizer;
  clock: Clock;
  logger: Logger;
  config: Pick<ResolvedConfig, 'region' | 'maxSyncPayloadBytes' | 'maxAsyncPayloadBytes'>;
  /** VPC bindings: a bound function answers only requests that came through a bound VPC's endpoint. */
  bindings?: Pick<VpcBindingService, 'assertInvocationAllowed'>;
}): HttpTriggerHook {
  const { triggers, asyncInvoker, authorizer, clock, logger, config } = deps;

  async function handle(r: HttpTriggerRequest): Promise<HttpTriggerReply> {
    const rest = r.rawPath.slice(HTTP_TRIGGER_PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    const triggerId = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? '/' : rest.slice(slash);
    const trigger = triggerId ? triggers.findById(triggerId) : undefined;
    if (!trigger || trigger.triggerType !== 'http') throw new PlatformError('TriggerNotFound', `no HTTP trigger has the id '${triggerId}'`);
    const cfg = parseHttpConfig(trigger.triggerConfig);
    if (r.isInternet && cfg.disableURLInternet) throw new PlatformError('AccessDenied', 'the internet URL of this HTTP trigger is disabled (disableURLInternet); use its intranet URL');
    const method = r.req.method ?? 'GET';
    const cors = cfg.corsConfig;
    const preflightHeaders = cors && preflight(cors, method, r.req.headers, cfg.methods);
    if (preflightHeaders) {
      await r.readBody(config.maxSyncPayloadBytes); // a preflight has no body; whatever comes is drained, not left on the connection
      return { status: 204, headers: preflightHeaders, body: Buffer.alloc(0) };
    }
    const reply = await run(r, trigger, cfg, path);
    return cors ? { ...reply, headers: { ...reply.headers, ...corsHeaders(cors, r.req.headers) } } : reply;
  }

  /** Checks the method and the caller, then runs the function (sync or async) on the request's event. */
  async function run(r: HttpTriggerRequest, trigger: TriggerRecord, cfg: HttpTriggerConfig, path: string): Promise<HttpTriggerReply> {
    const method = r.req.method ?? 'GET';
    if (!cfg.methods.includes(method)) throw new PlatformError('MethodNotAllowed', `this HTTP trigger accepts ${cfg.methods.join(', ')}, not ${method}`);
    const sourceVpc = sourceVpcOf(r.req.socket);
    const type = r.req.headers['x-fc-invocation-type'] ?? 'Sync';
    const isAsync = typeof type === 'string' && ASYNC_TYPES.has(type);
    const limit = isAsync ? config.maxAsyncPayloadBytes : config.maxSyncPayloadBytes;
    let body: Buffer;
    if (cfg.authType === 'function') {
      if (r.req.headers.authorization === undefined) throw new PlatformError('AccessDenied', 'this HTTP trigger requires a request signed (ACS3-HMAC-SHA256) by the account of its function (authType function)');
      const signed = await r.readSignedBody(limit);
      if (signed.principal.accountId !== trigger.accountId) throw new PlatformError('AccessDenied', 'this HTTP trigger only accepts requests signed by the account of its function');
      if (signed.principal.kind !== 'root') {
        const { action, resource } = fcActionFor('InvokeFunction', { region: config.region, accountId: trigger.accountId, functionName: trigger.functionName, qualifier: trigger.qualifier });
        authorizer.check(signed.principal, action, resource, requestConditions(r.req, clock, sourceVpc));
      }
      body = signed.body;
    } else body = await r.readBody(limit);
    deps.bindings?.assertInvocationAllowed(trigger.accountId, trigger.functionName, sourceVpc);

    const event = Buffer.from(JSON.stringify(buildHttpEvent({ req: r.req, rawPath: path, rawQuery: r.rawQuery, body, accountId: trigger.accountId, triggerId: trigger.triggerId, requestId: r.requestId, nowMs: r.nowMs, dropSignatureHeaders: cfg.authType === 'function' })));
    const qualifier = trigger.qualifier;
    if (isAsync) {
      const taskHeader = r.req.headers['x-fc-async-task-id'];
      const queued = await asyncInvoker.invokeAsync({
        accountId: trigger.accountId, functionName: trigger.functionName, qualifier, requestId: r.requestId, event,
        ...(typeof taskHeader === 'string' && taskHeader !== '' && { taskId: taskHeader }),
      });
      return { status: 202, headers: queued.taskId !== undefined ? { 'x-fc-async-task-id': queued.taskId } : {}, body: Buffer.alloc(0) };
    }
    if (type !== 'Sync') throw new PlatformError('InvalidArgument', `x-fc-invocation-type must be Sync, Async or Task, got '${String(type)}'`);
    const { outcome } = await deps.invoke.invokeSync({
      accountId: trigger.accountId, functionName: trigger.functionName, qualifier, requestId: r.requestId, event, isLogTail: false, httpTrigger: true, onClientGone: r.onClientGone.bind(r),
    });
    if (outcome.errorType) return { status: 502, headers: { 'content-type': 'application/json', 'x-fc-error-type': outcome.errorType }, body: outcome.body };
    try {
      return toHttpResponse(outcome.body, outcome.contentType);
    } catch (e: unknown) {
      const errorMessage = e instanceof Error ? e.message : String(e);
      logger.debug('HTTP trigger function answered a malformed response object', { requestId: r.requestId, triggerId: trigger.triggerId, errorMessage });
      return {
        status: 502, headers: { 'content-type': 'application/json', 'x-fc-error-type': 'UnhandledInvocationError' },
        body: Buffer.from(JSON.stringify({ errorMessage, errorType: 'InvalidHttpResponse', stackTrace: [] })),
      };
    }
  }

  return { pathPrefix: HTTP_TRIGGER_PATH_PREFIX, handle };
}

/**
 * @module api/routes/invoke-routes
 * InvokeFunction (reference §7): the raw event in, the raw result out, with FC's x-fc-* headers.
 * Function errors are 200 answers carrying `x-fc-error-type`.
 */
import type { ResolvedConfig } from '../../config/index.js';
import { invalidArgument } from '../../errors/index.js';
import type { AsyncInvoker, InvokeService } from '../../invoke/index.js';
import type { VpcBindingService } from '../../vpc/index.js';
import { sourceVpcOf } from '../source-vpc.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const LOG_TAIL_BYTES = 4096;

/** The last 4 KB of a log, cut on a UTF-8 character boundary, as base64. */
export function encodeLogTail(log: string): string {
  let bytes = Buffer.from(log, 'utf8');
  if (bytes.length > LOG_TAIL_BYTES) {
    let start = bytes.length - LOG_TAIL_BYTES;
    while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
    bytes = bytes.subarray(start);
  }
  return bytes.toString('base64');
}

/** `x-fc-invocation-type` values: `Task` (used by FC tooling) is `Async` with task tracking when the config enables it. */
const ASYNC_TYPES = new Set(['Async', 'Task']);

/** `bindings`: a function with VPC bindings is invoked only through a bound VPC's endpoint (absent: no check). */
export function invokeRoutes(invoke: InvokeService, asyncInvoker: AsyncInvoker, config: ResolvedConfig, bindings?: Pick<VpcBindingService, 'assertInvocationAllowed'>): Route<RouteHandler>[] {
  return [
    {
      method: 'POST', pattern: '/2023-03-30/functions/:functionName/invocations', action: 'InvokeFunction', bodyLimitBytes: config.maxSyncPayloadBytes,
      handler: async (ctx) => {
        bindings?.assertInvocationAllowed(ctx.principal.accountId, ctx.params.functionName!, sourceVpcOf(ctx.req.socket));
        const type = ctx.req.headers['x-fc-invocation-type'] ?? 'Sync';
        if (typeof type === 'string' && ASYNC_TYPES.has(type)) {
          const taskHeader = ctx.req.headers['x-fc-async-task-id'];
          const queued = await asyncInvoker.invokeAsync({
            accountId: ctx.principal.accountId, functionName: ctx.params.functionName!, qualifier: ctx.query.get('qualifier'), requestId: ctx.requestId, event: ctx.body,
            ...(typeof taskHeader === 'string' && taskHeader !== '' && { taskId: taskHeader }),
          });
          const headers: Record<string, string> = queued.taskId !== undefined ? { 'x-fc-async-task-id': queued.taskId } : {};
          return { status: 202, headers };
        }
        if (type !== 'Sync') throw invalidArgument(`x-fc-invocation-type must be Sync, Async or Task, got '${String(type)}'`);
        const logType = ctx.req.headers['x-fc-log-type'] ?? 'None';
        if (logType !== 'Tail' && logType !== 'None') throw invalidArgument(`x-fc-log-type must be Tail or None, got '${String(logType)}'`);
        // onClientGone is bound, not an arrow: tsx keeps function names, and an arrow written as a
        // property value is named with Object.defineProperty every time it is made (~1 % of serve's main thread).
        const { fn, outcome } = await invoke.invokeSync({
          accountId: ctx.principal.accountId, functionName: ctx.params.functionName!, qualifier: ctx.query.get('qualifier'),
          requestId: ctx.requestId, event: ctx.body, isLogTail: logType === 'Tail', onClientGone: ctx.onClientGone.bind(ctx),
        });
        const headers: Record<string, string> = {
          'content-type': outcome.errorType ? 'application/json' : (outcome.contentType ?? 'application/octet-stream'),
          'x-fc-instance-id': outcome.instanceId,
          'x-fc-code-checksum': fn.codeChecksum,
          'x-fc-invocation-duration': String(outcome.durationMs),
        };
        if (outcome.errorType) headers['x-fc-error-type'] = outcome.errorType;
        if (logType === 'Tail') headers['x-fc-log-result'] = encodeLogTail(outcome.log ?? '');
        return { status: 200, body: outcome.body, headers };
      },
    },
  ];
}

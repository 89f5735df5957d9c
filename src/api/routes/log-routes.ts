/**
 * @module api/routes/log-routes
 * GetFunctionLogs, openfc's own operation (FC keeps function logs in SLS and has none):
 * `GET /2023-03-30/functions/{functionName}/logs` reads the caller's account's records of one
 * function, oldest first, filtered by `requestId`, `instanceId`, `since`, `until`, paged with
 * `limit` and `nextToken`. With `follow=true` it long-polls: when nothing matches yet it waits up to
 * `waitMs` (at most {@link MAX_FOLLOW_WAIT_MS}) and answers as soon as matching records are written.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { invalidArgument } from '../../errors/index.js';
import type { FunctionService } from '../../functions/index.js';
import type { FunctionLogService, LogQuery, LogRecord } from '../../logs/index.js';
import type { RequestContext, RouteHandler } from '../context.js';
import type { Route } from '../router.js';

/** The longest a follow request waits for new records. */
export const MAX_FOLLOW_WAIT_MS = 30_000;
/** How long a follow request waits when `waitMs` is not given. */
export const DEFAULT_FOLLOW_WAIT_MS = 20_000;
export const DEFAULT_LOG_LIMIT = 100;
export const MAX_LOG_LIMIT = 1000;

/** `since`/`until`: an ISO 8601 time or milliseconds since the epoch. */
function timeParam(ctx: RequestContext, name: string): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : /^\d{4}-\d\d-\d\dT/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isSafeInteger(ms)) throw invalidArgument(`${name} must be an ISO 8601 time (2026-01-01T00:00:00Z) or milliseconds since the epoch, got '${raw}'`);
  return ms;
}

function intParam(ctx: RequestContext, name: string, dflt: number, min: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw invalidArgument(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  return n;
}

function stringParam(ctx: RequestContext, name: string): string | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw.length > 256) throw invalidArgument(`${name} is longer than 256 characters`);
  return raw;
}

/** A record as the API shows it. */
function view(r: LogRecord) {
  return {
    kind: r.kind, ...(r.requestId !== undefined && { requestId: r.requestId }), instanceId: r.instanceId, functionName: r.functionName, qualifier: r.qualifier,
    ...(r.versionId !== undefined && { versionId: r.versionId }), revision: r.revision,
    startTime: new Date(r.startTimeMs).toISOString(), endTime: new Date(r.endTimeMs).toISOString(), message: r.message,
    ...(r.functionError !== undefined && { functionError: r.functionError }), ...(r.errorType !== undefined && { errorType: r.errorType }),
    ...(r.errorMessage !== undefined && { errorMessage: r.errorMessage }), ...(r.errorStack !== undefined && { errorStack: r.errorStack }),
  };
}

export function logRoutes(deps: { functionLogs: FunctionLogService; functions: FunctionService }): Route<RouteHandler>[] {
  const { functionLogs, functions } = deps;
  return [
    {
      method: 'GET', pattern: '/2023-03-30/functions/:functionName/logs', action: 'GetFunctionLogs', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => {
        // The function must exist in the caller's account (FunctionNotFound otherwise); its records are only ever read within that account.
        functions.get(ctx.principal.accountId, ctx.params.functionName!);
        const token = ctx.query.get('nextToken');
        if (token !== null && token !== '' && !/^\d{1,15}$/.test(token)) throw invalidArgument(`nextToken '${token}' is not one this API handed out`);
        const followRaw = ctx.query.get('follow');
        if (followRaw !== null && followRaw !== '' && followRaw !== 'true' && followRaw !== 'false') throw invalidArgument(`follow must be true or false, got '${followRaw}'`);
        const isFollow = followRaw === 'true';
        const waitMs = intParam(ctx, 'waitMs', DEFAULT_FOLLOW_WAIT_MS, 0, MAX_FOLLOW_WAIT_MS);
        if (!isFollow && ctx.query.get('waitMs') !== null) throw invalidArgument('waitMs is only meaningful with follow=true');
        const sinceMs = timeParam(ctx, 'since');
        const untilMs = timeParam(ctx, 'until');
        if (sinceMs !== undefined && untilMs !== undefined && untilMs < sinceMs) throw invalidArgument('until must not be before since');
        const requestId = stringParam(ctx, 'requestId');
        const instanceId = stringParam(ctx, 'instanceId');
        const afterSeq = token ? Number(token) : undefined;
        const q: LogQuery = {
          accountId: ctx.principal.accountId, functionName: ctx.params.functionName!, limit: intParam(ctx, 'limit', DEFAULT_LOG_LIMIT, 1, MAX_LOG_LIMIT),
          ...(requestId !== undefined && { requestId }), ...(instanceId !== undefined && { instanceId }), ...(sinceMs !== undefined && { sinceMs }),
          ...(untilMs !== undefined && { untilMs }), ...(afterSeq !== undefined && { afterSeq }),
        };
        const page = isFollow ? await functionLogs.follow(q, waitMs, (fn) => ctx.onClientGone(fn)) : functionLogs.query(q);
        const last = page.records.at(-1)?.seq ?? afterSeq ?? 0;
        return { status: 200, json: { records: page.records.map(view), nextToken: String(last), hasMore: page.hasMore, requestId: ctx.requestId } };
      },
    },
  ];
}

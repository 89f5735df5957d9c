/**
 * @module api/routes/async-task-routes
 * GetAsyncTask, ListAsyncTasks and StopAsyncTask (reference §5 rows 26, 40, 62).
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import type { AsyncTaskService } from '../../invoke/index.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';
const LIST_PARAMS = ['prefix', 'status', 'limit', 'nextToken', 'sortOrderByTime', 'startedTimeBegin', 'startedTimeEnd', 'includePayload', 'qualifier'] as const;

export function asyncTaskRoutes(tasks: AsyncTaskService): Route<RouteHandler>[] {
  return [
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/async-tasks/:taskId`, action: 'GetAsyncTask', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => ({ status: 200, json: await tasks.get(ctx.principal.accountId, ctx.params.functionName!, ctx.params.taskId!, ctx.query.get('qualifier')) }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/async-tasks`, action: 'ListAsyncTasks', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => {
        const query = Object.fromEntries(LIST_PARAMS.flatMap((p) => (ctx.query.get(p) === null ? [] : [[p, ctx.query.get(p)!]])));
        return { status: 200, json: await tasks.list(ctx.principal.accountId, ctx.params.functionName!, query) };
      },
    },
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName/async-tasks/:taskId/stop`, action: 'StopAsyncTask', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => {
        await tasks.stop(ctx.principal.accountId, ctx.params.functionName!, ctx.params.taskId!, ctx.query.get('qualifier'));
        return { status: 204 };
      },
    },
  ];
}

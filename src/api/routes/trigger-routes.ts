/**
 * @module api/routes/trigger-routes
 * FC 3.0 trigger operations: CreateTrigger, GetTrigger, ListTriggers, UpdateTrigger, DeleteTrigger
 * (reference §5, §6.4). HTTP trigger URLs themselves are served through api/http-trigger-hook.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import type { TriggerService } from '../../triggers/index.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function triggerRoutes(triggers: TriggerService): Route<RouteHandler>[] {
  const limit = MAX_CONTROL_BODY_BYTES;
  return [
    {
      method: 'POST', pattern: `${V3}/functions/:functionName/triggers`, action: 'CreateTrigger', bodyLimitBytes: limit,
      handler: (ctx) => ({ status: 200, json: triggers.create(ctx.principal.accountId, ctx.params.functionName!, ctx.json()) }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/triggers`, action: 'ListTriggers', bodyLimitBytes: limit,
      handler: (ctx) => ({
        status: 200,
        json: triggers.list(ctx.principal.accountId, ctx.params.functionName!, { prefix: ctx.query.get('prefix') ?? undefined, limit: ctx.query.get('limit') ?? undefined, nextToken: ctx.query.get('nextToken') ?? undefined }),
      }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/triggers/:triggerName`, action: 'GetTrigger', bodyLimitBytes: limit,
      handler: (ctx) => ({ status: 200, json: triggers.get(ctx.principal.accountId, ctx.params.functionName!, ctx.params.triggerName!) }),
    },
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName/triggers/:triggerName`, action: 'UpdateTrigger', bodyLimitBytes: limit,
      handler: (ctx) => ({ status: 200, json: triggers.update(ctx.principal.accountId, ctx.params.functionName!, ctx.params.triggerName!, ctx.json()) }),
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/triggers/:triggerName`, action: 'DeleteTrigger', bodyLimitBytes: limit,
      handler: (ctx) => {
        triggers.delete(ctx.principal.accountId, ctx.params.functionName!, ctx.params.triggerName!);
        return { status: 204 };
      },
    },
  ];
}

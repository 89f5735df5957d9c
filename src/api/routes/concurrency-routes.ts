/**
 * @module api/routes/concurrency-routes
 * PutConcurrencyConfig, GetConcurrencyConfig, DeleteConcurrencyConfig, ListConcurrencyConfigs.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import type { ConcurrencyConfigService } from '../../quotas/index.js';
import { listQuery, type RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function concurrencyRoutes(configs: ConcurrencyConfigService): Route<RouteHandler>[] {
  return [
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName/concurrency`, action: 'PutConcurrencyConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: configs.put(ctx.principal.accountId, ctx.params.functionName!, ctx.json()) }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/concurrency`, action: 'GetConcurrencyConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: configs.get(ctx.principal.accountId, ctx.params.functionName!) }),
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/concurrency`, action: 'DeleteConcurrencyConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        configs.delete(ctx.principal.accountId, ctx.params.functionName!);
        return { status: 204 };
      },
    },
    {
      method: 'GET', pattern: `${V3}/concurrency-configs`, action: 'ListConcurrencyConfigs', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: configs.list(ctx.principal.accountId, listQuery(ctx, 'functionName')) }),
    },
  ];
}

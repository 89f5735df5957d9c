/**
 * @module api/routes/async-config-routes
 * PutAsyncInvokeConfig, GetAsyncInvokeConfig, DeleteAsyncInvokeConfig, ListAsyncInvokeConfigs.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import type { AsyncConfigService } from '../../invoke/index.js';
import { listQuery, type RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function asyncConfigRoutes(configs: AsyncConfigService): Route<RouteHandler>[] {
  return [
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName/async-invoke-config`, action: 'PutAsyncInvokeConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: configs.put(ctx.principal.accountId, ctx.params.functionName!, ctx.query.get('qualifier'), ctx.json()) }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/async-invoke-config`, action: 'GetAsyncInvokeConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: configs.get(ctx.principal.accountId, ctx.params.functionName!, ctx.query.get('qualifier')) }),
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/async-invoke-config`, action: 'DeleteAsyncInvokeConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        configs.delete(ctx.principal.accountId, ctx.params.functionName!, ctx.query.get('qualifier'));
        return { status: 204 };
      },
    },
    {
      method: 'GET', pattern: `${V3}/async-invoke-configs`, action: 'ListAsyncInvokeConfigs', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: configs.list(ctx.principal.accountId, listQuery(ctx, 'functionName')) }),
    },
  ];
}

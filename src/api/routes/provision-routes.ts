/**
 * @module api/routes/provision-routes
 * PutProvisionConfig, GetProvisionConfig, DeleteProvisionConfig, ListProvisionConfigs, and the
 * ScalingConfig operations on the same model. Only the LATEST qualifier exists until versions and
 * aliases land.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { checkQualifier } from '../../invoke/index.js';
import type { ProvisionService } from '../../provision/index.js';
import { listQuery, type RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function provisionRoutes(provision: ProvisionService): Route<RouteHandler>[] {
  return [
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName/provision-config`, action: 'PutProvisionConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx.query.get('qualifier'));
        return { status: 200, json: provision.put(ctx.principal.accountId, ctx.params.functionName!, ctx.json()) };
      },
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/provision-config`, action: 'GetProvisionConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx.query.get('qualifier'));
        return { status: 200, json: provision.get(ctx.principal.accountId, ctx.params.functionName!) };
      },
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/provision-config`, action: 'DeleteProvisionConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx.query.get('qualifier'));
        provision.delete(ctx.principal.accountId, ctx.params.functionName!);
        return { status: 204 };
      },
    },
    {
      method: 'GET', pattern: `${V3}/provision-configs`, action: 'ListProvisionConfigs', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: provision.list(ctx.principal.accountId, listQuery(ctx, 'functionName')) }),
    },
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName/scaling-config`, action: 'PutScalingConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx.query.get('qualifier'));
        return { status: 200, json: provision.putScaling(ctx.principal.accountId, ctx.params.functionName!, ctx.json()) };
      },
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/scaling-config`, action: 'GetScalingConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx.query.get('qualifier'));
        return { status: 200, json: provision.getScaling(ctx.principal.accountId, ctx.params.functionName!) };
      },
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/scaling-config`, action: 'DeleteScalingConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx.query.get('qualifier'));
        provision.deleteScaling(ctx.principal.accountId, ctx.params.functionName!);
        return { status: 204 };
      },
    },
    {
      method: 'GET', pattern: `${V3}/scaling-configs`, action: 'ListScalingConfigs', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: provision.listScaling(ctx.principal.accountId, listQuery(ctx, 'functionName')) }),
    },
  ];
}

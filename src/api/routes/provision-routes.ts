/**
 * @module api/routes/provision-routes
 * PutProvisionConfig, GetProvisionConfig, DeleteProvisionConfig, ListProvisionConfigs, and the
 * ScalingConfig operations on the same model. Provisioned instances serve LATEST only: a version
 * or alias qualifier that exists is refused with InvalidArgument, one that does not with
 * VersionNotFound / AliasNotFound.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { LATEST, type QualifierResolver } from '../../functions/index.js';
import { invalidArgument } from '../../errors/index.js';
import type { ProvisionService } from '../../provision/index.js';
import { listQuery, type RequestContext, type RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function provisionRoutes(provision: ProvisionService, qualifiers: Pick<QualifierResolver, 'check'>): Route<RouteHandler>[] {
  const checkQualifier = (ctx: RequestContext) => {
    const q = ctx.query.get('qualifier');
    if (q === null || q === '' || q === LATEST) return;
    qualifiers.check(ctx.principal.accountId, ctx.params.functionName!, q);
    throw invalidArgument(`provision and scaling configs apply to LATEST only in openfc, not to qualifier '${q}'`);
  };
  return [
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName/provision-config`, action: 'PutProvisionConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx);
        return { status: 200, json: provision.put(ctx.principal.accountId, ctx.params.functionName!, ctx.json()) };
      },
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/provision-config`, action: 'GetProvisionConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx);
        return { status: 200, json: provision.get(ctx.principal.accountId, ctx.params.functionName!) };
      },
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/provision-config`, action: 'DeleteProvisionConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx);
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
        checkQualifier(ctx);
        return { status: 200, json: provision.putScaling(ctx.principal.accountId, ctx.params.functionName!, ctx.json()) };
      },
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/scaling-config`, action: 'GetScalingConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx);
        return { status: 200, json: provision.getScaling(ctx.principal.accountId, ctx.params.functionName!) };
      },
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/scaling-config`, action: 'DeleteScalingConfig', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        checkQualifier(ctx);
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

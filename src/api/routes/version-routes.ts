/**
 * @module api/routes/version-routes
 * Function versions and aliases (reference §5, §6.5): PublishFunctionVersion,
 * ListFunctionVersions, DeleteFunctionVersion, CreateAlias, GetAlias, ListAliases, UpdateAlias,
 * DeleteAlias.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import type { VersionService } from '../../functions/index.js';
import type { RequestContext, RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

const param = (ctx: RequestContext, name: string) => ctx.query.get(name) ?? undefined;

export function versionRoutes(versions: VersionService): Route<RouteHandler>[] {
  return [
    {
      method: 'POST', pattern: `${V3}/functions/:functionName/versions`, action: 'PublishFunctionVersion', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: versions.publish(ctx.principal.accountId, ctx.params.functionName!, ctx.json()) }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/versions`, action: 'ListFunctionVersions', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({
        status: 200,
        json: versions.listVersions(ctx.principal.accountId, ctx.params.functionName!, { direction: param(ctx, 'direction'), limit: param(ctx, 'limit'), nextToken: param(ctx, 'nextToken') }),
      }),
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/versions/:versionId`, action: 'DeleteFunctionVersion', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        versions.deleteVersion(ctx.principal.accountId, ctx.params.functionName!, ctx.params.versionId!);
        return { status: 204 };
      },
    },
    {
      method: 'POST', pattern: `${V3}/functions/:functionName/aliases`, action: 'CreateAlias', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: versions.createAlias(ctx.principal.accountId, ctx.params.functionName!, ctx.json()) }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/aliases`, action: 'ListAliases', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({
        status: 200,
        json: versions.listAliases(ctx.principal.accountId, ctx.params.functionName!, { prefix: param(ctx, 'prefix'), limit: param(ctx, 'limit'), nextToken: param(ctx, 'nextToken') }),
      }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/aliases/:aliasName`, action: 'GetAlias', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: versions.getAlias(ctx.principal.accountId, ctx.params.functionName!, ctx.params.aliasName!) }),
    },
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName/aliases/:aliasName`, action: 'UpdateAlias', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: versions.updateAlias(ctx.principal.accountId, ctx.params.functionName!, ctx.params.aliasName!, ctx.json()) }),
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/aliases/:aliasName`, action: 'DeleteAlias', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        versions.deleteAlias(ctx.principal.accountId, ctx.params.functionName!, ctx.params.aliasName!);
        return { status: 204 };
      },
    },
  ];
}

/**
 * @module api/routes/layer-routes
 * FC 3.0 layer operations: CreateLayerVersion, GetLayerVersion, GetLayerVersionByArn, ListLayers,
 * ListLayerVersions, DeleteLayerVersion and PutLayerACL.
 */
import type { ResolvedConfig } from '../../config/index.js';
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { credentialScanHeaders, type CredentialScanResult, type LayerService } from '../../functions/index.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function layerRoutes(layers: LayerService, config: ResolvedConfig): Route<RouteHandler>[] {
  const codeBodyLimit = config.maxCodeZipBase64Bytes + MAX_CONTROL_BODY_BYTES;
  const q = (ctx: { query: URLSearchParams }, name: string) => ctx.query.get(name) ?? undefined;
  return [
    {
      method: 'POST', pattern: `${V3}/layers/:layerName/versions`, action: 'CreateLayerVersion', bodyLimitBytes: codeBodyLimit,
      handler: async (ctx) => {
        let scan: CredentialScanResult | undefined;
        const json = await layers.create(ctx.principal.accountId, ctx.params.layerName!, ctx.json(), { requestId: ctx.requestId, endpoint: ctx.endpoint, onCredentialScan: (r) => (scan = r) });
        return { status: 200, json, headers: credentialScanHeaders(scan) };
      },
    },
    {
      method: 'GET', pattern: `${V3}/layers`, action: 'ListLayers', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({
        status: 200,
        json: layers.list(ctx.principal.accountId, { prefix: q(ctx, 'prefix'), limit: q(ctx, 'limit'), nextToken: q(ctx, 'nextToken'), public: q(ctx, 'public'), official: q(ctx, 'official') }, ctx.endpoint),
      }),
    },
    {
      method: 'GET', pattern: `${V3}/layers/:layerName/versions`, action: 'ListLayerVersions', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({
        status: 200,
        json: layers.listVersions(ctx.principal.accountId, ctx.params.layerName!, { startVersion: q(ctx, 'startVersion'), limit: q(ctx, 'limit') }, ctx.endpoint),
      }),
    },
    {
      method: 'GET', pattern: `${V3}/layers/:layerName/versions/:version`, action: 'GetLayerVersion', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: layers.get(ctx.principal.accountId, ctx.params.layerName!, ctx.params.version!, ctx.endpoint) }),
    },
    {
      method: 'DELETE', pattern: `${V3}/layers/:layerName/versions/:version`, action: 'DeleteLayerVersion', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        layers.delete(ctx.principal.accountId, ctx.params.layerName!, ctx.params.version!);
        return { status: 204 };
      },
    },
    {
      method: 'GET', pattern: `${V3}/layerarn/:arn`, action: 'GetLayerVersionByArn', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: layers.getByArn(ctx.principal.accountId, ctx.params.arn!, ctx.endpoint) }),
    },
    {
      method: 'PUT', pattern: `${V3}/layers/:layerName/acl`, action: 'PutLayerACL', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        layers.putAcl(ctx.principal.accountId, ctx.params.layerName!, { public: q(ctx, 'public'), acl: q(ctx, 'acl') });
        return { status: 200 };
      },
    },
  ];
}

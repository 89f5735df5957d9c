/**
 * @module api/routes/vpc-routes
 * openfc's VPC operations (not part of FC 3.0, which uses Alibaba Cloud's VPC service), signed
 * like every other call: CreateVpc, GetVpc, ListVpcs, DeleteVpc.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import type { VpcService } from '../../vpc/index.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function vpcRoutes(vpcs: VpcService): Route<RouteHandler>[] {
  return [
    {
      method: 'POST', pattern: `${V3}/vpcs`, action: 'CreateVpc', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => ({ status: 200, json: await vpcs.create(ctx.principal.accountId, ctx.json()) }),
    },
    {
      method: 'GET', pattern: `${V3}/vpcs`, action: 'ListVpcs', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => ({ status: 200, json: await vpcs.list(ctx.principal.accountId) }),
    },
    {
      method: 'GET', pattern: `${V3}/vpcs/:vpcId`, action: 'GetVpc', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => ({ status: 200, json: await vpcs.get(ctx.principal.accountId, ctx.params.vpcId!) }),
    },
    {
      method: 'DELETE', pattern: `${V3}/vpcs/:vpcId`, action: 'DeleteVpc', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => {
        await vpcs.delete(ctx.principal.accountId, ctx.params.vpcId!);
        return { status: 204 };
      },
    },
  ];
}

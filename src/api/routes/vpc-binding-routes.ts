/**
 * @module api/routes/vpc-binding-routes
 * FC 3.0's VPC bindings (reference §5): CreateVpcBinding, ListVpcBindings, DeleteVpcBinding. The
 * check they drive is in vpc/vpc-bindings (`assertInvocationAllowed`).
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import type { VpcBindingService } from '../../vpc/index.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function vpcBindingRoutes(bindings: VpcBindingService): Route<RouteHandler>[] {
  return [
    {
      method: 'POST', pattern: `${V3}/functions/:functionName/vpc-bindings`, action: 'CreateVpcBinding', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        bindings.create(ctx.principal.accountId, ctx.params.functionName!, ctx.json());
        return { status: 200 };
      },
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/vpc-bindings`, action: 'ListVpcBindings', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: bindings.list(ctx.principal.accountId, ctx.params.functionName!) }),
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName/vpc-bindings/:vpcId`, action: 'DeleteVpcBinding', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        bindings.delete(ctx.principal.accountId, ctx.params.functionName!, ctx.params.vpcId!);
        return { status: 204 };
      },
    },
  ];
}

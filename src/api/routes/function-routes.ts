/**
 * @module api/routes/function-routes
 * FC 3.0 function operations: CreateFunction, GetFunction, ListFunctions, UpdateFunction,
 * DeleteFunction, GetFunctionCode. GetFunction and GetFunctionCode take a `qualifier`: a version
 * answers with its frozen configuration and code, an alias with its own version's.
 */
import type { ResolvedConfig } from '../../config/index.js';
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { credentialScanHeaders, type CredentialScanResult, type FunctionService, type QualifierResolver } from '../../functions/index.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const V3 = '/2023-03-30';

export function functionRoutes(functions: FunctionService, config: ResolvedConfig, qualifiers: QualifierResolver): Route<RouteHandler>[] {
  const codeBodyLimit = config.maxCodeZipBase64Bytes + MAX_CONTROL_BODY_BYTES;
  return [
    {
      method: 'POST', pattern: `${V3}/functions`, action: 'CreateFunction', bodyLimitBytes: codeBodyLimit,
      handler: async (ctx) => {
        let scan: CredentialScanResult | undefined;
        const json = await functions.create(ctx.principal.accountId, ctx.json(), { requestId: ctx.requestId, onCredentialScan: (r) => (scan = r) });
        return { status: 200, json, headers: credentialScanHeaders(scan) };
      },
    },
    {
      method: 'GET', pattern: `${V3}/functions`, action: 'ListFunctions', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({
        status: 200,
        json: functions.list(ctx.principal.accountId, {
          prefix: ctx.query.get('prefix') ?? undefined, limit: ctx.query.get('limit') ?? undefined, nextToken: ctx.query.get('nextToken') ?? undefined,
        }),
      }),
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName`, action: 'GetFunction', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        functions.get(ctx.principal.accountId, ctx.params.functionName!);
        const { fn } = qualifiers.resolve(ctx.principal.accountId, ctx.params.functionName!, ctx.query.get('qualifier'), { pick: 'primary' });
        return { status: 200, json: functions.toView(fn) };
      },
    },
    {
      method: 'PUT', pattern: `${V3}/functions/:functionName`, action: 'UpdateFunction', bodyLimitBytes: codeBodyLimit,
      handler: async (ctx) => {
        let scan: CredentialScanResult | undefined;
        const json = await functions.update(ctx.principal.accountId, ctx.params.functionName!, ctx.json(), { requestId: ctx.requestId, onCredentialScan: (r) => (scan = r) });
        return { status: 200, json, headers: credentialScanHeaders(scan) };
      },
    },
    {
      method: 'DELETE', pattern: `${V3}/functions/:functionName`, action: 'DeleteFunction', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        functions.delete(ctx.principal.accountId, ctx.params.functionName!);
        return { status: 204 };
      },
    },
    {
      method: 'GET', pattern: `${V3}/functions/:functionName/code`, action: 'GetFunctionCode', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        functions.get(ctx.principal.accountId, ctx.params.functionName!);
        const { fn } = qualifiers.resolve(ctx.principal.accountId, ctx.params.functionName!, ctx.query.get('qualifier'), { pick: 'primary' });
        return { status: 200, json: functions.getCode(ctx.principal.accountId, ctx.params.functionName!, ctx.endpoint, fn) };
      },
    },
  ];
}

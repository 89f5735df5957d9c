/**
 * @module api/fc2/fc2-routes
 * The FC 2.0 API (`/2016-08-15`, reference §9) as `@alicloud/fc2` calls it: services, functions
 * in services, and InvokeFunction. A qualifier rides on the service name (`svc.LATEST`). Functions
 * are FC 3.0 functions named `<service>$<function>`, invoked through the same invoke service.
 * Route actions are `FC2.<Operation>` (iam/policy/fc2-actions).
 */
import type { ResolvedConfig } from '../../config/index.js';
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { PlatformError, invalidArgument } from '../../errors/index.js';
import type { Fc2ListQuery, Fc2Service } from '../../fc2/index.js';
import { credentialScanHeaders, type CredentialScanResult } from '../../functions/index.js';
import type { AsyncInvoker, InvokeService } from '../../invoke/index.js';
import type { RequestContext, RouteHandler } from '../context.js';
import type { Route } from '../router.js';
import { sourceVpcOf } from '../source-vpc.js';
import type { VpcBindingService } from '../../vpc/index.js';
import { encodeLogTail } from '../routes/invoke-routes.js';

const V2 = '/2016-08-15';
const SVC = `${V2}/services/:serviceName`;
const FN = `${SVC}/functions/:functionName`;
/** The route action of InvokeFunction in the FC 2.0 API (a data-plane call, like FC 3.0's). */
export const FC2_INVOKE_ACTION = 'FC2.InvokeFunction';
/** `x-fc-invocation-type` values of an asynchronous invocation. */
const ASYNC_TYPES = new Set(['Async', 'Task']);

/** `svc` or `svc.qualifier` from the path. */
function serviceAndQualifier(ctx: RequestContext): { serviceName: string; qualifier: string | null } {
  const raw = ctx.params.serviceName!;
  const dot = raw.indexOf('.');
  return dot < 0 ? { serviceName: raw, qualifier: null } : { serviceName: raw.slice(0, dot), qualifier: raw.slice(dot + 1) };
}

function listQuery(ctx: RequestContext): Fc2ListQuery {
  const q = ctx.query;
  return { prefix: q.get('prefix') ?? undefined, limit: q.get('limit') ?? undefined, nextToken: q.get('nextToken') ?? undefined, startKey: q.get('startKey') ?? undefined };
}

/**
 * `scheme://host:port` for URLs handed back: `@alicloud/fc2` sends `host` without the port, so the
 * port the request arrived on is added when the header has none.
 */
function endpointOf(ctx: RequestContext): string {
  const endpoint = ctx.endpoint;
  const host = endpoint.slice(endpoint.indexOf('://') + 3);
  const hasPort = host.startsWith('[') ? /\]:\d+$/.test(host) : host.includes(':');
  return hasPort || ctx.req.socket.localPort === undefined ? endpoint : `${endpoint}:${ctx.req.socket.localPort}`;
}

const one = (header: string | string[] | undefined): string | undefined => (Array.isArray(header) ? header[0] : header);

export function fc2Routes(deps: { fc2: Fc2Service; invoke: InvokeService; asyncInvoker: AsyncInvoker; config: ResolvedConfig; bindings?: Pick<VpcBindingService, 'assertInvocationAllowed'> }): Route<RouteHandler>[] {
  const { fc2, invoke, asyncInvoker, config } = deps;
  const codeBodyLimit = config.maxCodeZipBase64Bytes + MAX_CONTROL_BODY_BYTES;
  const account = (ctx: RequestContext) => ctx.principal.accountId;
  return [
    {
      method: 'POST', pattern: `${V2}/services`, action: 'FC2.CreateService', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => ({ status: 200, json: fc2.createService(account(ctx), ctx.json()) }),
    },
    {
      method: 'GET', pattern: `${V2}/services`, action: 'FC2.ListServices', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        for (const key of ctx.query.keys()) if (key.startsWith('tag_')) throw invalidArgument(`listing services by tag (${key}) is not supported: services have no tags in openfc`);
        const page = fc2.listServices(account(ctx), listQuery(ctx));
        return { status: 200, json: { services: page.items, ...(page.nextToken && { nextToken: page.nextToken }) } };
      },
    },
    {
      method: 'GET', pattern: SVC, action: 'FC2.GetService', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        const { serviceName, qualifier } = serviceAndQualifier(ctx);
        const view = fc2.getService(account(ctx), serviceName);
        checkServiceQualifier(qualifier);
        return { status: 200, json: view };
      },
    },
    {
      method: 'PUT', pattern: SVC, action: 'FC2.UpdateService', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: async (ctx) => ({ status: 200, json: await fc2.updateService(account(ctx), ctx.params.serviceName!, ctx.json()) }),
    },
    {
      method: 'DELETE', pattern: SVC, action: 'FC2.DeleteService', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        fc2.deleteService(account(ctx), ctx.params.serviceName!);
        return { status: 204 };
      },
    },
    {
      method: 'POST', pattern: `${SVC}/functions`, action: 'FC2.CreateFunction', bodyLimitBytes: codeBodyLimit,
      handler: async (ctx) => {
        let scan: CredentialScanResult | undefined;
        const json = await fc2.createFunction(account(ctx), ctx.params.serviceName!, ctx.json(), { requestId: ctx.requestId, onCredentialScan: (r) => (scan = r) });
        return { status: 200, json, headers: credentialScanHeaders(scan) };
      },
    },
    {
      method: 'GET', pattern: `${SVC}/functions`, action: 'FC2.ListFunctions', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        const { serviceName, qualifier } = serviceAndQualifier(ctx);
        const page = fc2.listFunctions(account(ctx), serviceName, listQuery(ctx));
        checkServiceQualifier(qualifier);
        return { status: 200, json: { functions: page.items, ...(page.nextToken && { nextToken: page.nextToken }) } };
      },
    },
    {
      method: 'GET', pattern: FN, action: 'FC2.GetFunction', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        const { serviceName, qualifier } = serviceAndQualifier(ctx);
        const view = fc2.getFunction(account(ctx), serviceName, ctx.params.functionName!);
        checkServiceQualifier(qualifier);
        return { status: 200, json: view };
      },
    },
    {
      method: 'PUT', pattern: FN, action: 'FC2.UpdateFunction', bodyLimitBytes: codeBodyLimit,
      handler: async (ctx) => {
        let scan: CredentialScanResult | undefined;
        const json = await fc2.updateFunction(account(ctx), ctx.params.serviceName!, ctx.params.functionName!, ctx.json(), { requestId: ctx.requestId, onCredentialScan: (r) => (scan = r) });
        return { status: 200, json, headers: credentialScanHeaders(scan) };
      },
    },
    {
      method: 'DELETE', pattern: FN, action: 'FC2.DeleteFunction', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        fc2.deleteFunction(account(ctx), ctx.params.serviceName!, ctx.params.functionName!);
        return { status: 204 };
      },
    },
    {
      method: 'GET', pattern: `${FN}/code`, action: 'FC2.GetFunctionCode', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        const { serviceName, qualifier } = serviceAndQualifier(ctx);
        const code = fc2.getFunctionCode(account(ctx), serviceName, ctx.params.functionName!, endpointOf(ctx));
        checkServiceQualifier(qualifier);
        return { status: 200, json: code };
      },
    },
    {
      method: 'POST', pattern: `${FN}/invocations`, action: FC2_INVOKE_ACTION, bodyLimitBytes: config.maxSyncPayloadBytes,
      handler: async (ctx) => {
        const { serviceName, qualifier } = serviceAndQualifier(ctx);
        const shortName = ctx.params.functionName!;
        const functionName = fc2.functionNameIn(account(ctx), serviceName, shortName);
        deps.bindings?.assertInvocationAllowed(account(ctx), functionName, sourceVpcOf(ctx.req.socket));
        const type = one(ctx.req.headers['x-fc-invocation-type']) ?? 'Sync';
        if (ASYNC_TYPES.has(type)) {
          const taskHeader = one(ctx.req.headers['x-fc-stateful-async-invocation-id']);
          const queued = await fc2.inService(serviceName, shortName, () => asyncInvoker.invokeAsync({
            accountId: account(ctx), functionName, qualifier, requestId: ctx.requestId, event: ctx.body,
            ...(taskHeader !== undefined && taskHeader !== '' && { taskId: taskHeader }),
          }));
          const headers: Record<string, string> = queued.taskId !== undefined ? { 'x-fc-stateful-async-invocation-id': queued.taskId } : {};
          return { status: 202, headers };
        }
        if (type !== 'Sync') throw invalidArgument(`x-fc-invocation-type must be Sync or Async, got '${type}'`);
        const logType = one(ctx.req.headers['x-fc-log-type']) ?? 'None';
        if (logType !== 'Tail' && logType !== 'None') throw invalidArgument(`x-fc-log-type must be Tail or None, got '${logType}'`);
        const { fn, outcome } = await fc2.inService(serviceName, shortName, () => invoke.invokeSync({
          accountId: account(ctx), functionName, qualifier, requestId: ctx.requestId, event: ctx.body, isLogTail: logType === 'Tail', onClientGone: (f) => ctx.onClientGone(f),
        }));
        const headers: Record<string, string> = {
          'content-type': outcome.errorType ? 'application/json' : (outcome.contentType ?? 'application/octet-stream'),
          'x-fc-instance-id': outcome.instanceId,
          'x-fc-code-checksum': fn.codeChecksum,
          'x-fc-invocation-duration': String(outcome.durationMs),
          'x-fc-invocation-service-version': fn.versionId ?? 'LATEST',
        };
        if (outcome.errorType) headers['x-fc-error-type'] = outcome.errorType;
        if (logType === 'Tail') headers['x-fc-log-result'] = encodeLogTail(outcome.log ?? '');
        return { status: 200, body: outcome.body, headers };
      },
    },
  ];
}

/**
 * FC 2.0 has no versions or aliases in openfc: a service qualifier other than LATEST names
 * something that does not exist (invocations resolve theirs through the FC 3.0 qualifier resolver).
 */
function checkServiceQualifier(qualifier: string | null | undefined): void {
  if (qualifier === null || qualifier === undefined || qualifier === '' || qualifier === 'LATEST') return;
  if (/^\d+$/.test(qualifier)) throw new PlatformError('VersionNotFound', `version '${qualifier}' does not exist`);
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/.test(qualifier)) throw invalidArgument(`qualifier '${qualifier}' is not a version, an alias or LATEST`);
  throw new PlatformError('AliasNotFound', `alias '${qualifier}' does not exist`);
}

/**
 * @module iam/policy/fc-actions
 * The one table from API operation to the RAM action it needs and the resource ARN it acts on:
 * all 69 FC 3.0 operations plus openfc's own. docs/permissions.md repeats it (a test keeps them in
 * step, another checks it against the FC SDK and against every route's `action`).
 *
 * Resource patterns use placeholders named like {@link FcResourceParams} fields. Where an
 * operation has several patterns they are ordered most specific first, and {@link fcActionFor}
 * uses the first one whose placeholders are all given: `InvokeFunction` with a qualifier acts on
 * `functions/<name>/<qualifier>`, without one (or with `LATEST`) on `functions/<name>`;
 * `ListProvisionConfigs?functionName=f` acts on `functions/f`, unfiltered on `provision-configs/*`.
 */
import { invalidArgument } from '../../errors/index.js';

/** Where a row comes from: FC's published RAM table, or openfc's own reading (see docs/permissions.md). */
export type FcActionBasis = 'fc' | 'openfc';

export interface FcAuthorizedOperation {
  readonly operation: string;
  readonly isPublic: false;
  /** `<METHOD> <path>` as the FC 3.0 SDK (or openfc's router) sends it. */
  readonly http: string;
  /** The RAM action, e.g. `fc:InvokeFunction`. */
  readonly action: string;
  /** Resource ARN patterns, most specific first. */
  readonly resources: readonly string[];
  readonly basis: FcActionBasis;
  /** Params the caller must take from the request body (the rest come from the path or the query). */
  readonly fromBody: readonly (keyof FcResourceParams)[];
}

/** An operation no policy governs (it carries its own proof, or is meant to be scraped). */
export interface FcPublicOperation {
  readonly operation: string;
  readonly isPublic: true;
  readonly http: string;
  readonly reason: string;
}

export type FcOperationEntry = FcAuthorizedOperation | FcPublicOperation;

/** What names the resource of a request; the fields match the placeholders of the patterns. */
export interface FcResourceParams {
  readonly region: string;
  readonly accountId: string;
  readonly functionName?: string;
  /** A version id or alias; `LATEST` is the same as none. */
  readonly qualifier?: string;
  readonly aliasName?: string;
  readonly triggerName?: string;
  readonly versionId?: string;
  readonly layerName?: string;
  /** A layer version number. */
  readonly version?: string;
  /** A layer version ARN (GetLayerVersionByArn; the name of its path parameter). */
  readonly arn?: string;
  readonly domainName?: string;
  readonly taskId?: string;
  readonly sessionId?: string;
  readonly instanceId?: string;
  readonly vpcId?: string;
}

export interface FcActionTarget {
  readonly action: string;
  readonly resource: string;
}

const V3 = '/2023-03-30';
const arn = (path: string): string => `acs:fc:{region}:{accountId}:${path}`;
const FN = arn('functions/{functionName}');
const FN_QUALIFIED = [arn('functions/{functionName}/{qualifier}'), FN] as const;

function op(
  operation: string, http: string, resources: string | readonly string[], basis: FcActionBasis,
  options: { action?: string; fromBody?: readonly (keyof FcResourceParams)[] } = {},
): FcAuthorizedOperation {
  return {
    operation, isPublic: false, http, action: options.action ?? `fc:${operation}`,
    resources: typeof resources === 'string' ? [resources] : resources, basis, fromBody: options.fromBody ?? [],
  };
}

/** Every operation, FC 3.0's in SDK order, then openfc's. */
export const FC_OPERATIONS: readonly FcOperationEntry[] = [
  op('ChangeResourceGroup', `PUT ${V3}/resource-groups`, arn('*'), 'openfc'),
  op('CreateAlias', `POST ${V3}/functions/{functionName}/aliases`, arn('functions/{functionName}/aliases/{aliasName}'), 'fc', { fromBody: ['aliasName'] }),
  op('CreateCustomDomain', `POST ${V3}/custom-domains`, arn('custom-domains/{domainName}'), 'fc', { fromBody: ['domainName'] }),
  op('CreateFunction', `POST ${V3}/functions`, FN, 'fc', { fromBody: ['functionName'] }),
  op('CreateLayerVersion', `POST ${V3}/layers/{layerName}/versions`, arn('layers/{layerName}/versions/*'), 'fc'),
  op('CreateSession', `POST ${V3}/functions/{functionName}/sessions`, FN, 'openfc'),
  op('CreateTrigger', `POST ${V3}/functions/{functionName}/triggers`, arn('functions/{functionName}/triggers/{triggerName}'), 'fc', { fromBody: ['triggerName'] }),
  op('CreateVpcBinding', `POST ${V3}/functions/{functionName}/vpc-bindings`, arn('functions/{functionName}/vpc-bindings/*'), 'fc'),
  op('DeleteAlias', `DELETE ${V3}/functions/{functionName}/aliases/{aliasName}`, arn('functions/{functionName}/aliases/{aliasName}'), 'fc'),
  op('DeleteAsyncInvokeConfig', `DELETE ${V3}/functions/{functionName}/async-invoke-config`, FN_QUALIFIED, 'fc', { action: 'fc:DeleteFunctionAsyncInvokeConfig' }),
  op('DeleteConcurrencyConfig', `DELETE ${V3}/functions/{functionName}/concurrency`, FN, 'fc'),
  op('DeleteCustomDomain', `DELETE ${V3}/custom-domains/{domainName}`, arn('custom-domains/{domainName}'), 'fc'),
  op('DeleteFunction', `DELETE ${V3}/functions/{functionName}`, FN, 'fc'),
  op('DeleteFunctionVersion', `DELETE ${V3}/functions/{functionName}/versions/{versionId}`, arn('functions/{functionName}/versions/{versionId}'), 'fc'),
  op('DeleteLayerVersion', `DELETE ${V3}/layers/{layerName}/versions/{version}`, arn('layers/{layerName}/versions/{version}'), 'fc'),
  op('DeleteProvisionConfig', `DELETE ${V3}/functions/{functionName}/provision-config`, FN_QUALIFIED, 'fc'),
  op('DeleteScalingConfig', `DELETE ${V3}/functions/{functionName}/scaling-config`, FN_QUALIFIED, 'openfc'),
  op('DeleteSession', `DELETE ${V3}/functions/{functionName}/sessions/{sessionId}`, FN, 'openfc'),
  op('DeleteTrigger', `DELETE ${V3}/functions/{functionName}/triggers/{triggerName}`, arn('functions/{functionName}/triggers/{triggerName}'), 'fc'),
  op('DeleteVpcBinding', `DELETE ${V3}/functions/{functionName}/vpc-bindings/{vpcId}`, arn('functions/{functionName}/vpc-bindings/{vpcId}'), 'fc'),
  op('DescribeRegions', `GET ${V3}/regions`, arn('*'), 'openfc'),
  op('DisableFunctionInvocation', `POST ${V3}/functions/{functionName}/invoke/disable`, FN, 'openfc'),
  op('EnableFunctionInvocation', `POST ${V3}/functions/{functionName}/invoke/enable`, FN, 'openfc'),
  op('GetAlias', `GET ${V3}/functions/{functionName}/aliases/{aliasName}`, arn('functions/{functionName}/aliases/{aliasName}'), 'fc'),
  op('GetAsyncInvokeConfig', `GET ${V3}/functions/{functionName}/async-invoke-config`, FN_QUALIFIED, 'fc', { action: 'fc:GetFunctionAsyncInvokeConfig' }),
  op('GetAsyncTask', `GET ${V3}/functions/{functionName}/async-tasks/{taskId}`, arn('functions/{functionName}/async-tasks/{taskId}'), 'fc'),
  op('GetConcurrencyConfig', `GET ${V3}/functions/{functionName}/concurrency`, FN, 'fc'),
  op('GetCustomDomain', `GET ${V3}/custom-domains/{domainName}`, arn('custom-domains/{domainName}'), 'fc'),
  op('GetFunction', `GET ${V3}/functions/{functionName}`, FN, 'fc'),
  op('GetFunctionCode', `GET ${V3}/functions/{functionName}/code`, FN_QUALIFIED, 'fc'),
  op('GetLayerVersion', `GET ${V3}/layers/{layerName}/versions/{version}`, arn('layers/{layerName}/versions/{version}'), 'fc'),
  op('GetLayerVersionByArn', `GET ${V3}/layerarn/{arn}`, arn('layerarn/{arn}'), 'fc'),
  op('GetProvisionConfig', `GET ${V3}/functions/{functionName}/provision-config`, FN_QUALIFIED, 'fc'),
  op('GetScalingConfig', `GET ${V3}/functions/{functionName}/scaling-config`, FN_QUALIFIED, 'openfc'),
  op('GetSession', `GET ${V3}/functions/{functionName}/sessions/{sessionId}`, FN, 'openfc'),
  op('GetTrigger', `GET ${V3}/functions/{functionName}/triggers/{triggerName}`, arn('functions/{functionName}/triggers/{triggerName}'), 'fc'),
  op('InvokeFunction', `POST ${V3}/functions/{functionName}/invocations`, FN_QUALIFIED, 'fc'),
  op('ListAliases', `GET ${V3}/functions/{functionName}/aliases`, arn('functions/{functionName}/aliases/*'), 'fc'),
  op('ListAsyncInvokeConfigs', `GET ${V3}/async-invoke-configs`, [FN, arn('async-invoke-configs/*')], 'fc', { action: 'fc:ListFunctionAsyncInvokeConfigs' }),
  op('ListAsyncTasks', `GET ${V3}/functions/{functionName}/async-tasks`, arn('functions/{functionName}/async-tasks/*'), 'fc'),
  op('ListConcurrencyConfigs', `GET ${V3}/concurrency-configs`, [FN, arn('concurrency-configs/*')], 'fc'),
  op('ListCustomDomains', `GET ${V3}/custom-domains`, arn('custom-domains/*'), 'fc'),
  op('ListFunctionVersions', `GET ${V3}/functions/{functionName}/versions`, arn('functions/{functionName}/versions/*'), 'fc'),
  op('ListFunctions', `GET ${V3}/functions`, arn('functions/*'), 'fc'),
  op('ListInstances', `GET ${V3}/functions/{functionName}/instances`, arn('functions/{functionName}/instances/*'), 'fc'),
  op('ListLayerVersions', `GET ${V3}/layers/{layerName}/versions`, arn('layers/{layerName}/versions/*'), 'fc'),
  op('ListLayers', `GET ${V3}/layers`, arn('layers/*'), 'fc'),
  op('ListProvisionConfigs', `GET ${V3}/provision-configs`, [FN, arn('provision-configs/*')], 'fc'),
  op('ListScalingConfigs', `GET ${V3}/scaling-configs`, [FN, arn('scaling-configs/*')], 'openfc'),
  op('ListSessions', `GET ${V3}/functions/{functionName}/sessions`, FN, 'openfc'),
  op('ListTagResources', `GET ${V3}/tags-v2`, [FN, arn('*')], 'openfc'),
  op('ListTriggers', `GET ${V3}/functions/{functionName}/triggers`, arn('functions/{functionName}/triggers/*'), 'fc'),
  op('ListVpcBindings', `GET ${V3}/functions/{functionName}/vpc-bindings`, arn('functions/{functionName}/vpc-bindings/*'), 'fc'),
  op('PauseSession', `PUT ${V3}/functions/{functionName}/sessions/{sessionId}/pause`, FN, 'openfc'),
  op('PublishFunctionVersion', `POST ${V3}/functions/{functionName}/versions`, arn('functions/{functionName}/versions'), 'fc'),
  op('PutAsyncInvokeConfig', `PUT ${V3}/functions/{functionName}/async-invoke-config`, FN_QUALIFIED, 'fc', { action: 'fc:PutFunctionAsyncInvokeConfig' }),
  op('PutConcurrencyConfig', `PUT ${V3}/functions/{functionName}/concurrency`, FN, 'fc'),
  op('PutLayerACL', `PUT ${V3}/layers/{layerName}/acl`, arn('layers/{layerName}'), 'fc'),
  op('PutProvisionConfig', `PUT ${V3}/functions/{functionName}/provision-config`, FN_QUALIFIED, 'fc'),
  op('PutScalingConfig', `PUT ${V3}/functions/{functionName}/scaling-config`, FN_QUALIFIED, 'openfc'),
  op('ResumeSession', `PUT ${V3}/functions/{functionName}/sessions/{sessionId}/resume`, FN, 'openfc'),
  op('StopAsyncTask', `PUT ${V3}/functions/{functionName}/async-tasks/{taskId}/stop`, arn('functions/{functionName}/async-tasks/{taskId}'), 'fc'),
  op('TagResources', `POST ${V3}/tags-v2`, [FN, arn('*')], 'openfc'),
  op('UntagResources', `DELETE ${V3}/tags-v2`, [FN, arn('*')], 'openfc'),
  op('UpdateAlias', `PUT ${V3}/functions/{functionName}/aliases/{aliasName}`, arn('functions/{functionName}/aliases/{aliasName}'), 'fc'),
  op('UpdateCustomDomain', `PUT ${V3}/custom-domains/{domainName}`, arn('custom-domains/{domainName}'), 'fc'),
  op('UpdateFunction', `PUT ${V3}/functions/{functionName}`, FN, 'fc'),
  op('UpdateSession', `PUT ${V3}/functions/{functionName}/sessions/{sessionId}`, FN, 'openfc'),
  op('UpdateTrigger', `PUT ${V3}/functions/{functionName}/triggers/{triggerName}`, arn('functions/{functionName}/triggers/{triggerName}'), 'fc'),
  // openfc's own operations
  op('InstanceExec', `GET ${V3}/functions/{functionName}/instances/{instanceId}/exec`, arn('functions/{functionName}/instances/{instanceId}'), 'openfc'),
  op('CreateVpc', `POST ${V3}/vpcs`, arn('vpcs/*'), 'openfc'),
  op('ListVpcs', `GET ${V3}/vpcs`, arn('vpcs/*'), 'openfc'),
  op('GetVpc', `GET ${V3}/vpcs/{vpcId}`, arn('vpcs/{vpcId}'), 'openfc'),
  op('DeleteVpc', `DELETE ${V3}/vpcs/{vpcId}`, arn('vpcs/{vpcId}'), 'openfc'),
  op('GetFunctionLogs', `GET ${V3}/functions/{functionName}/logs`, FN, 'openfc'),
  { operation: 'Metrics', isPublic: true, http: 'GET /metrics', reason: 'Prometheus scrape endpoint; no account, no signature' },
  { operation: 'DownloadFunctionCode', isPublic: true, http: 'GET /openfc/code/{token}/code.zip', reason: 'the signed, expiring token in the URL is the authorization (GetFunctionCode hands it out)' },
];

const BY_OPERATION: ReadonlyMap<string, FcOperationEntry> = new Map(FC_OPERATIONS.map((e) => [e.operation, e]));

/** The table row of an operation, or undefined when there is none. */
export function fcOperation(operation: string): FcOperationEntry | undefined {
  return BY_OPERATION.get(operation);
}

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * The RAM action and resource ARN of one request. Throws `InvalidArgument` when a parameter the
 * resource needs is missing (CreateFunction, CreateAlias, CreateTrigger and CreateCustomDomain
 * need the name from the request body) or would break out of its ARN segment (contains `/`), and
 * a plain Error for an unknown or public operation or a missing region/accountId (wiring
 * mistakes, answered as a 500). Params the operation does not use are ignored.
 */
export function fcActionFor(operation: string, params: FcResourceParams): FcActionTarget {
  const entry = BY_OPERATION.get(operation);
  if (!entry) throw new Error(`no RAM action is defined for the operation '${operation}'`);
  if (entry.isPublic) throw new Error(`the operation '${operation}' is public and is not authorized by policy`);
  if (!params.region || !params.accountId) throw new Error(`fcActionFor(${operation}) needs the region and the accountId of the resource owner`);
  for (const pattern of entry.resources) {
    const resource = fillPattern(pattern, params);
    if (resource !== undefined) return { action: entry.action, resource };
  }
  const missing = placeholders(entry.resources[entry.resources.length - 1]!).filter((name) => paramValue(params, name) === undefined);
  throw invalidArgument(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required to authorize ${operation}`);
}

/** The placeholder names of a resource pattern, e.g. `['region', 'accountId', 'functionName']`. */
export function placeholders(pattern: string): string[] {
  return [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

function fillPattern(pattern: string, params: FcResourceParams): string | undefined {
  let isComplete = true;
  const filled = pattern.replace(PLACEHOLDER, (_, name: string) => {
    const value = paramValue(params, name);
    if (value === undefined) {
      isComplete = false;
      return '';
    }
    checkSegment(name, value);
    return value;
  });
  return isComplete ? filled : undefined;
}

function paramValue(params: FcResourceParams, name: string): string | undefined {
  const value = (params as unknown as Record<string, unknown>)[name];
  if (typeof value !== 'string' || value === '') return undefined;
  if (name === 'qualifier' && value === 'LATEST') return undefined;
  return value;
}

/** A value must stay inside its ARN segment, or `functions/a/b` could pose as function `a`, qualifier `b`. */
function checkSegment(name: string, value: string): void {
  if (name === 'arn') return;
  if (value.includes('/')) throw invalidArgument(`${name} '${value}' cannot name a resource: it contains '/'`);
  if ((name === 'region' || name === 'accountId') && value.includes(':')) {
    throw invalidArgument(`${name} '${value}' cannot name a resource: it contains ':'`);
  }
}

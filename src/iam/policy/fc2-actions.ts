/**
 * @module iam/policy/fc2-actions
 * The FC 2.0 operations (`/2016-08-15`) and the RAM action and resource each needs, as FC 2.0
 * publishes them: the same `fc:<Operation>` action names as FC 3.0, on FC 2.0's resource ARNs
 * `acs:fc:<region>:<account>:services/<service>[/functions/<function>]`. An FC 2.0 function `f`
 * of service `s` is the FC 3.0 function `s$f`; a policy that should cover both APIs names both
 * ARNs (docs/permissions.md, "FC 2.0 API").
 */
import { invalidArgument } from '../../errors/index.js';

/** Route actions of the FC 2.0 API are `FC2.<Operation>`, apart from FC 3.0's operations of the same name. */
export const FC2_OPERATION_PREFIX = 'FC2.';

export interface Fc2AuthorizedOperation {
  /** The FC 2.0 operation name, e.g. `CreateService`. */
  readonly operation: string;
  /** `<METHOD> <path>` as `@alicloud/fc2` sends it (`{serviceName}` may carry `.<qualifier>`). */
  readonly http: string;
  readonly action: string;
  /** Resource ARN patterns, most specific first. */
  readonly resources: readonly string[];
  /** Names taken from the request body. */
  readonly fromBody: readonly ('serviceName' | 'functionName')[];
}

/** What names the resource of an FC 2.0 request. `serviceName` may be `<service>.<qualifier>` as in the path. */
export interface Fc2ResourceParams {
  readonly region: string;
  readonly accountId: string;
  readonly serviceName?: string;
  readonly functionName?: string;
}

const V2 = '/2016-08-15';
const arn = (path: string): string => `acs:fc:{region}:{accountId}:${path}`;
const SVC = arn('services/{serviceName}');
const FN = arn('services/{serviceName}/functions/{functionName}');

function op(operation: string, http: string, resources: string | readonly string[], fromBody: Fc2AuthorizedOperation['fromBody'] = []): Fc2AuthorizedOperation {
  return { operation, http, action: `fc:${operation}`, resources: typeof resources === 'string' ? [resources] : resources, fromBody };
}

/** Every FC 2.0 operation openfc serves. */
export const FC2_OPERATIONS: readonly Fc2AuthorizedOperation[] = [
  op('CreateService', `POST ${V2}/services`, SVC, ['serviceName']),
  op('ListServices', `GET ${V2}/services`, arn('services/*')),
  op('GetService', `GET ${V2}/services/{serviceName}`, SVC),
  op('UpdateService', `PUT ${V2}/services/{serviceName}`, SVC),
  op('DeleteService', `DELETE ${V2}/services/{serviceName}`, SVC),
  op('CreateFunction', `POST ${V2}/services/{serviceName}/functions`, FN, ['functionName']),
  op('ListFunctions', `GET ${V2}/services/{serviceName}/functions`, arn('services/{serviceName}/functions/*')),
  op('GetFunction', `GET ${V2}/services/{serviceName}/functions/{functionName}`, FN),
  op('UpdateFunction', `PUT ${V2}/services/{serviceName}/functions/{functionName}`, FN),
  op('DeleteFunction', `DELETE ${V2}/services/{serviceName}/functions/{functionName}`, FN),
  op('GetFunctionCode', `GET ${V2}/services/{serviceName}/functions/{functionName}/code`, FN),
  op('InvokeFunction', `POST ${V2}/services/{serviceName}/functions/{functionName}/invocations`, [arn('services/{serviceName}.{qualifier}/functions/{functionName}'), FN]),
];

const BY_OPERATION: ReadonlyMap<string, Fc2AuthorizedOperation> = new Map(FC2_OPERATIONS.map((e) => [e.operation, e]));

/** The table row of an FC 2.0 operation (`CreateService` or the route action `FC2.CreateService`). */
export function fc2Operation(operation: string): Fc2AuthorizedOperation | undefined {
  return BY_OPERATION.get(operation.startsWith(FC2_OPERATION_PREFIX) ? operation.slice(FC2_OPERATION_PREFIX.length) : operation);
}

/**
 * The RAM action and resource of one FC 2.0 request. Only InvokeFunction's resource names a
 * qualifier (`services/<s>.<q>/functions/<f>`; `LATEST` is the same as none); every other
 * operation acts on the unqualified service. Throws InvalidArgument for a missing name or one that
 * would leave its ARN segment, and a plain Error for an unknown operation (a wiring mistake).
 */
export function fc2ActionFor(operation: string, params: Fc2ResourceParams): { action: string; resource: string } {
  const entry = fc2Operation(operation);
  if (!entry) throw new Error(`no RAM action is defined for the FC 2.0 operation '${operation}'`);
  if (!params.region || !params.accountId) throw new Error(`fc2ActionFor(${operation}) needs the region and the accountId of the resource owner`);
  const dot = params.serviceName?.indexOf('.') ?? -1;
  const values: Record<string, string | undefined> = {
    region: params.region, accountId: params.accountId, functionName: params.functionName,
    serviceName: dot >= 0 ? params.serviceName!.slice(0, dot) : params.serviceName,
    qualifier: dot >= 0 ? params.serviceName!.slice(dot + 1) : undefined,
  };
  if (values.qualifier === 'LATEST') values.qualifier = undefined;
  for (const pattern of entry.resources) {
    let isComplete = true;
    const resource = pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = values[name];
      if (v === undefined || v === '') {
        isComplete = false;
        return '';
      }
      if (v.includes('/') || ((name === 'region' || name === 'accountId') && v.includes(':'))) throw invalidArgument(`${name} '${v}' cannot name a resource: it contains '/' or ':'`);
      return v;
    });
    if (isComplete) return { action: entry.action, resource };
  }
  throw invalidArgument(`the ${entry.fromBody.length ? entry.fromBody.join(', ') : 'service and function names'} are required to authorize ${entry.operation}`);
}

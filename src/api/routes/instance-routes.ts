/**
 * @module api/routes/instance-routes
 * ListInstances (reference §6.8): the live instances of a function, from the scheduler. Each
 * carries FC's fields plus openfc's `inFlight`, `sandbox` and `isolated`, and a `warning` when the
 * sandbox does not isolate it. The SDK's model keeps only FC's fields, so `resourceType` says it
 * too: `OnDemand` or `Provisioned`, followed by ` (NOT isolated)` under the process sandbox.
 * Each instance reports the version it serves (`qualifier` is the version id, or `LATEST` with
 * `versionId` 0). A `qualifier` parameter keeps LATEST's instances, one version's, or those of
 * the versions an alias routes to; without it every instance of the function is listed.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { invalidArgument } from '../../errors/index.js';
import { LATEST, type FunctionService, type QualifierResolver, type VersionService } from '../../functions/index.js';
import { isolationWarning } from '../../sandbox/index.js';
import type { InstanceInfo, Scheduler } from '../../scheduler/index.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

/** FC's status names for openfc's instance states. */
export const INSTANCE_STATUS = ['Starting', 'Running', 'Frozen', 'Draining'] as const;
type InstanceStatus = (typeof INSTANCE_STATUS)[number];

function statusOf(i: InstanceInfo): InstanceStatus | undefined {
  if (i.state === 'starting') return 'Starting';
  if (i.state === 'draining') return 'Draining';
  if (i.state === 'ready') return i.isFrozen ? 'Frozen' : 'Running';
  return undefined;
}

function jsonArrayParam(raw: string | null, name: string): string[] | undefined {
  if (raw === null || raw === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw invalidArgument(`${name} must be a JSON array of strings, e.g. ["Running"]`);
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalidArgument(`${name} must be a JSON array of strings`);
  return v;
}

export function instanceRoutes(deps: {
  functions: FunctionService; scheduler: Scheduler; sandbox: { name: string; isIsolated: boolean };
  qualifiers: Pick<QualifierResolver, 'check'>; versions: Pick<VersionService, 'findAlias'>;
}): Route<RouteHandler>[] {
  const { functions, scheduler, sandbox, qualifiers, versions } = deps;
  /** The version ids (LATEST for LATEST) a qualifier parameter selects; undefined for all. */
  const servedBy = (accountId: string, functionName: string, raw: string | null): Set<string> | undefined => {
    if (raw === null || raw === '') return undefined;
    const q = qualifiers.check(accountId, functionName, raw);
    const alias = q === LATEST || /^\d+$/.test(q) ? undefined : versions.findAlias(accountId, functionName, q);
    return new Set(alias ? [alias.versionId, ...Object.keys(alias.additionalVersionWeight)] : [q]);
  };
  const warning = isolationWarning(sandbox);
  const isolation = { sandbox: sandbox.name, isolated: sandbox.isIsolated, ...(warning && { warning }) };
  const suffix = sandbox.isIsolated ? '' : ' (NOT isolated)';
  return [
    {
      method: 'GET', pattern: '/2023-03-30/functions/:functionName/instances', action: 'ListInstances', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        const { accountId } = ctx.principal;
        const functionName = ctx.params.functionName!;
        functions.get(accountId, functionName);
        const served = servedBy(accountId, functionName, ctx.query.get('qualifier'));
        const statuses = jsonArrayParam(ctx.query.get('instanceStatus'), 'instanceStatus');
        const bad = statuses?.find((s) => !INSTANCE_STATUS.includes(s as InstanceStatus));
        if (bad) throw invalidArgument(`instanceStatus '${bad}' is not one of ${INSTANCE_STATUS.join(', ')}`);
        const ids = jsonArrayParam(ctx.query.get('instanceIds'), 'instanceIds');
        const limitRaw = ctx.query.get('limit');
        const limit = limitRaw === null || limitRaw === '' ? 100 : Number(limitRaw);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidArgument('limit must be an integer from 1 to 1000');
        const instances = scheduler
          .listInstances({ accountId, functionName })
          .map((i) => ({ info: i, status: statusOf(i) }))
          .filter(({ info, status }) => status && (!statuses || statuses.includes(status)) && (!ids || ids.includes(info.instanceId)) && (!served || served.has(info.versionId ?? LATEST)))
          .sort((a, b) => a.info.createdTimeMs - b.info.createdTimeMs)
          .slice(0, limit)
          .map(({ info, status }) => ({
            instanceId: info.instanceId, status, createdTimeMs: info.createdTimeMs, qualifier: info.versionId ?? LATEST, versionId: info.versionId ?? '0', resourceType: (info.isProvisioned ? 'Provisioned' : 'OnDemand') + suffix,
            inFlight: info.inFlight, ...isolation,
          }));
        return { status: 200, json: { instances, requestId: ctx.requestId } };
      },
    },
  ];
}

/**
 * @module invoke/sync-invoker
 * Synchronous invocation: resolve the function and qualifier, then hand the event to the
 * scheduler. Sync invocations are never retried and never cached.
 */
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { FunctionService } from '../functions/function-service.js';
import type { InvocationOutcome, Scheduler } from '../scheduler/index.js';
import type { FunctionRecord } from '../store/types.js';

export interface SyncInvocation {
  readonly accountId: string;
  readonly functionName: string;
  readonly qualifier: string | null;
  readonly requestId: string;
  readonly event: Buffer;
  readonly isLogTail: boolean;
  readonly onClientGone?: (fn: () => void) => void;
  /** The event is FC's HTTP trigger event (reference §10.4) and a response object is expected. */
  readonly httpTrigger?: boolean;
}

export interface InvokeService {
  invokeSync(invocation: SyncInvocation): Promise<{ fn: FunctionRecord; outcome: InvocationOutcome }>;
}

export function checkQualifier(qualifier: string | null): void {
  if (qualifier === null || qualifier === '' || qualifier === 'LATEST') return;
  if (/^\d+$/.test(qualifier)) throw new PlatformError('VersionNotFound', `version '${qualifier}' does not exist`);
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/.test(qualifier)) throw invalidArgument(`qualifier '${qualifier}' is not a version, an alias or LATEST`);
  throw new PlatformError('AliasNotFound', `alias '${qualifier}' does not exist`);
}

export function createInvokeService(deps: { functions: FunctionService; scheduler: Scheduler }): InvokeService {
  return {
    async invokeSync(inv) {
      const fn = deps.functions.resolve(inv.accountId, inv.functionName);
      checkQualifier(inv.qualifier);
      const outcome = await deps.scheduler.invoke(fn, { requestId: inv.requestId, event: inv.event, isLogTail: inv.isLogTail, onClientGone: inv.onClientGone, ...(inv.httpTrigger && { httpTrigger: true }) });
      return { fn, outcome };
    },
  };
}

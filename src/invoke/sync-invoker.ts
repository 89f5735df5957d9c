/**
 * @module invoke/sync-invoker
 * Synchronous invocation: resolve the function and qualifier (LATEST, a version, or an alias with
 * its weighted pick) to the exact configuration and code, then hand the event to the scheduler.
 * Sync invocations are never retried and never cached.
 */
import type { QualifierResolver } from '../functions/index.js';
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
  /** `fn` is the record that ran: LATEST's, or the frozen record of the version the qualifier resolved to. */
  invokeSync(invocation: SyncInvocation): Promise<{ fn: FunctionRecord; outcome: InvocationOutcome }>;
}

export function createInvokeService(deps: { qualifiers: QualifierResolver; scheduler: Scheduler }): InvokeService {
  const qualifiers = deps.qualifiers.forInvocation();
  return {
    async invokeSync(inv) {
      const { fn } = qualifiers.resolve(inv.accountId, inv.functionName, inv.qualifier);
      const outcome = await deps.scheduler.invoke(fn, { requestId: inv.requestId, event: inv.event, isLogTail: inv.isLogTail, onClientGone: inv.onClientGone, ...(inv.httpTrigger && { httpTrigger: true }) });
      return { fn, outcome };
    },
  };
}

/**
 * @module invoke/async-invoker
 * InvokeFunction with `x-fc-invocation-type: Async`: the function and qualifier must exist and the
 * payload fit (128 KB) before anything is stored; then the event is stored durably and only then
 * does the caller get its 202. With `asyncTask: true` the event is an async task: its id comes from
 * `x-fc-async-task-id` (the same id twice makes one task) or is generated.
 */
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { EventBus } from '../events/event-bus.js';
import type { QualifierResolver } from '../functions/index.js';
import type { Queue } from '../store/queue.js';
import type { Clock } from '../time/clock.js';
import type { AsyncConfigService } from './async-config.js';
import { queueKeyFor } from './async-destinations.js';

/** FC's rule for caller-chosen task ids (reference §7.1). */
const TASK_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
/**
 * Timer triggers name each schedule point's task `timer-<triggerId>-<pointEpochMs>`. Clients may
 * not choose ids in that space: a task id is unique per function, so a caller who took a future
 * point's id first (an anonymous HTTP trigger caller, or a RAM user allowed only to invoke)
 * would have its own event run in that point's place.
 */
export const TIMER_TASK_ID_PREFIX = 'timer-';

export interface AsyncInvocation {
  readonly accountId: string;
  readonly functionName: string;
  readonly qualifier: string | null;
  readonly requestId: string;
  readonly event: Buffer;
  /** `x-fc-async-task-id`, when the caller chose one. */
  readonly taskId?: string;
}

export interface AsyncInvoker {
  /** Resolves once the event is on disk. `taskId` is set for async tasks. */
  invokeAsync(invocation: AsyncInvocation): Promise<{ eventId: string; taskId?: string; isNew: boolean }>;
}

export function createAsyncInvoker(deps: {
  /**
   * Checks the qualifier when the event is accepted. The event keeps the qualifier as asked (an
   * alias stays an alias): the dispatcher resolves it again for each attempt.
   */
  qualifiers: QualifierResolver;
  asyncConfigs: Pick<AsyncConfigService, 'effective'>;
  queue: Queue;
  clock: Clock;
  events: EventBus;
  config: Pick<ResolvedConfig, 'maxAsyncPayloadBytes'>;
  /** Called after each durable enqueue, so the dispatcher looks for work at once. */
  onEnqueued: () => void;
}): AsyncInvoker {
  const { asyncConfigs, queue, clock, events, config } = deps;
  const qualifiers = deps.qualifiers.forInvocation();
  return {
    async invokeAsync(inv) {
      const qualifier = qualifiers.check(inv.accountId, inv.functionName, inv.qualifier);
      if (inv.event.length > config.maxAsyncPayloadBytes) {
        throw new PlatformError('EntityTooLarge', `payload size exceeds maximum allowed size (${config.maxAsyncPayloadBytes} bytes) for async invocations`);
      }
      const eff = asyncConfigs.effective(inv.accountId, inv.functionName, qualifier);
      if (inv.taskId !== undefined && !TASK_ID_PATTERN.test(inv.taskId)) {
        throw invalidArgument(`x-fc-async-task-id '${inv.taskId}' must be 1-128 characters of letters, digits, '_' and '-', starting with a letter or '_'`);
      }
      if (inv.taskId?.startsWith(TIMER_TASK_ID_PREFIX)) {
        throw invalidArgument(`x-fc-async-task-id '${inv.taskId}' starts with '${TIMER_TASK_ID_PREFIX}', which is reserved for the tasks of timer triggers`);
      }
      const taskId = eff.isTask ? (inv.taskId ?? inv.requestId) : undefined;
      const [result] = await queue.enqueue([{
        eventId: inv.requestId, kind: 'invoke', accountId: inv.accountId, functionName: inv.functionName, qualifier,
        ...(taskId !== undefined && { taskId }),
        queueKey: queueKeyFor(inv.accountId, inv.functionName, eff), payload: inv.event, maxRetryAttempts: eff.maxRetryAttempts, maxEventAgeMs: eff.maxEventAgeMs,
        enqueuedAt: clock.now(), destinationDepth: 0,
      }]);
      if (result!.isNew) {
        events.emit('async:enqueued', { eventId: result!.eventId, accountId: inv.accountId, functionName: inv.functionName, ...(taskId !== undefined && { taskId }) });
        deps.onEnqueued();
      }
      return result!;
    },
  };
}

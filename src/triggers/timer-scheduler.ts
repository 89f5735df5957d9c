/**
 * @module triggers/timer-scheduler
 * Fires timer triggers. Each enabled timer has one Clock timer armed for its next schedule point;
 * when it falls due, the point becomes one async invocation with FC's timer event
 * `{triggerTime, triggerName, payload}` whose event id (and async task id) is
 * `timer-<triggerId>-<pointMs>`: the queue stores an id once, so a point never runs twice.
 *
 * Downtime policy: points missed while openfc was down (or stalled) are not replayed one by one.
 * At start, and whenever a timer wakes late, the NEWEST missed point fires once and the older ones
 * are logged (warn) and announced (`trigger:skipped`) as skipped. Each handled point moves the
 * trigger's watermark in the store, after its enqueue, so a crash in between re-offers the same
 * point, which the queue de-duplicates.
 */
import { PlatformError, coerceError } from '../errors/index.js';
import type { EventBus } from '../events/event-bus.js';
import { fcTime } from '../functions/index.js';
import { TIMER_TASK_ID_PREFIX, type AsyncInvoker } from '../invoke/index.js';
import type { Logger } from '../observability/logger.js';
import type { MetadataStore, TriggerRecord } from '../store/types.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { InvocationRoleCheck } from './invocation-role.js';
import { parseTimerConfig } from './trigger-config.js';
import type { TriggerChange } from './trigger-service.js';
import { nextPoint, parseTimerSchedule, pointsBetween, type TimerSchedule } from './timer-schedule.js';

/** The async event id (and task id) of one schedule point. */
export const timerEventId = (triggerId: string, pointMs: number): string => `${TIMER_TASK_ID_PREFIX}${triggerId}-${pointMs}`;

/** The longest single Clock wait; longer waits re-arm (timers cannot wait more than ~24.8 days). @default 1 day */
const MAX_WAIT_MS = 24 * 3600 * 1000;

export interface TimerScheduler {
  /** Loads every timer trigger and handles points missed while openfc was down. */
  start(): void;
  /** Follows a created, updated or deleted trigger. */
  onTriggerChange(change: TriggerChange): void;
  /** Drops the timers of a deleted function (its triggers went with it). */
  onFunctionDeleted(accountId: string, functionName: string): void;
  /** Number of armed timers (tests). */
  readonly armed: number;
  /** Stops arming and waits for fires in progress. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface Armed {
  readonly record: TriggerRecord;
  readonly schedule: TimerSchedule;
  readonly payload: string;
  /** `@every` points count from here: when the trigger was last created or updated. */
  readonly anchorMs: number;
  /** Newest point handled (or the anchor, before any). */
  lastPointMs: number;
  handle?: TimerHandle;
}

export function createTimerScheduler(deps: {
  store: MetadataStore;
  asyncInvoker: AsyncInvoker;
  checkRole: InvocationRoleCheck;
  clock: Clock;
  events: EventBus;
  logger: Logger;
}): TimerScheduler {
  const { store, asyncInvoker, checkRole, clock, events } = deps;
  const logger = deps.logger.child({ component: 'timer-triggers' });
  const armed = new Map<string, Armed>();
  const inFlight = new Set<Promise<void>>();
  let isClosed = false;

  const fieldsOf = (r: TriggerRecord) => ({ triggerId: r.triggerId, accountId: r.accountId, functionName: r.functionName, triggerName: r.triggerName });

  function disarm(triggerId: string): void {
    const a = armed.get(triggerId);
    if (!a) return;
    clock.clearTimeout(a.handle);
    armed.delete(triggerId);
  }

  function arm(record: TriggerRecord): void {
    disarm(record.triggerId);
    if (isClosed) return;
    let a: Armed;
    try {
      const config = parseTimerConfig(record.triggerConfig);
      if (!config.enable) return;
      const anchorMs = Date.parse(record.lastModifiedTime);
      a = { record, schedule: parseTimerSchedule(config.cronExpression), payload: config.payload, anchorMs, lastPointMs: Math.max(record.lastPointMs ?? anchorMs, anchorMs) };
    } catch (e: unknown) {
      logger.error('timer trigger has an unusable config; it will not fire', { ...fieldsOf(record), err: coerceError(e) });
      return;
    }
    armed.set(record.triggerId, a);
    wake(a);
  }

  /** Handles the points due by now (the newest fires, older ones are skipped), then waits for the next. */
  function wake(a: Armed): void {
    if (isClosed || armed.get(a.record.triggerId) !== a) return;
    const now = clock.now();
    const due = pointsBetween(a.schedule, a.lastPointMs, now, a.anchorMs);
    if (due.count > 0 && due.newestMs !== undefined) {
      if (due.count > 1) {
        const oldestMs = nextPoint(a.schedule, a.lastPointMs, a.anchorMs)!;
        const skippedCount = due.count - 1;
        logger.warn('timer trigger missed schedule points while openfc was down or stalled; only the newest fires', {
          ...fieldsOf(a.record), skippedCount: due.isCapped ? `${skippedCount}+` : skippedCount, oldestSkipped: fcTime(oldestMs), firing: fcTime(due.newestMs),
        });
        events.emit('trigger:skipped', { ...fieldsOf(a.record), skippedCount, oldestMs, newestMs: due.newestMs });
      }
      a.lastPointMs = due.newestMs;
      const p = fire(a.record, a.payload, due.newestMs).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    const next = nextPoint(a.schedule, a.lastPointMs, a.anchorMs);
    if (next === undefined) return;
    a.handle = clock.setTimeout(() => wake(a), Math.min(Math.max(0, next - now), MAX_WAIT_MS));
    a.handle.unref();
  }

  async function fire(record: TriggerRecord, payload: string, pointMs: number): Promise<void> {
    const eventId = timerEventId(record.triggerId, pointMs);
    try {
      checkRole(record);
      const event = Buffer.from(JSON.stringify({ triggerTime: fcTime(pointMs), triggerName: record.triggerName, payload }));
      const r = await asyncInvoker.invokeAsync({ accountId: record.accountId, functionName: record.functionName, qualifier: record.qualifier, requestId: eventId, event });
      logger.debug('timer trigger fired', { ...fieldsOf(record), point: fcTime(pointMs), eventId, isNew: r.isNew });
      events.emit('trigger:fired', { ...fieldsOf(record), pointMs, eventId, isNew: r.isNew });
    } catch (e: unknown) {
      const code = e instanceof PlatformError ? e.code : 'InternalServerError';
      logger.warn('timer trigger fire refused', { ...fieldsOf(record), point: fcTime(pointMs), code, err: coerceError(e) });
      events.emit('trigger:refused', { ...fieldsOf(record), pointMs, code, message: e instanceof Error ? e.message : String(e) });
    }
    try {
      store.setTriggerLastPoint(record.triggerId, pointMs);
    } catch (e: unknown) {
      logger.error('could not record a timer trigger point', { ...fieldsOf(record), err: coerceError(e) });
    }
  }

  const close = async () => {
    isClosed = true;
    for (const id of [...armed.keys()]) disarm(id);
    await Promise.allSettled([...inFlight]);
  };

  return {
    start() {
      for (const r of store.listTriggersByType('timer')) arm(r);
      logger.debug('timer triggers armed', { count: armed.size });
    },
    onTriggerChange(change) {
      if (!change.record) disarm(change.triggerId);
      else if (change.record.triggerType === 'timer') arm(change.record);
    },
    onFunctionDeleted(accountId, functionName) {
      for (const [id, a] of armed) if (a.record.accountId === accountId && a.record.functionName === functionName) disarm(id);
    },
    get armed() {
      return armed.size;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

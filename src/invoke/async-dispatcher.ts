/**
 * @module invoke/async-dispatcher
 * Runs stored async events: claims them from the Queue under a lease, invokes the function through
 * the scheduler (the same path as a sync invocation), and settles, retries or hands the result to
 * its destinations (invoke/async-retry-policy, invoke/async-destinations).
 *
 * Fairness: claims go round-robin over the queue keys that have ready events (one per account, or
 * per function with a dedicated queue). In each round every ready queue may take an equal share of
 * the free attempt slots, so an account that floods its queue gets one share like any other and
 * cannot delay another account's events by more than one round. A function's `maxAsyncConcurrency`
 * keeps its events waiting while that many of its attempts run (backpressure).
 *
 * Leases: a claim takes `asyncClaimLeaseMs`; a function whose timeout needs longer gets the lease
 * renewed to timeout + margin before it is invoked, so a lease always outlives its attempt.
 * Expired leases (a crashed or stalled dispatcher) are recovered on every poll.
 *
 * Qualifiers: an event keeps the qualifier it was invoked with, and each attempt resolves it again
 * (functions/qualifier-resolver). A version runs its frozen code on every attempt; an alias runs
 * the version it points at when the attempt starts, with a fresh weighted pick, as a sync
 * invocation at that moment would. A version or alias deleted meanwhile settles the event Invalid.
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/index.js';
import { coerceError, isPlatformError, PlatformError } from '../errors/index.js';
import type { EventBus } from '../events/event-bus.js';
import type { FunctionService, QualifierResolver } from '../functions/index.js';
import type { Logger } from '../observability/logger.js';
import type { Scheduler } from '../scheduler/index.js';
import type { ClaimedEvent, Queue, Settlement } from '../store/queue.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { AsyncConfigService } from './async-config.js';
import { destinationRecord, followUpsFor, MAX_RECORD_RESPONSE_BYTES, type DestinationCondition } from './async-destinations.js';
import { decideRetry, isExpired, type FailureCause } from './async-retry-policy.js';
import { deliverToUrl } from './http-destination.js';

export interface AsyncDispatcher {
  /** Starts polling (due retries, expired leases, events of other nodes). */
  start(): void;
  /** New events were enqueued: look for work now. */
  notify(): void;
  /** Ends the running attempt of this event on this node (StopAsyncTask); false if none runs here. */
  abort(eventId: string): boolean;
  /** Attempts running on this node. */
  readonly running: number;
  /** Stops claiming and waits (up to a grace period) for running attempts; the rest are left to their leases. */
  close(): Promise<void>;
}

export interface AsyncDispatcherDeps {
  queue: Queue;
  functions: FunctionService;
  /** Resolves each attempt's qualifier to the configuration and code it runs. */
  qualifiers: QualifierResolver;
  scheduler: Scheduler;
  asyncConfigs: Pick<AsyncConfigService, 'effective'>;
  clock: Clock;
  events: EventBus;
  logger: Logger;
  config: Pick<ResolvedConfig, 'asyncDispatchConcurrency' | 'asyncPollIntervalMs' | 'asyncClaimLeaseMs' | 'asyncLeaseMarginMs' | 'asyncBackoffBaseMs' | 'asyncBackoffCapMs' | 'asyncRetentionMs' | 'asyncHttpDestinationTimeoutMs'>;
}

/** Purge settled events once every this many polls. */
const PURGE_EVERY_POLLS = 60;
const SHUTDOWN_GRACE_MS = 5000;
const DEFAULT_TIMEOUT_S = 3;

interface Attempt {
  readonly accountFn: string;
  kill?: () => void;
  isStopRequested: boolean;
  readonly done: Promise<void>;
}

const errorMessageOf = (body: Buffer, errorType: string): string => {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return `${errorType}: ${parsed.errorMessage}`;
  } catch {
    /* not FC's error body */
  }
  return errorType;
};

export function createAsyncDispatcher(deps: AsyncDispatcherDeps): AsyncDispatcher {
  const { queue, functions, scheduler, asyncConfigs, clock, events, logger, config } = deps;
  // As before versions: an accepted event runs even if its runtime became invoke-blocked meanwhile.
  const { qualifiers } = deps;
  const owner = `dispatcher-${randomUUID()}`;
  const policy = { baseMs: config.asyncBackoffBaseMs, capMs: config.asyncBackoffCapMs };
  const attempts = new Map<string, Attempt>();
  const inFlightByFunction = new Map<string, number>();
  /** No more claims (closing). */
  let isClosed = false;
  /** Past the shutdown grace: attempts still running write nothing; their leases bring them back. */
  let isAbandoned = false;
  let isPumping = false;
  let isPumpAgain = false;
  let lastServedKey: string | undefined;
  let pollTimer: TimerHandle | undefined;
  let wakeTimer: { handle: TimerHandle; at: number } | undefined;
  let polls = 0;

  /** How many more attempts of a function may start now (its maxAsyncConcurrency less those running). */
  function remainingFor(accountId: string, functionName: string): number | undefined {
    let max: number | undefined;
    try {
      max = asyncConfigs.effective(accountId, functionName, null).maxConcurrency;
    } catch {
      return undefined;
    }
    return max === undefined ? undefined : max - (inFlightByFunction.get(`${accountId}/${functionName}`) ?? 0);
  }

  /** The ready keys, starting after the last one served, so no queue is favoured by order. */
  function rotate(keys: string[]): string[] {
    const i = lastServedKey === undefined ? -1 : keys.indexOf(lastServedKey);
    return i < 0 ? keys : [...keys.slice(i + 1), ...keys.slice(0, i + 1)];
  }

  async function pump(): Promise<void> {
    if (isPumping) {
      isPumpAgain = true;
      return;
    }
    isPumping = true;
    try {
      do {
        isPumpAgain = false;
        if (isClosed) return;
        let free = config.asyncDispatchConcurrency - attempts.size;
        if (free <= 0) return;
        const now = clock.now();
        let keys = rotate(await queue.readyQueueKeys(now));
        while (free > 0 && keys.length > 0 && !isClosed) {
          const share = Math.max(1, Math.floor(free / keys.length));
          const stillReady: string[] = [];
          for (const queueKey of keys) {
            if (free <= 0 || isClosed) break;
            const want = Math.min(share, free);
            const claimed = await queue.claim({ queueKey, owner, now, leaseUntil: now + config.asyncClaimLeaseMs, limit: want, remainingFor });
            for (const c of claimed) begin(c, now + config.asyncClaimLeaseMs);
            free -= claimed.length;
            if (claimed.length > 0) lastServedKey = queueKey;
            if (claimed.length === want) stillReady.push(queueKey);
          }
          keys = stillReady;
        }
      } while (isPumpAgain);
    } catch (e: unknown) {
      logger.error('the async dispatcher could not claim events', { err: coerceError(e) });
    } finally {
      isPumping = false;
    }
  }

  function begin(c: ClaimedEvent, leaseUntil: number): void {
    const ev = c.event;
    const accountFn = `${ev.accountId}/${ev.functionName}`;
    inFlightByFunction.set(accountFn, (inFlightByFunction.get(accountFn) ?? 0) + 1);
    const attempt: Attempt = {
      accountFn, isStopRequested: ev.isStopRequested,
      done: Promise.resolve()
        .then(() => run(c, attempt, leaseUntil))
        .catch((e: unknown) => logger.error('an async attempt failed inside openfc', { eventId: ev.eventId, err: coerceError(e) }))
        .finally(() => {
          attempts.delete(ev.eventId);
          const n = (inFlightByFunction.get(accountFn) ?? 1) - 1;
          if (n <= 0) inFlightByFunction.delete(accountFn);
          else inFlightByFunction.set(accountFn, n);
          void pump();
        }),
    };
    attempts.set(ev.eventId, attempt);
  }

  /** Wakes the dispatcher at `at` (a retry falls due), keeping only the earliest such wake-up. */
  function wakeAt(at: number): void {
    if (isClosed || (wakeTimer && wakeTimer.at <= at)) return;
    clock.clearTimeout(wakeTimer?.handle);
    wakeTimer = {
      at,
      handle: clock.setTimeout(() => {
        wakeTimer = undefined;
        void pump();
      }, at - clock.now()).unref(),
    };
  }

  async function settle(c: ClaimedEvent, s: Settlement): Promise<void> {
    if (isAbandoned) return;
    const ev = c.event;
    if (!(await queue.settle(ev.eventId, c.leaseToken, s))) {
      logger.warn('an async attempt ended after its lease was lost; the event runs again', { eventId: ev.eventId });
      return;
    }
    events.emit('async:settled', { eventId: ev.eventId, accountId: ev.accountId, functionName: ev.functionName, kind: ev.kind, status: s.status, attempts: ev.attempts, ...(ev.taskId !== undefined && { taskId: ev.taskId }) });
  }

  /** Settles an invoke event and sends its record to the matching destination, in one commit. */
  async function finish(c: ClaimedEvent, s: Omit<Settlement, 'followUps' | 'destinationStatus'>, condition: DestinationCondition, response?: { body: Buffer; functionError?: string }): Promise<void> {
    const ev = c.event;
    let destination;
    try {
      const eff = asyncConfigs.effective(ev.accountId, ev.functionName, ev.qualifier);
      destination = s.status === 'Succeeded' ? eff.onSuccess : s.status === 'Failed' || s.status === 'Expired' ? eff.onFailure : undefined;
    } catch {
      destination = undefined;
    }
    const record = destination
      ? destinationRecord({ event: ev, functionArn: functions.functionArn(ev.accountId, ev.functionName), at: s.at, condition, functionError: response?.functionError, responsePayload: response?.body })
      : Buffer.alloc(0);
    const { followUps, destinationStatus } = followUpsFor({ source: ev, destination, record, at: s.at, newEventId: randomUUID, asyncConfigs });
    await settle(c, { ...s, followUps, ...(destinationStatus && { destinationStatus }) });
    if (followUps.length) void pump();
  }

  async function fail(c: ClaimedEvent, cause: FailureCause, errorMessage: string, instanceId?: string, response?: { body: Buffer; functionError?: string }): Promise<void> {
    const ev = c.event;
    const now = clock.now();
    const verdict = decideRetry(ev, cause, now, policy);
    if (verdict.action === 'give-up') {
      if (ev.kind === 'http-destination') return settle(c, { status: 'Failed', at: now, errorMessage, sourceDestinationStatus: 'Failed' });
      return finish(c, { status: verdict.status, at: now, errorMessage, ...(instanceId && { instanceId }) }, verdict.condition, response);
    }
    if (isAbandoned) return;
    if (!(await queue.retry(ev.eventId, c.leaseToken, { at: now, visibleAt: verdict.visibleAt, cause, errorMessage, ...(instanceId && { instanceId }) }))) return;
    events.emit('async:retrying', { eventId: ev.eventId, accountId: ev.accountId, functionName: ev.functionName, cause, visibleAt: verdict.visibleAt, errorMessage });
    wakeAt(verdict.visibleAt);
  }

  async function run(c: ClaimedEvent, attempt: Attempt, leaseUntil: number): Promise<void> {
    const ev = c.event;
    const now = clock.now();
    if (attempt.isStopRequested) return settle(c, { status: 'Stopped', at: now, detail: 'stopped before the attempt' });
    if (isExpired(ev, now)) return ev.kind === 'http-destination'
      ? settle(c, { status: 'Failed', at: now, errorMessage: 'the destination was not reached before the event age ran out', sourceDestinationStatus: 'Failed' })
      : finish(c, { status: 'Expired', at: now, errorMessage: 'the event was older than maxAsyncEventAgeInSeconds' }, 'EventAgeExceeded');
    if (ev.kind === 'http-destination') {
      const result = await deliverToUrl(ev.targetUrl!, ev.payload, { requestId: ev.sourceEventId ?? ev.eventId, timeoutMs: config.asyncHttpDestinationTimeoutMs, clock });
      if (result.isDelivered) return settle(c, { status: 'Succeeded', at: clock.now(), sourceDestinationStatus: 'Succeeded' });
      return fail(c, 'system-error', result.error);
    }
    let fn;
    try {
      fn = qualifiers.resolve(ev.accountId, ev.functionName, ev.qualifier).fn;
    } catch (e: unknown) {
      if (isPlatformError(e, 'FunctionNotFound')) return settle(c, { status: 'Invalid', at: now, errorMessage: `function '${ev.functionName}' no longer exists` });
      if (e instanceof PlatformError && !e.isRetryable) return settle(c, { status: 'Invalid', at: now, errorMessage: `${e.code}: ${e.message}` });
      throw e;
    }
    const timeoutS = typeof fn.config.timeout === 'number' ? fn.config.timeout : DEFAULT_TIMEOUT_S;
    const needed = now + timeoutS * 1000 + config.asyncLeaseMarginMs;
    if (needed > leaseUntil && !(await queue.renew(ev.eventId, c.leaseToken, needed))) return;
    try {
      const outcome = await scheduler.invoke(fn, {
        requestId: ev.eventId, event: ev.payload, isLogTail: false,
        onClientGone: (kill) => {
          attempt.kill = kill;
        },
      });
      if (attempt.isStopRequested) return settle(c, { status: 'Stopped', at: clock.now(), instanceId: outcome.instanceId, detail: 'stopped during the attempt' });
      if (!outcome.errorType) {
        return finish(c, { status: 'Succeeded', at: clock.now(), instanceId: outcome.instanceId, returnPayload: outcome.body.subarray(0, MAX_RECORD_RESPONSE_BYTES) }, '', { body: outcome.body });
      }
      const message = errorMessageOf(outcome.body, outcome.errorType);
      return fail(c, 'function-error', message, outcome.instanceId, { body: outcome.body, functionError: outcome.errorType });
    } catch (e: unknown) {
      if (attempt.isStopRequested) return settle(c, { status: 'Stopped', at: clock.now(), detail: 'stopped during the attempt' });
      const err = coerceError(e);
      if (e instanceof PlatformError && !e.isRetryable) return settle(c, { status: 'Invalid', at: clock.now(), errorMessage: `${e.code}: ${e.message}` });
      const message = e instanceof PlatformError ? `${e.code}: ${e.message}` : 'InternalServerError';
      if (!(e instanceof PlatformError)) logger.error('an async attempt failed inside openfc', { eventId: ev.eventId, err });
      return fail(c, 'system-error', message);
    }
  }

  async function poll(): Promise<void> {
    pollTimer = undefined;
    if (isClosed) return;
    try {
      const now = clock.now();
      for (const eventId of await queue.recoverExpiredLeases(now)) events.emit('lease:expired', { eventId });
      if (++polls % PURGE_EVERY_POLLS === 0) await queue.purgeSettled(now - config.asyncRetentionMs);
    } catch (e: unknown) {
      logger.error('the async dispatcher could not recover leases', { err: coerceError(e) });
    }
    await pump();
    if (!isClosed) pollTimer = clock.setTimeout(() => void poll(), config.asyncPollIntervalMs).unref();
  }

  return {
    start() {
      if (!pollTimer && !isClosed) void poll();
    },
    notify() {
      void pump();
    },
    abort(eventId) {
      const attempt = attempts.get(eventId);
      if (!attempt) return false;
      attempt.isStopRequested = true;
      attempt.kill?.();
      return true;
    },
    get running() {
      return attempts.size;
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      clock.clearTimeout(pollTimer);
      clock.clearTimeout(wakeTimer?.handle);
      if (attempts.size === 0) return void (isAbandoned = true);
      let grace: TimerHandle | undefined;
      await Promise.race([
        Promise.all([...attempts.values()].map((a) => a.done)),
        new Promise<void>((resolve) => (grace = clock.setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())),
      ]);
      clock.clearTimeout(grace);
      isAbandoned = true;
    },
  };
}

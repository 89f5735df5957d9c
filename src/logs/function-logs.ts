/**
 * @module logs/function-logs
 * The function-log service: hands the scheduler one {@link InstanceLog} per instance, writes the
 * complete records to the {@link LogStore} in batches off the request path (one transaction per
 * `flushIntervalMs`, or on the next timer turn past {@link FLUSH_AT_CHARS}; never inside the
 * call that completed a record, so no invocation waits for the store), wakes long-poll readers when their
 * function got new records, and applies retention on the injected Clock.
 *
 * Memory is bounded: records wait at most one interval, held output never passes
 * {@link MAX_HELD_CHARS} (more is dropped and counted), and a writer that appends on another
 * thread holds at most as much again; a batch the store refuses is dropped and
 * counted, never retried forever; each record keeps at most MAX_RECORD_CHARS of output.
 */
import { coerceError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { createInstanceLog, type InstanceLog, type InstanceLogHandle, type InstanceLogRef } from './instance-log.js';
import { createInlineLogWriter, type LogWriter } from './log-writer.js';
import type { LogPage, LogQuery, LogStore, NewLogRecord, RetentionResult } from './types.js';

/** Held output past this many characters is written on the next timer turn instead of at the next interval. */
export const FLUSH_AT_CHARS = 4 * 1024 * 1024;
/** Held output never exceeds this: records beyond it (a store that cannot keep up) are dropped and counted. */
export const MAX_HELD_CHARS = 4 * FLUSH_AT_CHARS;

/** What the scheduler needs: a log per instance, and a close that writes what is held. */
export interface FunctionLogSink {
  /** The log of a new instance; feed it the instance's output and its results. */
  openInstance(ref: InstanceLogRef): InstanceLog;
  close(): Promise<void>;
}

export interface FunctionLogService extends FunctionLogSink {
  /** One function's records, oldest first (what is held is written first, so reads see every complete record). */
  query(q: LogQuery): LogPage;
  /**
   * Like {@link query}, but when nothing matches yet, waits up to `waitMs` for matching records to
   * be written and returns them as soon as they are. Resolves with an empty page at the deadline,
   * when `onGone` fires, or when the service closes.
   */
  follow(q: LogQuery, waitMs: number, onGone?: (fn: () => void) => void): Promise<LogPage>;
  /** Writes what is held now, and returns once it is stored. */
  flush(): void;
  /** One retention pass now (it also runs every `retentionIntervalMs`). */
  applyRetention(): RetentionResult;
  /** Records dropped because the store refused their batch or too much output was held. */
  readonly droppedRecords: number;
  /** Follow requests waiting for records now. */
  readonly followers: number;
  /** Shutdown begins: waiting follow requests answer now, later ones do not wait (so no long-poll holds a listener open). */
  endFollows(): void;
}

export interface FunctionLogServiceOptions {
  store: LogStore;
  /** How batches reach the store. @default appends inline, in the caller's thread */
  writer?: LogWriter;
  clock: Clock;
  logger: Logger;
  /** Complete records are written together at most this often. @default 25 */
  flushIntervalMs?: number;
  /** How long a record waits for its End marker or result before it is written anyway. @default 5000 */
  graceMs?: number;
  /** Records written longer ago than this are deleted. */
  retentionMaxAgeMs: number;
  /** An account's oldest records are deleted while its records total more than this. */
  retentionMaxBytesPerAccount: number;
  /** How often retention runs. */
  retentionIntervalMs: number;
}

interface Waiter {
  readonly key: string;
  readonly wake: () => void;
}

const keyOf = (accountId: string, functionName: string) => `${accountId}\u0000${functionName}`;

export function createFunctionLogService(opts: FunctionLogServiceOptions): FunctionLogService {
  const { store, clock, logger } = opts;
  const writer = opts.writer ?? createInlineLogWriter(store, logger);
  const flushIntervalMs = opts.flushIntervalMs ?? 25;
  const graceMs = opts.graceMs ?? 5000;
  let held: NewLogRecord[] = [];
  let heldChars = 0;
  let flushTimer: TimerHandle | undefined;
  let isFlushUrgent = false;
  let retentionTimer: TimerHandle | undefined;
  let droppedRecords = 0;
  let isClosed = false;
  let isFollowEnded = false;
  const withInstanceLines = new Set<InstanceLogHandle>();
  const instances = new Set<InstanceLogHandle>();
  const waiters = new Map<string, Set<Waiter>>();

  function hold(record: NewLogRecord): void {
    if (heldChars + record.message.length > MAX_HELD_CHARS) {
      droppedRecords++;
      return;
    }
    held.push(record);
    heldChars += record.message.length;
    armFlush(heldChars >= FLUSH_AT_CHARS);
  }

  function armFlush(isUrgent = false): void {
    if (isClosed || (flushTimer && !(isUrgent && !isFlushUrgent))) return;
    clock.clearTimeout(flushTimer);
    isFlushUrgent = isUrgent;
    flushTimer = clock.setTimeout(() => {
      flushTimer = undefined;
      flush();
    }, isUrgent ? 0 : flushIntervalMs);
    flushTimer.unref();
  }

  function flush(): void {
    clock.clearTimeout(flushTimer);
    flushTimer = undefined;
    for (const log of withInstanceLines) {
      const r = log.takeInstanceRecord();
      if (r) held.push(r);
    }
    withInstanceLines.clear();
    if (held.length === 0) return;
    const batch = held;
    held = [];
    heldChars = 0;
    writer.write(batch, clock.now());
    if (waiters.size === 0) return;
    const keys = new Set(batch.map((r) => keyOf(r.accountId, r.functionName)));
    for (const key of keys) {
      const set = waiters.get(key);
      if (!set) continue;
      waiters.delete(key);
      for (const w of set) w.wake();
    }
  }

  /** Everything complete is in the store: what is held is handed to the writer, and the writer has stored it. */
  function flushAndSync(): void {
    flush();
    writer.sync();
  }

  /** A read that sees every complete record. */
  function queryStored(q: LogQuery): LogPage {
    flushAndSync();
    return store.query(q);
  }

  function runRetention(): RetentionResult {
    const result = store.applyRetention({ writtenBeforeMs: clock.now() - opts.retentionMaxAgeMs, maxBytesPerAccount: opts.retentionMaxBytesPerAccount });
    if (result.deletedRecords > 0) logger.debug('function log retention', { ...result });
    return result;
  }

  function armRetention(): void {
    retentionTimer = clock.setTimeout(() => {
      try {
        flushAndSync();
        runRetention();
      } catch (e: unknown) {
        logger.error('function log retention failed', { err: coerceError(e) });
      }
      if (!isClosed) armRetention();
    }, opts.retentionIntervalMs);
    retentionTimer.unref();
  }
  armRetention();

  /** Resolves when `key` gets records, at `deadlineMs`, when the client goes away or the service closes. */
  function waitForRecords(key: string, deadlineMs: number, expose: (wake: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: TimerHandle | undefined;
      const waiter: Waiter = {
        key,
        wake: () => {
          clock.clearTimeout(timer);
          waiters.get(key)?.delete(waiter);
          if (waiters.get(key)?.size === 0) waiters.delete(key);
          resolve();
        },
      };
      let set = waiters.get(key);
      if (!set) waiters.set(key, (set = new Set()));
      set.add(waiter);
      timer = clock.setTimeout(waiter.wake, Math.max(0, deadlineMs - clock.now()));
      expose(waiter.wake);
    });
  }

  function assertOpen(): void {
    if (isClosed) throw new Error('the function log service is closed');
  }

  return {
    openInstance(ref) {
      const log = createInstanceLog(ref, {
        clock, graceMs,
        emit: hold,
        onInstanceLines: (l) => {
          withInstanceLines.add(l);
          armFlush();
        },
      });
      instances.add(log);
      return {
        output: (chunk) => log.output(chunk),
        settle: (requestId, error, kind, run) => log.settle(requestId, error, kind, run),
        close: () => {
          log.close();
          // Records still open close after the grace period; until then shutdown must see them.
          if (log.pendingCount === 0) instances.delete(log);
          else clock.setTimeout(() => instances.delete(log), graceMs + 1).unref();
        },
      };
    },
    query(q) {
      assertOpen();
      return queryStored(q);
    },
    async follow(q, waitMs, onGone) {
      assertOpen();
      const deadline = clock.now() + waitMs;
      let isGone = false;
      let wakeCurrent: (() => void) | undefined;
      onGone?.(() => {
        isGone = true;
        wakeCurrent?.();
      });
      for (;;) {
        const page = queryStored(q);
        if (page.records.length > 0 || isClosed || isFollowEnded || isGone || clock.now() >= deadline) return page;
        await waitForRecords(keyOf(q.accountId, q.functionName), deadline, (wake) => (wakeCurrent = wake));
        if (isClosed) return { records: [], hasMore: false };
        if (isFollowEnded) return queryStored(q);
      }
    },
    flush: flushAndSync,
    applyRetention() {
      assertOpen();
      flushAndSync();
      return runRetention();
    },
    get droppedRecords() {
      return droppedRecords + writer.droppedRecords;
    },
    endFollows() {
      isFollowEnded = true;
      for (const set of [...waiters.values()]) for (const w of [...set]) w.wake();
    },
    get followers() {
      let n = 0;
      for (const set of waiters.values()) n += set.size;
      return n;
    },
    async close() {
      if (isClosed) return;
      for (const log of instances) log.closeAll();
      instances.clear();
      flush();
      isClosed = true;
      clock.clearTimeout(flushTimer);
      clock.clearTimeout(retentionTimer);
      for (const set of [...waiters.values()]) for (const w of [...set]) w.wake();
      await writer.close();
      store.close();
    },
  };
}

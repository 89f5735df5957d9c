/**
 * @module store/sqlite/sqlite-log-writer
 * A {@link LogWriter} that appends function-log batches to the SQLite log database on a worker
 * thread of its own, so the inserts (one transaction per batch) cost the main thread, which
 * serves every invocation, only the hand-over of the batch. `sync` blocks on a shared counter of
 * stored batches (readers are rare: the logs API, retention, shutdown).
 *
 * Memory is bounded: batches handed over and not yet stored hold at most MAX_HELD_CHARS of output;
 * past that, new batches are dropped and counted. If the worker cannot start or dies, the batches
 * it had not stored are appended inline (at least once: one it stored just before dying may be
 * stored twice), and so is everything after.
 */
import type { Worker } from 'node:worker_threads';
import { coerceError } from '../../errors/index.js';
import { createInlineLogWriter, MAX_HELD_CHARS, type LogStore, type LogWriter, type NewLogRecord } from '../../logs/index.js';
import type { Logger } from '../../observability/logger.js';
import { startTsWorker } from '../../threads/ts-worker.js';

const WORKER_ENTRY = new URL('./sqlite-log-writer-worker.ts', import.meta.url);
/** Slots of the shared counters: the id of the last batch the worker finished, records it dropped, and 1 once it is exiting. */
export const DONE_SLOT = 0;
export const DROPPED_SLOT = 1;
export const EXITING_SLOT = 2;
/** How long one `sync` waits for a live worker before it returns without it (reads may then miss the newest records). */
const SYNC_TIMEOUT_MS = 10_000;

export interface LogWriterJob {
  readonly id: number;
  readonly records: readonly NewLogRecord[];
  readonly writtenTimeMs: number;
}

interface Unconfirmed {
  readonly job: LogWriterJob;
  readonly chars: number;
}

const charsOf = (records: readonly NewLogRecord[]) => records.reduce((n, r) => n + r.message.length, 0);

/**
 * `store` is the main thread's connection to the same file: the fallback when the worker is gone.
 * `workerEntry` replaces the worker module and `syncTimeoutMs` the wait of one sync (tests).
 */
export function createThreadedSqliteLogWriter(opts: { file: string; store: LogStore; logger: Logger; workerEntry?: URL; syncTimeoutMs?: number }): LogWriter {
  // 64-bit counters: batch ids never wrap.
  const shared = new BigInt64Array(new SharedArrayBuffer(3 * 8));
  const inline = createInlineLogWriter(opts.store, opts.logger);
  let worker: Worker | undefined = startTsWorker(opts.workerEntry ?? WORKER_ENTRY, 'openfc-log-writer', { file: opts.file, shared: shared.buffer });
  let lastId = 0;
  /** Batches posted and not yet confirmed, oldest first. */
  const unconfirmed = new Map<number, Unconfirmed>();
  let unconfirmedChars = 0;
  let overflowRecords = 0;

  const confirmed = () => Number(Atomics.load(shared, DONE_SLOT));
  const forgetConfirmed = () => {
    const done = confirmed();
    for (const [id, u] of unconfirmed) {
      if (id > done) break;
      unconfirmed.delete(id);
      unconfirmedChars -= u.chars;
    }
  };
  /** The worker is gone: what it had not stored is appended here, as is everything after. */
  const abandon = (reason: unknown) => {
    if (!worker) return;
    const w = worker;
    worker = undefined;
    forgetConfirmed();
    opts.logger.error('the function-log writer thread stopped; appending inline', { err: coerceError(reason), batches: unconfirmed.size });
    void w.terminate().then(() => {
      for (const u of unconfirmed.values()) inline.write(u.job.records, u.job.writtenTimeMs);
      unconfirmed.clear();
      unconfirmedChars = 0;
    });
  };
  worker.unref();
  worker.on('message', (m: { refusedRecords: number; message: string }) => {
    opts.logger.error('function log records dropped: the log store refused a batch', { records: m.refusedRecords, err: m.message });
  });
  worker.on('error', abandon);
  worker.on('exit', (code) => abandon(new Error(`exited with code ${code}`)));

  return {
    write(records, writtenTimeMs) {
      if (!worker) return inline.write(records, writtenTimeMs);
      forgetConfirmed();
      const chars = charsOf(records);
      if (unconfirmedChars + chars > MAX_HELD_CHARS) {
        overflowRecords += records.length;
        opts.logger.warn('function log records dropped: the log store is not keeping up', { records: records.length, waitingChars: unconfirmedChars });
        return;
      }
      const job: LogWriterJob = { id: ++lastId, records, writtenTimeMs };
      unconfirmed.set(job.id, { job, chars });
      unconfirmedChars += chars;
      worker.postMessage(job);
    },
    sync() {
      const deadline = Date.now() + (opts.syncTimeoutMs ?? SYNC_TIMEOUT_MS);
      for (let done = confirmed(); worker && done < lastId; done = confirmed()) {
        if (Atomics.load(shared, EXITING_SLOT) === 1n) return abandon(new Error('the writer thread is exiting'));
        if (Date.now() > deadline) {
          opts.logger.warn('function log writer: batches not stored yet; reading without them', { waitingBatches: lastId - done });
          return;
        }
        Atomics.wait(shared, DONE_SLOT, BigInt(done), 50);
      }
      forgetConfirmed();
    },
    get droppedRecords() {
      return inline.droppedRecords + Number(Atomics.load(shared, DROPPED_SLOT)) + overflowRecords;
    },
    async close() {
      this.sync();
      const w = worker;
      worker = undefined;
      if (w) {
        w.removeAllListeners('exit');
        w.on('error', () => {});
        await w.terminate();
      }
    },
  };
}

/**
 * @module store/sqlite/sqlite-log-writer
 * A {@link LogWriter} that appends function-log batches to the SQLite log database on a worker
 * thread of its own, so the inserts (one transaction per batch) cost the main thread, which
 * serves every invocation, only the hand-over of the batch. `sync` blocks on a shared counter of
 * stored batches (readers are rare: the logs API, retention, shutdown). If the worker cannot start
 * or dies, its unfinished batches are counted as dropped and later ones are appended inline.
 */
import type { Worker } from 'node:worker_threads';
import { coerceError } from '../../errors/index.js';
import { createInlineLogWriter, type LogStore, type LogWriter } from '../../logs/index.js';
import type { Logger } from '../../observability/logger.js';
import { startTsWorker } from '../../threads/ts-worker.js';

const WORKER_ENTRY = new URL('./sqlite-log-writer-worker.ts', import.meta.url);
/** Slots of the shared counters: the id of the last batch the worker finished, records it dropped, and 1 once it is exiting. */
export const DONE_SLOT = 0;
export const DROPPED_SLOT = 1;
export const EXITING_SLOT = 2;
/** How long `sync` waits for the worker before it gives up on it. */
const SYNC_TIMEOUT_MS = 10_000;

export interface LogWriterJob {
  readonly id: number;
  readonly records: unknown[];
  readonly writtenTimeMs: number;
}

/** `store` is the main thread's connection to the same file: the fallback when the worker is gone. */
/** `workerEntry` replaces the worker module (tests use one that dies). */
export function createThreadedSqliteLogWriter(opts: { file: string; store: LogStore; logger: Logger; workerEntry?: URL }): LogWriter {
  const shared = new Int32Array(new SharedArrayBuffer(12));
  const inline = createInlineLogWriter(opts.store, opts.logger);
  let worker: Worker | undefined = startTsWorker(opts.workerEntry ?? WORKER_ENTRY, 'openfc-log-writer', { file: opts.file, shared: shared.buffer });
  let lastId = 0;
  /** Record counts of batches posted and not yet confirmed, by id. */
  const unconfirmed = new Map<number, number>();
  let lostRecords = 0;

  const confirmed = () => Atomics.load(shared, DONE_SLOT);
  const forgetConfirmed = () => {
    const done = confirmed();
    for (const id of unconfirmed.keys()) if (id <= done) unconfirmed.delete(id);
  };
  const abandon = (reason: unknown) => {
    if (!worker) return;
    const w = worker;
    worker = undefined;
    forgetConfirmed();
    for (const n of unconfirmed.values()) lostRecords += n;
    unconfirmed.clear();
    opts.logger.error('the function-log writer thread stopped; appending inline', { err: coerceError(reason) });
    void w.terminate();
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
      const job: LogWriterJob = { id: ++lastId, records, writtenTimeMs };
      unconfirmed.set(job.id, records.length);
      if (unconfirmed.size > 64) forgetConfirmed();
      worker.postMessage(job);
    },
    sync() {
      const deadline = Date.now() + SYNC_TIMEOUT_MS;
      for (let done = confirmed(); worker && done < lastId; done = confirmed()) {
        if (Atomics.load(shared, EXITING_SLOT) === 1) return abandon(new Error('the writer thread is exiting'));
        if (Date.now() > deadline) return abandon(new Error(`no batch stored for ${SYNC_TIMEOUT_MS} ms`));
        Atomics.wait(shared, DONE_SLOT, done, 50);
      }
      forgetConfirmed();
    },
    get droppedRecords() {
      return inline.droppedRecords + Atomics.load(shared, DROPPED_SLOT) + lostRecords;
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

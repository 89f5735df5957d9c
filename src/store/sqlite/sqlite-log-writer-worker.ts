/**
 * @module store/sqlite/sqlite-log-writer-worker
 * The worker-thread side of {@link module:store/sqlite/sqlite-log-writer}: its own connection to
 * the log database; appends each batch in one transaction, then publishes the batch id (and the
 * records of a refused batch) in the shared counters and wakes a waiting `sync`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { NewLogRecord } from '../../logs/index.js';
import { createSqliteLogStore } from './sqlite-log-store.js';
import { DONE_SLOT, DROPPED_SLOT, EXITING_SLOT, type LogWriterJob } from './sqlite-log-writer.js';

const { file, shared: buffer } = workerData as { file: string; shared: SharedArrayBuffer };
const shared = new Int32Array(buffer);
const store = createSqliteLogStore(file);
// A `sync` blocked on the main thread cannot see the exit event: it sees this flag.
process.on('exit', () => {
  Atomics.store(shared, EXITING_SLOT, 1);
  Atomics.notify(shared, DONE_SLOT);
});

parentPort!.on('message', (job: LogWriterJob) => {
  try {
    store.append(job.records as NewLogRecord[], job.writtenTimeMs);
  } catch (e: unknown) {
    Atomics.add(shared, DROPPED_SLOT, job.records.length);
    parentPort!.postMessage({ refusedRecords: job.records.length, message: e instanceof Error ? e.message : String(e) });
  }
  Atomics.store(shared, DONE_SLOT, job.id);
  Atomics.notify(shared, DONE_SLOT);
});

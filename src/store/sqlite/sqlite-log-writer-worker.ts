/**
 * @module store/sqlite/sqlite-log-writer-worker
 * The worker-thread side of {@link module:store/sqlite/sqlite-log-writer}: its own connection to
 * the log database; appends each batch in one transaction, then publishes the batch id (and the
 * records of a refused batch) in the shared counters and wakes a waiting `sync`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DONE_SLOT, DROPPED_SLOT, EXITING_SLOT, type LogWriterJob } from './sqlite-log-writer.js';

const { file, shared: buffer } = workerData as { file: string; shared: SharedArrayBuffer };
const shared = new BigInt64Array(buffer);
// A `sync` blocked on the main thread cannot see the exit event: it sees this flag. Set first, so
// a failure to open the store is seen too.
const exiting = () => {
  Atomics.store(shared, EXITING_SLOT, 1n);
  Atomics.notify(shared, DONE_SLOT);
};
process.on('exit', exiting);

let store: ReturnType<typeof import('./sqlite-log-store.js').createSqliteLogStore>;
try {
  store = (await import('./sqlite-log-store.js')).createSqliteLogStore(file);
} catch (e: unknown) {
  exiting();
  throw e;
}

parentPort!.on('message', (job: LogWriterJob) => {
  try {
    store.append(job.records, job.writtenTimeMs);
  } catch (e: unknown) {
    Atomics.add(shared, DROPPED_SLOT, BigInt(job.records.length));
    parentPort!.postMessage({ refusedRecords: job.records.length, message: e instanceof Error ? e.message : String(e) });
  }
  Atomics.store(shared, DONE_SLOT, BigInt(job.id));
  Atomics.notify(shared, DONE_SLOT);
});

/**
 * @module logs/log-writer
 * How complete log records reach the {@link LogStore}: `write` hands a batch on and returns at
 * once, `sync` returns when everything handed on so far is in the store (reads call it first, so
 * they see every complete record). The inline writer appends in the caller's thread; a backend may
 * append on a thread of its own (store/sqlite/sqlite-log-writer), which takes the inserts off the
 * main thread that serves every invocation.
 */
import { coerceError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { LogStore, NewLogRecord } from './types.js';

export interface LogWriter {
  /** Queues the batch for the store (in order with earlier batches); a refused batch is dropped and counted. */
  write(records: readonly NewLogRecord[], writtenTimeMs: number): void;
  /** Returns once every batch written so far is stored (or dropped). */
  sync(): void;
  /** Records of batches the store refused. */
  readonly droppedRecords: number;
  /** Stores what is queued, then releases the writer (not the store). */
  close(): Promise<void>;
}

/** Appends in the calling thread, one transaction per batch. */
export function createInlineLogWriter(store: LogStore, logger: Logger): LogWriter {
  let droppedRecords = 0;
  return {
    write(records, writtenTimeMs) {
      try {
        store.append(records, writtenTimeMs);
      } catch (e: unknown) {
        droppedRecords += records.length;
        logger.error('function log records dropped: the log store refused a batch', { records: records.length, err: coerceError(e) });
      }
    },
    sync() {},
    get droppedRecords() {
      return droppedRecords;
    },
    async close() {},
  };
}

/**
 * @module logs/types
 * Function logs: what instances print, stored as data per invocation, and the {@link LogStore}
 * interface every backend implements.
 *
 * Glossary:
 * - **log record**: one stored unit of function output. An invocation's output (between FC's
 *   `FC Invoke Start/End RequestId: <id>` markers, markers included) is ONE record; a hook run
 *   (initializer, preStop, preFreeze) is one record; output printed outside any invocation or hook
 *   (instance start, stray lines) is stored in instance records, a few lines each.
 * - **record kind**: `invocation`, `initializer`, `preStop`, `preFreeze` or `instance` (see above).
 * - **attribution**: deciding which record a line belongs to: FC's markers open and close a
 *   request's record; a line prefixed `<ISO time> <requestId> [<level>]` belongs to that request;
 *   an unprefixed line belongs to the one request open on its instance, or to the instance when
 *   none or several are open.
 * - **seq**: the position of a record in the store, increasing in write order; cursors
 *   (`nextToken`) are built from it.
 * - **function error**: FC's classification of a failed invocation (`HandledInvocationError`,
 *   `UnhandledInvocationError`); the **error type** is the error's own name (`TypeError`,
 *   `FunctionTimeoutError`), kept with its message and stack.
 * - **retention**: records older than `logRetentionMaxAgeMs` are deleted, and the oldest of an
 *   account's records while its total exceeds `logRetentionMaxBytesPerAccount`.
 */

/** What a log record holds the output of. */
export const LOG_RECORD_KINDS = ['invocation', 'initializer', 'preStop', 'preFreeze', 'instance'] as const;
export type LogRecordKind = (typeof LOG_RECORD_KINDS)[number];

/** A record as the writer hands it to the store. */
export interface NewLogRecord {
  readonly accountId: string;
  readonly functionName: string;
  /** The qualifier the instance runs (`LATEST` until versions exist). */
  readonly qualifier: string;
  /** The published version, when the instance runs one. */
  readonly versionId?: string;
  /** The function revision the instance runs. */
  readonly revision: number;
  readonly kind: LogRecordKind;
  /** The invocation's or hook run's request id; absent for instance records. */
  readonly requestId?: string;
  readonly instanceId: string;
  /** When the first line of the record arrived (ms since the epoch). */
  readonly startTimeMs: number;
  /** When the last line arrived or the record was closed. */
  readonly endTimeMs: number;
  /** The output, lines ending in `\n`. */
  readonly message: string;
  /** FC's function error class, for a failed invocation or hook. */
  readonly functionError?: string;
  /** The error's own type, message and stack (from the runtime's error result). */
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly errorStack?: string;
}

/** A stored record. */
export interface LogRecord extends NewLogRecord {
  readonly seq: number;
  /** When the store accepted the record (its clock). Retention by age reads this. */
  readonly writtenTimeMs: number;
  /** Bytes the record counts against its account (UTF-8 length of `message` and error fields). */
  readonly bytes: number;
}

/** A read of one function's records, oldest first. */
export interface LogQuery {
  readonly accountId: string;
  readonly functionName: string;
  readonly requestId?: string;
  readonly instanceId?: string;
  /** Records that ended at or after this time. */
  readonly sinceMs?: number;
  /** Records that started at or before this time. */
  readonly untilMs?: number;
  /** Only records after this seq (a cursor). */
  readonly afterSeq?: number;
  readonly limit: number;
}

export interface LogPage {
  readonly records: readonly LogRecord[];
  /** Whether more records matched beyond `limit`. */
  readonly hasMore: boolean;
}

/** What one retention pass removed. */
export interface RetentionResult {
  readonly deletedRecords: number;
  readonly deletedBytes: number;
}

export interface RetentionPolicy {
  /** Records written before this time are deleted. */
  readonly writtenBeforeMs: number;
  /** An account's oldest records are deleted until its records total at most this. */
  readonly maxBytesPerAccount: number;
}

/**
 * Where function logs are kept. Appends come in batches from one writer (never per line, never on
 * the request path); reads are per function, oldest first, with a seq cursor. The interface leaks
 * no SQL, client or transaction type. Every backend passes `log-store.contract.ts`.
 */
export interface LogStore {
  /** Stores the records in order, in one write; returns the seq of the last one (or the current last seq when empty). */
  append(records: readonly NewLogRecord[], writtenTimeMs: number): number;
  query(q: LogQuery): LogPage;
  /** The seq of the newest record, 0 when there is none. */
  lastSeq(): number;
  /** The bytes one account's records count, for retention and tests. */
  accountBytes(accountId: string): number;
  applyRetention(policy: RetentionPolicy): RetentionResult;
  close(): void;
}

/** @module logs — function logs: attribution of instance output, the LogStore interface, batching, retention and follow. */
export type { LogPage, LogQuery, LogRecord, LogRecordKind, LogStore, NewLogRecord, RetentionPolicy, RetentionResult } from './types.js';
export { LOG_RECORD_KINDS } from './types.js';
export { CLOSE_GRACE_MS, createInstanceLog, MAX_LINE_CHARS, MAX_RECORD_CHARS, type InstanceLog, type InstanceLogRef, type SettledError } from './instance-log.js';
export { createFunctionLogService, FLUSH_AT_CHARS, MAX_HELD_CHARS, type FunctionLogService, type FunctionLogServiceOptions, type FunctionLogSink } from './function-logs.js';
export { createInlineLogWriter, type LogWriter } from './log-writer.js';

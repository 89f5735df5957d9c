/**
 * @module store/sqlite/sqlite-log-store
 * The embedded LogStore: its own SQLite file (`<data-dir>/logs.db`, WAL, `synchronous = NORMAL`:
 * a crash of openfc loses nothing committed, a power cut may lose the last batches). Each append
 * is one transaction for a whole batch, and keeps per-account byte totals beside the records so
 * retention by size never sums the table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { LogPage, LogQuery, LogRecord, LogRecordKind, LogStore, NewLogRecord, RetentionPolicy, RetentionResult } from '../../logs/types.js';
import { loadMigrations, migrate } from './migrate.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'log-migrations');
/** Rows deleted per statement in a retention pass, so one pass never holds the writer for long. */
const DELETE_CHUNK = 5000;

interface Row {
  seq: number;
  account_id: string;
  function_name: string;
  qualifier: string;
  version_id: string | null;
  revision: number;
  kind: LogRecordKind;
  request_id: string | null;
  instance_id: string;
  start_time_ms: number;
  end_time_ms: number;
  written_time_ms: number;
  message: string;
  function_error: string | null;
  error_type: string | null;
  error_message: string | null;
  error_stack: string | null;
  bytes: number;
}

function toRecord(r: Row): LogRecord {
  return {
    seq: r.seq, accountId: r.account_id, functionName: r.function_name, qualifier: r.qualifier, ...(r.version_id !== null && { versionId: r.version_id }),
    revision: r.revision, kind: r.kind, ...(r.request_id !== null && { requestId: r.request_id }), instanceId: r.instance_id,
    startTimeMs: r.start_time_ms, endTimeMs: r.end_time_ms, writtenTimeMs: r.written_time_ms, message: r.message,
    ...(r.function_error !== null && { functionError: r.function_error }), ...(r.error_type !== null && { errorType: r.error_type }),
    ...(r.error_message !== null && { errorMessage: r.error_message }), ...(r.error_stack !== null && { errorStack: r.error_stack }), bytes: r.bytes,
  };
}

/** What a record counts against its account. */
export function recordBytes(r: NewLogRecord): number {
  return Buffer.byteLength(r.message) + (r.errorMessage ? Buffer.byteLength(r.errorMessage) : 0) + (r.errorStack ? Buffer.byteLength(r.errorStack) : 0);
}

/** Opens (creating and migrating) the log database at `file`. */
export function createSqliteLogStore(file: string): LogStore {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  fs.chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db, loadMigrations(MIGRATIONS_DIR));

  const insert = db.prepare(
    `INSERT INTO log_records (account_id, function_name, qualifier, version_id, revision, kind, request_id, instance_id, start_time_ms, end_time_ms, written_time_ms,
       message, function_error, error_type, error_message, error_stack, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const addBytes = db.prepare('INSERT INTO log_account_bytes (account_id, bytes) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET bytes = bytes + excluded.bytes');
  const lastSeqStmt = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM log_records').pluck();
  const accountBytesStmt = db.prepare('SELECT bytes FROM log_account_bytes WHERE account_id = ?').pluck();
  const accountsOver = db.prepare('SELECT account_id, bytes FROM log_account_bytes WHERE bytes > ?');
  const oldestOfAccount = db.prepare('SELECT seq, bytes FROM log_records WHERE account_id = ? ORDER BY seq LIMIT ?');
  const firstKeptByAge = db.prepare('SELECT seq FROM log_records WHERE written_time_ms >= ? ORDER BY seq LIMIT 1').pluck();
  const oldestByAge = db.prepare('SELECT seq, account_id, bytes FROM log_records WHERE seq < ? ORDER BY seq LIMIT ?');
  const deleteRange = db.prepare('DELETE FROM log_records WHERE seq >= ? AND seq <= ?');
  const deleteAccountRange = db.prepare('DELETE FROM log_records WHERE account_id = ? AND seq >= ? AND seq <= ?');
  let isClosed = false;

  const appendTx = db.transaction((records: readonly NewLogRecord[], writtenTimeMs: number): number => {
    const perAccount = new Map<string, number>();
    let last = 0;
    for (const r of records) {
      const bytes = recordBytes(r);
      perAccount.set(r.accountId, (perAccount.get(r.accountId) ?? 0) + bytes);
      last = Number(
        insert.run(
          r.accountId, r.functionName, r.qualifier, r.versionId ?? null, r.revision, r.kind, r.requestId ?? null, r.instanceId, r.startTimeMs, r.endTimeMs, writtenTimeMs,
          r.message, r.functionError ?? null, r.errorType ?? null, r.errorMessage ?? null, r.errorStack ?? null, bytes,
        ).lastInsertRowid,
      );
    }
    for (const [accountId, bytes] of perAccount) addBytes.run(accountId, bytes);
    return last;
  });

  /** Deletes rows whose (seq, account, bytes) are given, keeping the per-account totals right. */
  function forget(rows: readonly { seq: number; account_id: string; bytes: number }[], result: { deletedRecords: number; deletedBytes: number }): void {
    const perAccount = new Map<string, number>();
    for (const r of rows) perAccount.set(r.account_id, (perAccount.get(r.account_id) ?? 0) + r.bytes);
    for (const [accountId, bytes] of perAccount) {
      addBytes.run(accountId, -bytes);
      result.deletedBytes += bytes;
    }
    result.deletedRecords += rows.length;
  }

  const retentionTx = db.transaction((policy: RetentionPolicy): RetentionResult => {
    const result = { deletedRecords: 0, deletedBytes: 0 };
    // By age: seq order is write order, so everything before the first record young enough goes.
    const firstKept = (firstKeptByAge.get(policy.writtenBeforeMs) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = oldestByAge.all(firstKept, DELETE_CHUNK) as { seq: number; account_id: string; bytes: number }[];
      if (rows.length === 0) break;
      deleteRange.run(rows[0]!.seq, rows.at(-1)!.seq);
      forget(rows, result);
    }
    // By size: an account over its budget loses its oldest records until it fits.
    for (const { account_id: accountId, bytes: total } of accountsOver.all(policy.maxBytesPerAccount) as { account_id: string; bytes: number }[]) {
      let excess = total - policy.maxBytesPerAccount;
      while (excess > 0) {
        const rows = oldestOfAccount.all(accountId, DELETE_CHUNK) as { seq: number; bytes: number }[];
        if (rows.length === 0) break;
        const doomed: { seq: number; account_id: string; bytes: number }[] = [];
        for (const r of rows) {
          if (excess <= 0) break;
          doomed.push({ seq: r.seq, account_id: accountId, bytes: r.bytes });
          excess -= r.bytes;
        }
        deleteAccountRange.run(accountId, doomed[0]!.seq, doomed.at(-1)!.seq);
        forget(doomed, result);
      }
    }
    return result;
  });

  function assertOpen(): void {
    if (isClosed) throw new Error('the log store is closed');
  }

  return {
    append(records, writtenTimeMs) {
      assertOpen();
      if (records.length === 0) return lastSeqStmt.get() as number;
      return appendTx(records, writtenTimeMs);
    },
    query(q) {
      assertOpen();
      const where = ['account_id = ?', 'function_name = ?'];
      const args: (string | number)[] = [q.accountId, q.functionName];
      if (q.requestId !== undefined) (where.push('request_id = ?'), args.push(q.requestId));
      if (q.instanceId !== undefined) (where.push('instance_id = ?'), args.push(q.instanceId));
      if (q.sinceMs !== undefined) (where.push('end_time_ms >= ?'), args.push(q.sinceMs));
      if (q.untilMs !== undefined) (where.push('start_time_ms <= ?'), args.push(q.untilMs));
      if (q.afterSeq !== undefined) (where.push('seq > ?'), args.push(q.afterSeq));
      const rows = db.prepare(`SELECT * FROM log_records WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...args, q.limit + 1) as Row[];
      const page: LogPage = { records: rows.slice(0, q.limit).map(toRecord), hasMore: rows.length > q.limit };
      return page;
    },
    lastSeq() {
      assertOpen();
      return lastSeqStmt.get() as number;
    },
    accountBytes(accountId) {
      assertOpen();
      return (accountBytesStmt.get(accountId) as number | undefined) ?? 0;
    },
    applyRetention(policy) {
      assertOpen();
      return retentionTx(policy);
    },
    close() {
      if (isClosed) return;
      isClosed = true;
      db.close();
    },
  };
}

// The floor of the async benchmark: raw better-sqlite3 inserts of the queue's own rows (its schema,
// indexes and INSERT, a row copied from the server's queue.db) with the queue's durability (WAL,
// synchronous = FULL), `batch` rows per transaction, in this process, for a fixed window.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ROOT } from '../lib/serve.js';

const MIGRATION = path.join(ROOT, 'src/store/sqlite/queue-migrations/001-async-events.sql');

/** The columns an enqueue writes, as stored by openfc (`SELECT * FROM async_events`). */
export interface SampleRow {
  event_id: string; kind: string; account_id: string; function_name: string; qualifier: string; task_id: string | null; queue_key: string;
  payload: Buffer; max_retry_attempts: number; max_event_age_ms: number; enqueued_at: number; destination_depth: number;
  source_event_id: string | null; target_url: string | null; history: string;
}

export interface FloorResult {
  readonly batch: number;
  readonly rows: number;
  readonly transactions: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** The same statement as store/sqlite/sqlite-queue.ts `insert` (positional here). */
const INSERT = `INSERT INTO async_events (event_id, kind, account_id, function_name, qualifier, task_id, queue_key, payload, max_retry_attempts, max_event_age_ms,
  enqueued_at, destination_depth, source_event_id, target_url, status, is_ready, visible_at, history)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Enqueued', 1, ?, ?) ON CONFLICT DO NOTHING`;

/** Inserts `batch` rows per transaction (plus the queue's counter bump) for `seconds`, in a fresh database file. */
export function runSqliteFloor(sample: SampleRow, batch: number, seconds: number): FloorResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-bench-floor-'));
  const db = new Database(path.join(dir, 'queue.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(fs.readFileSync(MIGRATION, 'utf8'));
    const insert = db.prepare(INSERT);
    const bump = db.prepare('UPDATE queue_counters SET value = value + ? WHERE name = ?');
    // Same id shape as openfc's request ids: the sample's prefix and an 8-hex-digit counter.
    const idPrefix = sample.event_id.slice(0, -8);
    let n = 0;
    const insertBatch = db.transaction((count: number) => {
      for (let k = 0; k < count; k++, n++) {
        const at = sample.enqueued_at + n;
        insert.run(idPrefix + n.toString(16).padStart(8, '0'), sample.kind, sample.account_id, sample.function_name, sample.qualifier, sample.task_id, sample.queue_key,
          sample.payload, sample.max_retry_attempts, sample.max_event_age_ms, at, sample.destination_depth, sample.source_event_id, sample.target_url, at, sample.history);
      }
      bump.run(count, 'enqueued');
    });
    let transactions = 0;
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(Math.round(seconds * 1e9));
    let now = started;
    while (now < deadline) {
      insertBatch(batch);
      transactions++;
      now = process.hrtime.bigint();
    }
    const s = Number(now - started) / 1e9;
    return { batch, rows: n, transactions, seconds: s, rowsPerSecond: n / s };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

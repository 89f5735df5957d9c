/**
 * @module store/sqlite/sqlite-queue
 * The embedded Queue: its own SQLite file (WAL, `synchronous = FULL`, so a commit is on disk before
 * it returns). Enqueues that arrive in the same event-loop turn share one transaction and one
 * fsync (group commit), which is what makes thousands of durable enqueues a second possible.
 * Every state change is one guarded UPDATE: a settle or retry by a caller that no longer holds
 * the lease changes nothing.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type {
  AsyncEventHistoryEntry, AsyncEventKind, AsyncEventRecord, AsyncEventStatus, ClaimedEvent, EnqueueResult, NewAsyncEvent, Queue, QueueCounts,
} from '../queue.js';
import { SETTLED_STATUSES } from '../queue.js';
import { loadMigrations, migrate } from './migrate.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'queue-migrations');
/** An event keeps at most this many history entries (the newest). */
const MAX_HISTORY = 64;

interface EventRow {
  seq: number;
  event_id: string;
  kind: AsyncEventKind;
  account_id: string;
  function_name: string;
  qualifier: string;
  task_id: string | null;
  queue_key: string;
  payload: Buffer;
  max_retry_attempts: number;
  max_event_age_ms: number;
  enqueued_at: number;
  destination_depth: number;
  source_event_id: string | null;
  target_url: string | null;
  status: AsyncEventStatus;
  attempts: number;
  function_errors: number;
  system_errors: number;
  visible_at: number;
  lease_token: string | null;
  started_at: number | null;
  ended_at: number | null;
  instance_id: string | null;
  error_message: string | null;
  return_payload: Buffer | null;
  destination_status: 'Succeeded' | 'Failed' | null;
  history: string;
  is_stop_requested: number;
}

function toRecord(r: EventRow): AsyncEventRecord {
  return {
    eventId: r.event_id, kind: r.kind, accountId: r.account_id, functionName: r.function_name, qualifier: r.qualifier,
    ...(r.task_id !== null && { taskId: r.task_id }),
    queueKey: r.queue_key, payload: r.payload, maxRetryAttempts: r.max_retry_attempts, maxEventAgeMs: r.max_event_age_ms, enqueuedAt: r.enqueued_at,
    destinationDepth: r.destination_depth,
    ...(r.source_event_id !== null && { sourceEventId: r.source_event_id }),
    ...(r.target_url !== null && { targetUrl: r.target_url }),
    status: r.status, attempts: r.attempts, functionErrors: r.function_errors, systemErrors: r.system_errors, visibleAt: r.visible_at,
    ...(r.started_at !== null && { startedAt: r.started_at }),
    ...(r.ended_at !== null && { endedAt: r.ended_at }),
    ...(r.instance_id !== null && { instanceId: r.instance_id }),
    ...(r.error_message !== null && { errorMessage: r.error_message }),
    ...(r.return_payload !== null && { returnPayload: r.return_payload }),
    ...(r.destination_status !== null && { destinationStatus: r.destination_status }),
    history: JSON.parse(r.history) as AsyncEventHistoryEntry[],
    isStopRequested: r.is_stop_requested === 1,
  };
}

const entry = (status: AsyncEventStatus, timestamp: number, detail?: string): AsyncEventHistoryEntry => ({ status, timestamp, ...(detail !== undefined && { detail }) });

function appendHistory(json: string, e: AsyncEventHistoryEntry): string {
  const h = JSON.parse(json) as AsyncEventHistoryEntry[];
  h.push(e);
  return JSON.stringify(h.length > MAX_HISTORY ? h.slice(h.length - MAX_HISTORY) : h);
}

const SETTLED_SQL = SETTLED_STATUSES.map((s) => `'${s}'`).join(', ');

/** Opens (creating if needed) the queue database at `file`. */
export function createSqliteQueue(file: string): Queue {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  if (file !== ':memory:') fs.chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db, loadMigrations(MIGRATIONS_DIR));

  const stmt = {
    insert: db.prepare(
      `INSERT INTO async_events (event_id, kind, account_id, function_name, qualifier, task_id, queue_key, payload, max_retry_attempts, max_event_age_ms,
         enqueued_at, destination_depth, source_event_id, target_url, status, is_ready, visible_at, history)
       VALUES (@eventId, @kind, @accountId, @functionName, @qualifier, @taskId, @queueKey, @payload, @maxRetryAttempts, @maxEventAgeMs,
         @enqueuedAt, @destinationDepth, @sourceEventId, @targetUrl, 'Enqueued', 1, @enqueuedAt, @history)
       ON CONFLICT DO NOTHING`,
    ),
    byEventId: db.prepare('SELECT * FROM async_events WHERE event_id = ?'),
    byTask: db.prepare('SELECT * FROM async_events WHERE account_id = ? AND function_name = ? AND task_id = ?'),
    bump: db.prepare('UPDATE queue_counters SET value = value + ? WHERE name = ?'),
    /** The next queue key with ready events after `?`, and its earliest visibleAt: one index seek (a skip-scan step). */
    nextReadyKey: db.prepare('SELECT queue_key, visible_at FROM async_events WHERE is_ready = 1 AND queue_key > ? ORDER BY queue_key, visible_at LIMIT 1'),
    ready: db.prepare('SELECT seq, event_id, account_id, function_name FROM async_events WHERE is_ready = 1 AND queue_key = ? AND visible_at <= ? ORDER BY visible_at, seq'),
    lease: db.prepare(
      `UPDATE async_events SET status = 'Running', is_ready = 0, lease_owner = @owner, lease_token = @token, lease_until = @leaseUntil,
         attempts = attempts + 1, started_at = COALESCE(started_at, @now), history = @history
       WHERE event_id = @eventId AND is_ready = 1
       RETURNING *`,
    ),
    renew: db.prepare(`UPDATE async_events SET lease_until = ? WHERE event_id = ? AND lease_token = ? AND status IN ('Running', 'Stopping')`),
    held: db.prepare(`SELECT * FROM async_events WHERE event_id = ? AND lease_token = ? AND status IN ('Running', 'Stopping')`),
    settle: db.prepare(
      `UPDATE async_events SET status = @status, is_ready = 0, lease_owner = NULL, lease_token = NULL, lease_until = NULL, ended_at = @at,
         error_message = @errorMessage, return_payload = @returnPayload, instance_id = COALESCE(@instanceId, instance_id), history = @history,
         destination_status = COALESCE(@destinationStatus, destination_status)
       WHERE event_id = @eventId AND status NOT IN (${SETTLED_SQL})`,
    ),
    retry: db.prepare(
      `UPDATE async_events SET status = 'Retrying', is_ready = 1, lease_owner = NULL, lease_token = NULL, lease_until = NULL, visible_at = @visibleAt,
         function_errors = function_errors + @fnErr, system_errors = system_errors + @sysErr, error_message = @errorMessage,
         instance_id = COALESCE(@instanceId, instance_id), history = @history
       WHERE event_id = @eventId AND lease_token = @token AND status = 'Running'`,
    ),
    setDestinationStatus: db.prepare('UPDATE async_events SET destination_status = ? WHERE event_id = ?'),
    expired: db.prepare(`SELECT * FROM async_events WHERE status IN ('Running', 'Stopping') AND lease_until < ?`),
    stopping: db.prepare(`UPDATE async_events SET status = 'Stopping', is_stop_requested = 1, history = ? WHERE seq = ? AND status = 'Running'`),
    counters: db.prepare('SELECT name, value FROM queue_counters'),
    byStatus: db.prepare('SELECT status, COUNT(*) AS n FROM async_events GROUP BY status'),
    purge: db.prepare(`DELETE FROM async_events WHERE status IN (${SETTLED_SQL}) AND ended_at < ?`),
  };

  /** Moves a row into a settled status; bumps the settled total exactly when the row was unsettled. */
  function settleRow(row: EventRow, s: { status: AsyncEventStatus; at: number; errorMessage?: string; returnPayload?: Buffer; instanceId?: string; detail?: string; destinationStatus?: string }): boolean {
    const changed = stmt.settle.run({
      destinationStatus: s.destinationStatus ?? null,
      eventId: row.event_id, status: s.status, at: s.at, errorMessage: s.errorMessage ?? row.error_message, returnPayload: s.returnPayload ?? null,
      instanceId: s.instanceId ?? null, history: appendHistory(row.history, entry(s.status, s.at, s.detail)),
    }).changes;
    if (changed) stmt.bump.run(1, 'settled');
    return changed === 1;
  }

  function insertMany(events: readonly NewAsyncEvent[]): EnqueueResult[] {
    const out: EnqueueResult[] = [];
    let added = 0;
    for (const e of events) {
      const info = stmt.insert.run({
        eventId: e.eventId, kind: e.kind, accountId: e.accountId, functionName: e.functionName, qualifier: e.qualifier, taskId: e.taskId ?? null,
        queueKey: e.queueKey, payload: e.payload, maxRetryAttempts: e.maxRetryAttempts, maxEventAgeMs: e.maxEventAgeMs, enqueuedAt: e.enqueuedAt,
        destinationDepth: e.destinationDepth, sourceEventId: e.sourceEventId ?? null, targetUrl: e.targetUrl ?? null,
        history: JSON.stringify([entry('Enqueued', e.enqueuedAt)]),
      });
      if (info.changes === 1) {
        added++;
        out.push({ eventId: e.eventId, ...(e.taskId !== undefined && { taskId: e.taskId }), isNew: true });
        continue;
      }
      const existing = (e.taskId !== undefined ? stmt.byTask.get(e.accountId, e.functionName, e.taskId) : stmt.byEventId.get(e.eventId)) as EventRow | undefined;
      out.push({ eventId: existing?.event_id ?? e.eventId, ...((existing?.task_id ?? e.taskId) != null && { taskId: (existing?.task_id ?? e.taskId)! }), isNew: false });
    }
    if (added) stmt.bump.run(added, 'enqueued');
    return out;
  }

  // Group commit: every write of one event-loop turn (enqueues, claims, settles, retries, renewals)
  // runs in one transaction, so they share one fsync. Each write is its own savepoint inside it
  // (better-sqlite3 nests transactions), so one that fails undoes only itself.
  let pending: { run: () => unknown; resolve: (v: never) => void; reject: (e: unknown) => void }[] = [];
  let isFlushScheduled = false;
  let isClosed = false;
  const commitAll = db.transaction((ops: typeof pending) =>
    ops.map((op) => {
      try {
        return { ok: true as const, value: db.transaction(op.run)() };
      } catch (e: unknown) {
        return { ok: false as const, error: e };
      }
    }),
  );
  function flush(): void {
    isFlushScheduled = false;
    const ops = pending;
    pending = [];
    if (ops.length === 0) return;
    let results: ReturnType<typeof commitAll>;
    try {
      results = commitAll(ops);
    } catch (e: unknown) {
      for (const op of ops) op.reject(e);
      return;
    }
    ops.forEach((op, i) => {
      const r = results[i]!;
      if (r.ok) op.resolve(r.value as never);
      else op.reject(r.error);
    });
  }
  function write<T>(run: () => T): Promise<T> {
    if (isClosed) return Promise.reject(new Error('the queue is closed'));
    return new Promise<T>((resolve, reject) => {
      pending.push({ run, resolve: resolve as (v: never) => void, reject });
      if (!isFlushScheduled) {
        isFlushScheduled = true;
        setImmediate(flush);
      }
    });
  }

  const claimTx = db.transaction((input: Parameters<Queue['claim']>[0]): ClaimedEvent[] => {
    const out: ClaimedEvent[] = [];
    const picked: string[] = [];
    const remaining = new Map<string, number | undefined>();
    for (const r of stmt.ready.iterate(input.queueKey, input.now) as IterableIterator<{ event_id: string; account_id: string; function_name: string }>) {
      const key = `${r.account_id}/${r.function_name}`;
      const left = remaining.has(key) ? remaining.get(key) : input.remainingFor?.(r.account_id, r.function_name);
      if (left !== undefined && left <= 0) {
        remaining.set(key, 0);
        continue;
      }
      remaining.set(key, left === undefined ? undefined : left - 1);
      picked.push(r.event_id);
      if (picked.length >= input.limit) break;
    }
    for (const eventId of picked) {
      const row = stmt.byEventId.get(eventId) as EventRow;
      const token = randomBytes(12).toString('hex');
      const history = appendHistory(row.history, entry('Running', input.now, `attempt ${row.attempts + 1}`));
      const leased = stmt.lease.get({ eventId, owner: input.owner, token, leaseUntil: input.leaseUntil, now: input.now, history }) as EventRow;
      out.push({ event: toRecord(leased), leaseToken: token });
    }
    return out;
  });

  const settleTx = db.transaction((eventId: string, token: string, s: Parameters<Queue['settle']>[2]): boolean => {
    const row = stmt.held.get(eventId, token) as EventRow | undefined;
    if (!row) return false;
    // A stop was requested during the attempt: anything but a success ends it as Stopped, with no destination.
    if (row.status === 'Stopping' && s.status !== 'Succeeded') return settleRow(row, { status: 'Stopped', at: s.at, errorMessage: s.errorMessage, instanceId: s.instanceId, detail: 'stopped during an attempt' });
    if (!settleRow(row, s)) return false;
    if (s.followUps?.length) insertMany(s.followUps);
    if (s.sourceDestinationStatus && row.source_event_id) stmt.setDestinationStatus.run(s.sourceDestinationStatus, row.source_event_id);
    return true;
  });

  const retryTx = db.transaction((eventId: string, token: string, d: Parameters<Queue['retry']>[2]): boolean => {
    const row = stmt.held.get(eventId, token) as EventRow | undefined;
    if (!row) return false;
    if (row.status === 'Stopping') return settleRow(row, { status: 'Stopped', at: d.at, errorMessage: d.errorMessage, detail: 'stopped during an attempt' });
    const isFnErr = d.cause === 'function-error';
    return stmt.retry.run({
      eventId, token, visibleAt: d.visibleAt, fnErr: isFnErr ? 1 : 0, sysErr: isFnErr ? 0 : 1, errorMessage: d.errorMessage, instanceId: d.instanceId ?? null,
      history: appendHistory(row.history, entry('Retrying', d.at, `${d.cause}: ${d.errorMessage}`)),
    }).changes === 1;
  });

  const recoverTx = db.transaction((now: number): string[] => {
    const out: string[] = [];
    for (const row of stmt.expired.all(now) as EventRow[]) {
      if (row.status === 'Stopping') {
        settleRow(row, { status: 'Stopped', at: now, detail: 'stopped; its lease expired' });
      } else {
        stmt.retry.run({
          eventId: row.event_id, token: row.lease_token, visibleAt: now, fnErr: 0, sysErr: 1, errorMessage: row.error_message ?? 'the attempt was lost (its lease expired)',
          instanceId: null, history: appendHistory(row.history, entry('Retrying', now, 'lease expired')),
        });
      }
      out.push(row.event_id);
    }
    return out;
  });

  const stopTx = db.transaction((accountId: string, functionName: string, taskId: string, now: number): AsyncEventStatus | undefined => {
    const row = stmt.byTask.get(accountId, functionName, taskId) as EventRow | undefined;
    if (!row) return undefined;
    if (row.status === 'Enqueued' || row.status === 'Retrying') {
      settleRow(row, { status: 'Stopped', at: now, detail: 'StopAsyncTask' });
      return 'Stopped';
    }
    if (row.status === 'Running') {
      stmt.stopping.run(appendHistory(row.history, entry('Stopping', now, 'StopAsyncTask')), row.seq);
      return 'Stopping';
    }
    return row.status;
  });

  const listTx = (q: Parameters<Queue['listTasks']>[0]) => {
    const where = ['account_id = @accountId', 'function_name = @functionName', 'task_id IS NOT NULL'];
    if (q.taskIdPrefix) where.push("substr(task_id, 1, length(@prefix)) = @prefix");
    if (q.status) where.push('status = @status');
    if (q.startedTimeBegin !== undefined) where.push('COALESCE(started_at, enqueued_at) >= @begin');
    if (q.startedTimeEnd !== undefined) where.push('COALESCE(started_at, enqueued_at) <= @end');
    if (q.nextToken !== undefined) where.push(q.isAscending ? 'seq > @after' : 'seq < @after');
    const rows = db
      .prepare(`SELECT * FROM async_events WHERE ${where.join(' AND ')} ORDER BY seq ${q.isAscending ? 'ASC' : 'DESC'} LIMIT @limit`)
      .all({ accountId: q.accountId, functionName: q.functionName, prefix: q.taskIdPrefix ?? '', status: q.status ?? null, begin: q.startedTimeBegin ?? 0, end: q.startedTimeEnd ?? 0, after: Number(q.nextToken ?? 0), limit: q.limit + 1 }) as EventRow[];
    const items = rows.slice(0, q.limit);
    return { items: items.map(toRecord), ...(rows.length > q.limit && { nextToken: String(items.at(-1)!.seq) }) };
  };

  const ensureOpen = () => {
    if (isClosed) throw new Error('the queue is closed');
  };

  return {
    enqueue(events) {
      return write(() => insertMany(events));
    },
    async readyQueueKeys(now) {
      ensureOpen();
      // One seek per queue key, however many events wait: the cost follows the number of accounts, not the backlog.
      const ready: { key: string; at: number }[] = [];
      for (let key = ''; ; ) {
        const r = stmt.nextReadyKey.get(key) as { queue_key: string; visible_at: number } | undefined;
        if (!r) break;
        if (r.visible_at <= now) ready.push({ key: r.queue_key, at: r.visible_at });
        key = r.queue_key;
      }
      return ready.sort((a, b) => a.at - b.at).map((r) => r.key);
    },
    claim: (input) => write(() => claimTx(input)),
    renew: (eventId, token, leaseUntil) => write(() => stmt.renew.run(leaseUntil, eventId, token).changes === 1),
    settle: (eventId, token, settlement) => write(() => settleTx(eventId, token, settlement)),
    retry: (eventId, token, decision) => write(() => retryTx(eventId, token, decision)),
    recoverExpiredLeases: (now) => write(() => recoverTx(now)),
    requestStop: (accountId, functionName, taskId, now) => write(() => stopTx(accountId, functionName, taskId, now)),
    async getTask(accountId, functionName, taskId) {
      ensureOpen();
      const row = stmt.byTask.get(accountId, functionName, taskId) as EventRow | undefined;
      return row && toRecord(row);
    },
    async listTasks(query) {
      ensureOpen();
      return listTx(query);
    },
    async counts(): Promise<QueueCounts> {
      ensureOpen();
      const c = new Map((stmt.counters.all() as { name: string; value: number }[]).map((r) => [r.name, r.value]));
      const byStatus: Partial<Record<AsyncEventStatus, number>> = {};
      let inFlight = 0;
      for (const r of stmt.byStatus.all() as { status: AsyncEventStatus; n: number }[]) {
        byStatus[r.status] = r.n;
        if (!SETTLED_STATUSES.includes(r.status)) inFlight += r.n;
      }
      return { enqueued: c.get('enqueued') ?? 0, settled: c.get('settled') ?? 0, inFlight, byStatus };
    },
    async purgeSettled(before) {
      ensureOpen();
      return stmt.purge.run(before).changes;
    },
    async close() {
      if (isClosed) return;
      flush();
      isClosed = true;
      db.close();
    },
  };
}

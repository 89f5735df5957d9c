-- 001: async invocations (store/queue.ts). One row per event from its 202 until it is purged after
-- the retention; is_ready marks the claimable ones (Enqueued, Retrying) for the partial index.
CREATE TABLE async_events (
  seq                INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id           TEXT NOT NULL UNIQUE,
  kind               TEXT NOT NULL,
  account_id         TEXT NOT NULL,
  function_name      TEXT NOT NULL,
  qualifier          TEXT NOT NULL,
  task_id            TEXT,
  queue_key          TEXT NOT NULL,
  payload            BLOB NOT NULL,
  max_retry_attempts INTEGER NOT NULL,
  max_event_age_ms   INTEGER NOT NULL,
  enqueued_at        INTEGER NOT NULL,
  destination_depth  INTEGER NOT NULL,
  source_event_id    TEXT,
  target_url         TEXT,
  status             TEXT NOT NULL,
  is_ready           INTEGER NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0,
  function_errors    INTEGER NOT NULL DEFAULT 0,
  system_errors      INTEGER NOT NULL DEFAULT 0,
  visible_at         INTEGER NOT NULL,
  lease_owner        TEXT,
  lease_token        TEXT,
  lease_until        INTEGER,
  started_at         INTEGER,
  ended_at           INTEGER,
  instance_id        TEXT,
  error_message      TEXT,
  return_payload     BLOB,
  destination_status TEXT,
  history            TEXT NOT NULL,
  is_stop_requested  INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX async_events_task ON async_events (account_id, function_name, task_id) WHERE task_id IS NOT NULL;
CREATE INDEX async_events_ready ON async_events (queue_key, visible_at, seq) WHERE is_ready = 1;
CREATE INDEX async_events_leased ON async_events (lease_until) WHERE status IN ('Running', 'Stopping');
CREATE INDEX async_events_ended ON async_events (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX async_events_tasks_by_start ON async_events (account_id, function_name, enqueued_at) WHERE task_id IS NOT NULL;

-- Totals that survive purging, for the conservation check: enqueued = in flight + settled.
CREATE TABLE queue_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO queue_counters (name, value) VALUES ('enqueued', 0), ('settled', 0);

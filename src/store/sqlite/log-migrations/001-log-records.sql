-- Function logs (<data-dir>/logs.db): one row per invocation, hook run or batch of instance lines.
CREATE TABLE log_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL,
  function_name TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  version_id TEXT,
  revision INTEGER NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT,
  instance_id TEXT NOT NULL,
  start_time_ms INTEGER NOT NULL,
  end_time_ms INTEGER NOT NULL,
  written_time_ms INTEGER NOT NULL,
  message TEXT NOT NULL,
  function_error TEXT,
  error_type TEXT,
  error_message TEXT,
  error_stack TEXT,
  bytes INTEGER NOT NULL
);
CREATE INDEX log_records_by_function ON log_records (account_id, function_name, seq);
CREATE INDEX log_records_by_request ON log_records (account_id, request_id) WHERE request_id IS NOT NULL;
-- No index by account alone: every index costs each insert, and retention by size walks an
-- over-budget account's records in seq (rowid) order, which needs none.

-- Running per-account totals, so retention by size never sums the whole table.
CREATE TABLE log_account_bytes (
  account_id TEXT PRIMARY KEY,
  bytes INTEGER NOT NULL
);

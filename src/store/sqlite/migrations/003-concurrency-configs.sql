-- 003: per-function reserved concurrency (PutConcurrencyConfig), removed with its function.
CREATE TABLE concurrency_configs (
  account_id           TEXT NOT NULL,
  function_name        TEXT NOT NULL,
  reserved_concurrency INTEGER NOT NULL,
  PRIMARY KEY (account_id, function_name),
  FOREIGN KEY (account_id, function_name) REFERENCES functions(account_id, function_name) ON DELETE CASCADE
) WITHOUT ROWID;

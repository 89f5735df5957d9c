-- 005: async invoke configs (PutAsyncInvokeConfig) per function and qualifier, removed with their function.
CREATE TABLE async_invoke_configs (
  account_id         TEXT NOT NULL,
  function_name      TEXT NOT NULL,
  qualifier          TEXT NOT NULL,
  config             TEXT NOT NULL,
  created_time       TEXT NOT NULL,
  last_modified_time TEXT NOT NULL,
  PRIMARY KEY (account_id, function_name, qualifier),
  FOREIGN KEY (account_id, function_name) REFERENCES functions(account_id, function_name) ON DELETE CASCADE
) WITHOUT ROWID;

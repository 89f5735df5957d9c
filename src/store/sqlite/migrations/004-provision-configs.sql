-- 004: provisioned-instance configs (PutProvisionConfig), removed with their function.
CREATE TABLE provision_configs (
  account_id    TEXT NOT NULL,
  function_name TEXT NOT NULL,
  config        TEXT NOT NULL,
  PRIMARY KEY (account_id, function_name),
  FOREIGN KEY (account_id, function_name) REFERENCES functions(account_id, function_name) ON DELETE CASCADE
) WITHOUT ROWID;

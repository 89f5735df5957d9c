-- 007: published function versions, the per-function version counter, and aliases; all removed with their function.
CREATE TABLE function_version_counters (
  account_id      TEXT NOT NULL,
  function_name   TEXT NOT NULL,
  last_version_id INTEGER NOT NULL,
  PRIMARY KEY (account_id, function_name),
  FOREIGN KEY (account_id, function_name) REFERENCES functions(account_id, function_name) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE function_versions (
  account_id         TEXT NOT NULL,
  function_name      TEXT NOT NULL,
  version_id         INTEGER NOT NULL,
  description        TEXT NOT NULL,
  revision           INTEGER NOT NULL,
  config             TEXT NOT NULL,
  code_blob_key      TEXT NOT NULL,
  code_checksum      TEXT NOT NULL,
  code_size          INTEGER NOT NULL,
  created_time       TEXT NOT NULL,
  last_modified_time TEXT NOT NULL,
  PRIMARY KEY (account_id, function_name, version_id),
  FOREIGN KEY (account_id, function_name) REFERENCES functions(account_id, function_name) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE function_aliases (
  account_id                TEXT NOT NULL,
  function_name             TEXT NOT NULL,
  alias_name                TEXT NOT NULL,
  version_id                INTEGER NOT NULL,
  description               TEXT NOT NULL,
  additional_version_weight TEXT NOT NULL,
  created_time              TEXT NOT NULL,
  last_modified_time        TEXT NOT NULL,
  PRIMARY KEY (account_id, function_name, alias_name),
  FOREIGN KEY (account_id, function_name) REFERENCES functions(account_id, function_name) ON DELETE CASCADE
) WITHOUT ROWID;

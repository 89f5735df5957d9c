-- 001: accounts, access keys and functions.
CREATE TABLE accounts (
  account_id   TEXT PRIMARY KEY,
  created_time TEXT NOT NULL
);

CREATE TABLE access_keys (
  access_key_id     TEXT PRIMARY KEY,
  access_key_secret TEXT NOT NULL,
  account_id        TEXT NOT NULL REFERENCES accounts(account_id),
  principal         TEXT NOT NULL,
  status            TEXT NOT NULL,
  created_time      TEXT NOT NULL
);
CREATE INDEX access_keys_by_account ON access_keys(account_id);

CREATE TABLE functions (
  account_id         TEXT NOT NULL REFERENCES accounts(account_id),
  function_name      TEXT NOT NULL,
  function_id        TEXT NOT NULL UNIQUE,
  revision           INTEGER NOT NULL,
  config             TEXT NOT NULL,
  code_blob_key      TEXT NOT NULL,
  code_checksum      TEXT NOT NULL,
  code_size          INTEGER NOT NULL,
  created_time       TEXT NOT NULL,
  last_modified_time TEXT NOT NULL,
  PRIMARY KEY (account_id, function_name)
) WITHOUT ROWID;

-- 006: RAM users, roles, custom policies, their attachments, and STS sessions.
CREATE TABLE ram_users (
  account_id   TEXT NOT NULL REFERENCES accounts(account_id),
  user_name    TEXT NOT NULL,
  user_id      TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  comments     TEXT NOT NULL,
  created_time TEXT NOT NULL,
  PRIMARY KEY (account_id, user_name)
) WITHOUT ROWID;

CREATE TABLE ram_roles (
  account_id                  TEXT NOT NULL REFERENCES accounts(account_id),
  role_name                   TEXT NOT NULL,
  role_id                     TEXT NOT NULL UNIQUE,
  assume_role_policy_document TEXT NOT NULL,
  max_session_duration_s      INTEGER NOT NULL,
  description                 TEXT NOT NULL,
  created_time                TEXT NOT NULL,
  PRIMARY KEY (account_id, role_name)
) WITHOUT ROWID;

CREATE TABLE ram_policies (
  account_id      TEXT NOT NULL REFERENCES accounts(account_id),
  policy_name     TEXT NOT NULL,
  policy_document TEXT NOT NULL,
  description     TEXT NOT NULL,
  created_time    TEXT NOT NULL,
  PRIMARY KEY (account_id, policy_name)
) WITHOUT ROWID;

CREATE TABLE ram_policy_attachments (
  account_id     TEXT NOT NULL,
  principal_type TEXT NOT NULL,
  principal_name TEXT NOT NULL,
  policy_name    TEXT NOT NULL,
  attached_time  TEXT NOT NULL,
  PRIMARY KEY (account_id, principal_type, principal_name, policy_name),
  FOREIGN KEY (account_id, policy_name) REFERENCES ram_policies(account_id, policy_name)
) WITHOUT ROWID;
CREATE INDEX ram_policy_attachments_by_policy ON ram_policy_attachments(account_id, policy_name);

CREATE TABLE sts_sessions (
  access_key_id         TEXT PRIMARY KEY,
  access_key_secret     TEXT NOT NULL,
  security_token_sha256 TEXT NOT NULL,
  account_id            TEXT NOT NULL REFERENCES accounts(account_id),
  role_name             TEXT NOT NULL,
  session_name          TEXT NOT NULL,
  session_policy        TEXT NOT NULL,
  expires_at_ms         INTEGER NOT NULL,
  created_time          TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sts_sessions_by_expiry ON sts_sessions(expires_at_ms);

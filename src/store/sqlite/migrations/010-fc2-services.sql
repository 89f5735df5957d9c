-- 010: FC 2.0 services (their functions are rows of `functions` named '<service>$<function>').
CREATE TABLE fc2_services (
  account_id         TEXT NOT NULL REFERENCES accounts(account_id),
  service_name       TEXT NOT NULL,
  service_id         TEXT NOT NULL UNIQUE,
  config             TEXT NOT NULL,
  created_time       TEXT NOT NULL,
  last_modified_time TEXT NOT NULL,
  PRIMARY KEY (account_id, service_name)
) WITHOUT ROWID;

-- 009: triggers of functions (CreateTrigger), removed with their function, and each timer trigger's
-- newest schedule point that was handled (fired or skipped), so a restart never fires a point twice.
CREATE TABLE triggers (
  account_id         TEXT NOT NULL,
  function_name      TEXT NOT NULL,
  trigger_name       TEXT NOT NULL,
  trigger_id         TEXT NOT NULL UNIQUE,
  trigger_type       TEXT NOT NULL,
  trigger_config     TEXT NOT NULL,
  qualifier          TEXT NOT NULL,
  invocation_role    TEXT NOT NULL,
  source_arn         TEXT NOT NULL,
  description        TEXT NOT NULL,
  created_time       TEXT NOT NULL,
  last_modified_time TEXT NOT NULL,
  -- Epoch ms: the newest timer point handled; NULL before the first.
  last_point_ms      INTEGER,
  PRIMARY KEY (account_id, function_name, trigger_name),
  FOREIGN KEY (account_id, function_name) REFERENCES functions(account_id, function_name) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX triggers_by_type ON triggers (trigger_type);

-- 008: layers (published, versioned zips merged read-only into /opt) and their versions.
-- A layer row outlives its versions: last_version keeps counting, so a version number is never reused.
CREATE TABLE layers (
  account_id   TEXT NOT NULL REFERENCES accounts(account_id),
  layer_name   TEXT NOT NULL,
  is_public    INTEGER NOT NULL DEFAULT 0,
  last_version INTEGER NOT NULL,
  created_time TEXT NOT NULL,
  PRIMARY KEY (account_id, layer_name)
) WITHOUT ROWID;

CREATE TABLE layer_versions (
  account_id         TEXT NOT NULL,
  layer_name         TEXT NOT NULL,
  version            INTEGER NOT NULL,
  description        TEXT NOT NULL,
  license            TEXT NOT NULL,
  compatible_runtime TEXT NOT NULL,
  code_blob_key      TEXT NOT NULL,
  code_checksum      TEXT NOT NULL,
  code_size          INTEGER NOT NULL,
  created_time       TEXT NOT NULL,
  PRIMARY KEY (account_id, layer_name, version),
  FOREIGN KEY (account_id, layer_name) REFERENCES layers(account_id, layer_name)
) WITHOUT ROWID;

CREATE INDEX layers_public ON layers(is_public, layer_name);

-- 002: VPCs, an openfc resource: an address block owned by one account, with a bridge per node.
CREATE TABLE vpcs (
  vpc_id       TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL REFERENCES accounts(account_id),
  vpc_name     TEXT NOT NULL,
  cidr_block   TEXT NOT NULL,
  description  TEXT NOT NULL,
  bridge_index INTEGER NOT NULL UNIQUE,
  created_time TEXT NOT NULL
);
CREATE INDEX vpcs_by_account ON vpcs(account_id);

-- 011: VPC bindings (CreateVpcBinding): a function with bindings is invoked only through the
-- endpoints of its bound VPCs. Removed with their function; a bound VPC cannot be deleted.
CREATE TABLE vpc_bindings (
  account_id    TEXT NOT NULL,
  function_name TEXT NOT NULL,
  vpc_id        TEXT NOT NULL REFERENCES vpcs(vpc_id),
  created_time  TEXT NOT NULL,
  PRIMARY KEY (account_id, function_name, vpc_id),
  FOREIGN KEY (account_id, function_name) REFERENCES functions(account_id, function_name) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX vpc_bindings_by_vpc ON vpc_bindings(vpc_id);

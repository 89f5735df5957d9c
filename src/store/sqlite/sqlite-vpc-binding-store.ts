/**
 * @module store/sqlite/sqlite-vpc-binding-store
 * The VpcBindingStore half of the SQLite MetadataStore (store/vpc-binding-types.ts), on the same
 * database (table `vpc_bindings`, migration 011; rows cascade with their function).
 */
import type Database from 'better-sqlite3';
import type { VpcBindingStore } from '../vpc-binding-types.js';

export function createSqliteVpcBindingStore(db: Database.Database): VpcBindingStore {
  const stmt = {
    put: db.prepare('INSERT INTO vpc_bindings (account_id, function_name, vpc_id, created_time) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    list: db.prepare('SELECT vpc_id FROM vpc_bindings WHERE account_id = ? AND function_name = ? ORDER BY vpc_id'),
    del: db.prepare('DELETE FROM vpc_bindings WHERE account_id = ? AND function_name = ? AND vpc_id = ?'),
    byVpc: db.prepare('SELECT function_name FROM vpc_bindings WHERE vpc_id = ? ORDER BY function_name'),
  };
  return {
    putVpcBinding(accountId, functionName, vpcId, createdTime) {
      return stmt.put.run(accountId, functionName, vpcId, createdTime).changes > 0;
    },
    listVpcBindings(accountId, functionName) {
      return (stmt.list.all(accountId, functionName) as { vpc_id: string }[]).map((r) => r.vpc_id);
    },
    deleteVpcBinding(accountId, functionName, vpcId) {
      return stmt.del.run(accountId, functionName, vpcId).changes > 0;
    },
    functionsBoundToVpc(vpcId) {
      return (stmt.byVpc.all(vpcId) as { function_name: string }[]).map((r) => r.function_name);
    },
  };
}

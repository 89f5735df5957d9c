/**
 * @module store/sqlite/sqlite-fc2-store
 * The Fc2ServiceStore half of the SQLite MetadataStore (store/fc2-types.ts), on the same database.
 */
import type Database from 'better-sqlite3';
import { PlatformError } from '../../errors/index.js';
import type { Fc2ServiceRecord, Fc2ServiceStore } from '../fc2-types.js';

interface ServiceRow {
  account_id: string;
  service_name: string;
  service_id: string;
  config: string;
  created_time: string;
  last_modified_time: string;
}

const toService = (r: ServiceRow): Fc2ServiceRecord => ({
  accountId: r.account_id, serviceName: r.service_name, serviceId: r.service_id, config: JSON.parse(r.config) as Record<string, unknown>,
  createdTime: r.created_time, lastModifiedTime: r.last_modified_time,
});

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export function createSqliteFc2Store(db: Database.Database): Fc2ServiceStore {
  const stmt = {
    insert: db.prepare(
      `INSERT INTO fc2_services (account_id, service_name, service_id, config, created_time, last_modified_time)
       VALUES (@accountId, @serviceName, @serviceId, @config, @createdTime, @lastModifiedTime)`,
    ),
    get: db.prepare('SELECT * FROM fc2_services WHERE account_id = ? AND service_name = ?'),
    update: db.prepare('UPDATE fc2_services SET config = @config, last_modified_time = @lastModifiedTime WHERE account_id = @accountId AND service_name = @serviceName'),
    delete: db.prepare('DELETE FROM fc2_services WHERE account_id = ? AND service_name = ?'),
    list: db.prepare(
      `SELECT * FROM fc2_services WHERE account_id = @accountId AND service_name >= @from AND service_name > @after
         AND substr(service_name, 1, length(@prefix)) = @prefix
       ORDER BY service_name LIMIT @limit`,
    ),
  };
  const params = (r: Fc2ServiceRecord) => ({ ...r, config: JSON.stringify(r.config) });
  return {
    createFc2Service(record) {
      try {
        stmt.insert.run(params(record));
      } catch (e: unknown) {
        if (isUniqueViolation(e)) throw new PlatformError('ServiceAlreadyExists', `service '${record.serviceName}' already exists`, { cause: e });
        throw e;
      }
    },
    getFc2Service(accountId, serviceName) {
      const r = stmt.get.get(accountId, serviceName) as ServiceRow | undefined;
      return r && toService(r);
    },
    updateFc2Service(record) {
      if (stmt.update.run(params(record)).changes === 0) throw new PlatformError('ServiceNotFound', `service '${record.serviceName}' does not exist`);
    },
    deleteFc2Service(accountId, serviceName) {
      return stmt.delete.run(accountId, serviceName).changes > 0;
    },
    listFc2Services(accountId, { prefix = '', startKey = '', nextToken = '', limit }) {
      const rows = stmt.list.all({ accountId, prefix, from: startKey, after: nextToken, limit: limit + 1 }) as ServiceRow[];
      const items = rows.slice(0, limit).map(toService);
      return { items, ...(rows.length > limit && { nextToken: items.at(-1)!.serviceName }) };
    },
  };
}

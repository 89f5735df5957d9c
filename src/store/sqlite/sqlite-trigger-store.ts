/**
 * @module store/sqlite/sqlite-trigger-store
 * The TriggerStore half of the SQLite MetadataStore (store/trigger-types.ts), on the same database.
 */
import type Database from 'better-sqlite3';
import { PlatformError } from '../../errors/index.js';
import type { TriggerRecord, TriggerStore } from '../trigger-types.js';

type Row = Record<string, unknown>;

const toTrigger = (r: Row): TriggerRecord => ({
  accountId: r.account_id as string, functionName: r.function_name as string, triggerName: r.trigger_name as string, triggerId: r.trigger_id as string,
  triggerType: r.trigger_type as string, triggerConfig: r.trigger_config as string, qualifier: r.qualifier as string, invocationRole: r.invocation_role as string,
  sourceArn: r.source_arn as string, description: r.description as string, createdTime: r.created_time as string, lastModifiedTime: r.last_modified_time as string,
  ...(typeof r.last_point_ms === 'number' && { lastPointMs: r.last_point_ms }),
});

const codeOf = (e: unknown) => (e as { code?: string }).code;

export function createSqliteTriggerStore(db: Database.Database): TriggerStore {
  const stmt = {
    insert: db.prepare(
      `INSERT INTO triggers (account_id, function_name, trigger_name, trigger_id, trigger_type, trigger_config, qualifier, invocation_role, source_arn, description, created_time, last_modified_time)
       VALUES (@accountId, @functionName, @triggerName, @triggerId, @triggerType, @triggerConfig, @qualifier, @invocationRole, @sourceArn, @description, @createdTime, @lastModifiedTime)`,
    ),
    get: db.prepare('SELECT * FROM triggers WHERE account_id = ? AND function_name = ? AND trigger_name = ?'),
    getById: db.prepare('SELECT * FROM triggers WHERE trigger_id = ?'),
    update: db.prepare(
      `UPDATE triggers SET trigger_config = @triggerConfig, qualifier = @qualifier, invocation_role = @invocationRole, description = @description, last_modified_time = @lastModifiedTime
       WHERE account_id = @accountId AND function_name = @functionName AND trigger_name = @triggerName`,
    ),
    delete: db.prepare('DELETE FROM triggers WHERE account_id = ? AND function_name = ? AND trigger_name = ?'),
    list: db.prepare(
      `SELECT * FROM triggers WHERE account_id = @accountId AND function_name = @functionName AND trigger_name >= @prefix AND trigger_name < @prefixEnd
         AND (@after IS NULL OR trigger_name > @after) ORDER BY trigger_name LIMIT @limit`,
    ),
    byType: db.prepare('SELECT * FROM triggers WHERE trigger_type = ? ORDER BY account_id, function_name, trigger_name'),
    setLastPoint: db.prepare('UPDATE triggers SET last_point_ms = @pointMs WHERE trigger_id = @triggerId AND (last_point_ms IS NULL OR last_point_ms < @pointMs)'),
  };
  return {
    createTrigger(record) {
      try {
        stmt.insert.run(record);
      } catch (e: unknown) {
        const code = codeOf(e);
        if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new PlatformError('TriggerAlreadyExists', `trigger '${record.triggerName}' already exists in function '${record.functionName}'`, { cause: e });
        }
        if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new PlatformError('FunctionNotFound', `function '${record.functionName}' does not exist`, { cause: e });
        throw e;
      }
    },
    getTrigger(accountId, functionName, triggerName) {
      const r = stmt.get.get(accountId, functionName, triggerName) as Row | undefined;
      return r ? toTrigger(r) : undefined;
    },
    getTriggerById(triggerId) {
      const r = stmt.getById.get(triggerId) as Row | undefined;
      return r ? toTrigger(r) : undefined;
    },
    updateTrigger(record) {
      return stmt.update.run(record).changes > 0;
    },
    deleteTrigger(accountId, functionName, triggerName) {
      return stmt.delete.run(accountId, functionName, triggerName).changes > 0;
    },
    listTriggers(accountId, functionName, options) {
      const prefix = options.prefix ?? '';
      const rows = stmt.list.all({ accountId, functionName, prefix, prefixEnd: prefix + '\uffff', after: options.nextToken ?? null, limit: options.limit + 1 }) as Row[];
      const items = rows.slice(0, options.limit).map(toTrigger);
      return { items, ...(rows.length > options.limit && { nextToken: items.at(-1)!.triggerName }) };
    },
    listTriggersByType(triggerType) {
      return (stmt.byType.all(triggerType) as Row[]).map(toTrigger);
    },
    setTriggerLastPoint(triggerId, pointMs) {
      stmt.setLastPoint.run({ triggerId, pointMs });
    },
  };
}

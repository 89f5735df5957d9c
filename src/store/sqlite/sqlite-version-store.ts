/**
 * @module store/sqlite/sqlite-version-store
 * The VersionStore half of the SQLite MetadataStore (store/version-types.ts), on the same database.
 * Publishing, alias writes and version deletion each run in one transaction, so a version id is
 * never handed out twice and an alias never names a version that is being deleted.
 */
import type Database from 'better-sqlite3';
import { PlatformError } from '../../errors/index.js';
import type { AliasRecord, VersionRecord, VersionStore } from '../version-types.js';

type Row = Record<string, unknown>;

const toVersion = (r: Row): VersionRecord => ({
  accountId: r.account_id as string, functionName: r.function_name as string, versionId: String(r.version_id), description: r.description as string,
  revision: r.revision as number, config: JSON.parse(r.config as string) as Record<string, unknown>, codeBlobKey: r.code_blob_key as string,
  codeChecksum: r.code_checksum as string, codeSize: r.code_size as number, createdTime: r.created_time as string, lastModifiedTime: r.last_modified_time as string,
});
const toAlias = (r: Row): AliasRecord => ({
  accountId: r.account_id as string, functionName: r.function_name as string, aliasName: r.alias_name as string, versionId: String(r.version_id),
  description: r.description as string, additionalVersionWeight: JSON.parse(r.additional_version_weight as string) as Record<string, number>,
  createdTime: r.created_time as string, lastModifiedTime: r.last_modified_time as string,
});

/** The version ids an alias routes to. */
const versionsOf = (a: Pick<AliasRecord, 'versionId' | 'additionalVersionWeight'>) => [a.versionId, ...Object.keys(a.additionalVersionWeight)];
const functionNotFound = (name: string) => new PlatformError('FunctionNotFound', `function '${name}' does not exist`);

export function createSqliteVersionStore(db: Database.Database): VersionStore {
  const stmt = {
    functionRevision: db.prepare('SELECT revision FROM functions WHERE account_id = ? AND function_name = ?'),
    bumpCounter: db.prepare(
      `INSERT INTO function_version_counters (account_id, function_name, last_version_id) VALUES (?, ?, 1)
       ON CONFLICT (account_id, function_name) DO UPDATE SET last_version_id = last_version_id + 1
       RETURNING last_version_id`,
    ),
    insertVersion: db.prepare(
      `INSERT INTO function_versions (account_id, function_name, version_id, description, revision, config, code_blob_key, code_checksum, code_size, created_time, last_modified_time)
       VALUES (@accountId, @functionName, @versionId, @description, @revision, @config, @codeBlobKey, @codeChecksum, @codeSize, @createdTime, @lastModifiedTime)`,
    ),
    getVersion: db.prepare('SELECT * FROM function_versions WHERE account_id = ? AND function_name = ? AND version_id = ?'),
    listForward: db.prepare('SELECT * FROM function_versions WHERE account_id = ? AND function_name = ? AND version_id >= ? ORDER BY version_id LIMIT ?'),
    listBackward: db.prepare('SELECT * FROM function_versions WHERE account_id = ? AND function_name = ? AND version_id <= ? ORDER BY version_id DESC LIMIT ?'),
    deleteVersion: db.prepare('DELETE FROM function_versions WHERE account_id = ? AND function_name = ? AND version_id = ?'),
    insertAlias: db.prepare(
      `INSERT INTO function_aliases (account_id, function_name, alias_name, version_id, description, additional_version_weight, created_time, last_modified_time)
       VALUES (@accountId, @functionName, @aliasName, @versionId, @description, @weights, @createdTime, @lastModifiedTime)`,
    ),
    updateAlias: db.prepare(
      `UPDATE function_aliases SET version_id = @versionId, description = @description, additional_version_weight = @weights, last_modified_time = @lastModifiedTime
       WHERE account_id = @accountId AND function_name = @functionName AND alias_name = @aliasName`,
    ),
    getAlias: db.prepare('SELECT * FROM function_aliases WHERE account_id = ? AND function_name = ? AND alias_name = ?'),
    aliasesOf: db.prepare('SELECT * FROM function_aliases WHERE account_id = ? AND function_name = ? ORDER BY alias_name'),
    deleteAlias: db.prepare('DELETE FROM function_aliases WHERE account_id = ? AND function_name = ? AND alias_name = ?'),
    listAliases: db.prepare(
      `SELECT * FROM function_aliases WHERE account_id = @accountId AND function_name = @functionName AND alias_name > @after
         AND substr(alias_name, 1, length(@prefix)) = @prefix
       ORDER BY alias_name LIMIT @limit`,
    ),
  };

  /** Refuses an alias that names a version the function does not have. */
  function checkVersionsExist(a: AliasRecord): void {
    if (!stmt.functionRevision.get(a.accountId, a.functionName)) throw functionNotFound(a.functionName);
    for (const v of versionsOf(a)) {
      if (!stmt.getVersion.get(a.accountId, a.functionName, Number(v))) throw new PlatformError('VersionNotFound', `version '${v}' of function '${a.functionName}' does not exist`);
    }
  }
  const aliasParams = (a: AliasRecord) => ({ ...a, versionId: Number(a.versionId), weights: JSON.stringify(a.additionalVersionWeight) });

  const publish = db.transaction((record: Omit<VersionRecord, 'versionId'>, expectedRevision: number): VersionRecord => {
    const fn = stmt.functionRevision.get(record.accountId, record.functionName) as { revision: number } | undefined;
    if (!fn) throw functionNotFound(record.functionName);
    if (fn.revision !== expectedRevision) throw new PlatformError('ConcurrentUpdateError', `function '${record.functionName}' was changed while the version was published; retry`);
    const { last_version_id: id } = stmt.bumpCounter.get(record.accountId, record.functionName) as { last_version_id: number };
    stmt.insertVersion.run({ ...record, versionId: id, config: JSON.stringify(record.config) });
    return { ...record, versionId: String(id) };
  });
  const deleteVersion = db.transaction((accountId: string, functionName: string, versionId: string): boolean => {
    const users = (stmt.aliasesOf.all(accountId, functionName) as Row[]).map(toAlias).filter((a) => versionsOf(a).includes(versionId));
    if (users.length > 0) {
      const names = users.map((a) => a.aliasName);
      throw new PlatformError('VersionInUse', `version '${versionId}' of function '${functionName}' is used by alias ${names.map((n) => `'${n}'`).join(', ')}; point the alias elsewhere or delete it first`, { fields: { aliases: names } });
    }
    return stmt.deleteVersion.run(accountId, functionName, Number(versionId)).changes > 0;
  });
  const createAlias = db.transaction((a: AliasRecord) => {
    checkVersionsExist(a);
    if (stmt.getAlias.get(a.accountId, a.functionName, a.aliasName)) throw new PlatformError('AliasAlreadyExists', `alias '${a.aliasName}' of function '${a.functionName}' already exists`);
    stmt.insertAlias.run(aliasParams(a));
  });
  const updateAlias = db.transaction((a: AliasRecord) => {
    checkVersionsExist(a);
    if (stmt.updateAlias.run(aliasParams(a)).changes === 0) throw new PlatformError('AliasNotFound', `alias '${a.aliasName}' of function '${a.functionName}' does not exist`);
  });

  return {
    publishFunctionVersion: (record, expectedRevision) => publish(record, expectedRevision),
    getFunctionVersion(accountId, functionName, versionId) {
      if (!/^[1-9]\d{0,15}$/.test(versionId)) return undefined;
      const r = stmt.getVersion.get(accountId, functionName, Number(versionId)) as Row | undefined;
      return r && toVersion(r);
    },
    listFunctionVersions(accountId, functionName, { direction, limit, from }) {
      const rows = (direction === 'FORWARD'
        ? stmt.listForward.all(accountId, functionName, from ?? 0, limit + 1)
        : stmt.listBackward.all(accountId, functionName, from ?? Number.MAX_SAFE_INTEGER, limit + 1)) as Row[];
      const items = rows.slice(0, limit).map(toVersion);
      return { items, ...(rows.length > limit && { nextToken: String(rows[limit]!.version_id) }) };
    },
    deleteFunctionVersion: (accountId, functionName, versionId) => (/^[1-9]\d{0,15}$/.test(versionId) ? deleteVersion(accountId, functionName, versionId) : false),
    createAlias: (a) => createAlias(a),
    getAlias(accountId, functionName, aliasName) {
      const r = stmt.getAlias.get(accountId, functionName, aliasName) as Row | undefined;
      return r && toAlias(r);
    },
    updateAlias: (a) => updateAlias(a),
    deleteAlias(accountId, functionName, aliasName) {
      return stmt.deleteAlias.run(accountId, functionName, aliasName).changes > 0;
    },
    listAliases(accountId, functionName, { prefix = '', limit, nextToken }) {
      const rows = stmt.listAliases.all({ accountId, functionName, prefix, after: nextToken ?? '', limit: limit + 1 }) as Row[];
      const items = rows.slice(0, limit).map(toAlias);
      return { items, ...(rows.length > limit && { nextToken: items.at(-1)!.aliasName }) };
    },
  };
}

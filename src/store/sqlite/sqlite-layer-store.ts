/**
 * @module store/sqlite/sqlite-layer-store
 * The LayerStore half of the SQLite MetadataStore (store/layer-types.ts), on the same database.
 */
import type Database from 'better-sqlite3';
import type { LayerStore, LayerVersionRecord, NewLayerVersion } from '../layer-types.js';

type Row = Record<string, unknown>;

const toVersion = (r: Row): LayerVersionRecord => ({
  accountId: r.account_id as string, layerName: r.layer_name as string, version: r.version as number, description: r.description as string, license: r.license as string,
  compatibleRuntime: JSON.parse(r.compatible_runtime as string) as string[], codeBlobKey: r.code_blob_key as string, codeChecksum: r.code_checksum as string,
  codeSize: r.code_size as number, createdTime: r.created_time as string, isPublic: r.is_public === 1,
});

const SELECT_VERSION = 'SELECT v.*, l.is_public FROM layer_versions v JOIN layers l ON l.account_id = v.account_id AND l.layer_name = v.layer_name';
/** The newest version of each layer. */
const LATEST = `${SELECT_VERSION} WHERE v.version = (SELECT MAX(version) FROM layer_versions m WHERE m.account_id = v.account_id AND m.layer_name = v.layer_name)`;

export function createSqliteLayerStore(db: Database.Database): LayerStore {
  const stmt = {
    upsertLayer: db.prepare(
      `INSERT INTO layers (account_id, layer_name, is_public, last_version, created_time) VALUES (?, ?, 0, 1, ?)
       ON CONFLICT (account_id, layer_name) DO UPDATE SET last_version = last_version + 1 RETURNING last_version`,
    ),
    insertVersion: db.prepare(
      `INSERT INTO layer_versions (account_id, layer_name, version, description, license, compatible_runtime, code_blob_key, code_checksum, code_size, created_time)
       VALUES (@accountId, @layerName, @version, @description, @license, @compatibleRuntime, @codeBlobKey, @codeChecksum, @codeSize, @createdTime)`,
    ),
    getVersion: db.prepare(`${SELECT_VERSION} WHERE v.account_id = ? AND v.layer_name = ? AND v.version = ?`),
    listVersions: db.prepare(`${SELECT_VERSION} WHERE v.account_id = ? AND v.layer_name = ? AND v.version >= ? ORDER BY v.version LIMIT ?`),
    listLatest: db.prepare(
      `${LATEST} AND (@accountId IS NULL OR v.account_id = @accountId) AND (@publicOnly = 0 OR l.is_public = 1)
         AND (@prefix IS NULL OR substr(v.layer_name, 1, length(@prefix)) = @prefix)
         AND (@afterAccount IS NULL OR v.account_id > @afterAccount OR (v.account_id = @afterAccount AND v.layer_name > @afterName))
       ORDER BY v.account_id, v.layer_name LIMIT @limit`,
    ),
    deleteVersion: db.prepare('DELETE FROM layer_versions WHERE account_id = ? AND layer_name = ? AND version = ?'),
    setPublic: db.prepare(
      'UPDATE layers SET is_public = ? WHERE account_id = ? AND layer_name = ? AND EXISTS (SELECT 1 FROM layer_versions v WHERE v.account_id = layers.account_id AND v.layer_name = layers.layer_name)',
    ),
  };
  const createVersion = db.transaction((input: NewLayerVersion): LayerVersionRecord => {
    const { last_version: version } = stmt.upsertLayer.get(input.accountId, input.layerName, input.createdTime) as { last_version: number };
    stmt.insertVersion.run({ ...input, version, compatibleRuntime: JSON.stringify(input.compatibleRuntime) });
    return toVersion(stmt.getVersion.get(input.accountId, input.layerName, version) as Row);
  });

  return {
    createLayerVersion: (input) => createVersion(input),
    getLayerVersion(accountId, layerName, version) {
      const r = stmt.getVersion.get(accountId, layerName, version) as Row | undefined;
      return r && toVersion(r);
    },
    listLayerVersions(accountId, layerName, { startVersion, limit }) {
      const rows = (stmt.listVersions.all(accountId, layerName, startVersion ?? 0, limit + 1) as Row[]).map(toVersion);
      const items = rows.slice(0, limit);
      return { items, ...(rows.length > limit && { nextVersion: rows[limit]!.version }) };
    },
    listLayers({ accountId, isPublicOnly, prefix, limit, nextToken }) {
      const sep = nextToken ? nextToken.indexOf(':') : -1;
      const rows = (
        stmt.listLatest.all({
          accountId: accountId ?? null, publicOnly: isPublicOnly ? 1 : 0, prefix: prefix || null, limit: limit + 1,
          afterAccount: sep >= 0 ? nextToken!.slice(0, sep) : null, afterName: sep >= 0 ? nextToken!.slice(sep + 1) : null,
        }) as Row[]
      ).map(toVersion);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, ...(rows.length > limit && last && { nextToken: `${last.accountId}:${last.layerName}` }) };
    },
    deleteLayerVersion(accountId, layerName, version) {
      return stmt.deleteVersion.run(accountId, layerName, version).changes > 0;
    },
    setLayerPublic(accountId, layerName, isPublic) {
      return stmt.setPublic.run(isPublic ? 1 : 0, accountId, layerName).changes > 0;
    },
  };
}

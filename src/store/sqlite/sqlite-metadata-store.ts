/**
 * @module store/sqlite/sqlite-metadata-store
 * The embedded MetadataStore: one SQLite file in WAL mode, opened with better-sqlite3.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PlatformError } from '../../errors/index.js';
import type { AccessKeyRecord, AccountRecord, AsyncInvokeConfigRecord, FunctionRecord, ListPage, MetadataStore, VpcRecord } from '../types.js';
import { migrate } from './migrate.js';
import { createSqliteRamStore } from './sqlite-ram-store.js';
import { createSqliteLayerStore } from './sqlite-layer-store.js';
import { createSqliteFc2Store } from './sqlite-fc2-store.js';
import { createSqliteTriggerStore } from './sqlite-trigger-store.js';
import { createSqliteVersionStore } from './sqlite-version-store.js';
import { createSqliteVpcBindingStore } from './sqlite-vpc-binding-store.js';
import type { SecretBox } from '../secret-box.js';

interface FunctionRow {
  account_id: string;
  function_name: string;
  function_id: string;
  revision: number;
  config: string;
  code_blob_key: string;
  code_checksum: string;
  code_size: number;
  created_time: string;
  last_modified_time: string;
}

interface AccessKeyRow {
  access_key_id: string;
  access_key_secret: string;
  account_id: string;
  principal: string;
  status: 'Active' | 'Inactive';
  created_time: string;
}

function toFunction(r: FunctionRow): FunctionRecord {
  return {
    accountId: r.account_id,
    functionName: r.function_name,
    functionId: r.function_id,
    revision: r.revision,
    config: JSON.parse(r.config) as Record<string, unknown>,
    codeBlobKey: r.code_blob_key,
    codeChecksum: r.code_checksum,
    codeSize: r.code_size,
    createdTime: r.created_time,
    lastModifiedTime: r.last_modified_time,
  };
}

function toAccessKey(r: AccessKeyRow): AccessKeyRecord {
  return {
    accessKeyId: r.access_key_id,
    accessKeySecret: r.access_key_secret,
    accountId: r.account_id,
    principal: r.principal,
    status: r.status,
    createdTime: r.created_time,
  };
}

interface VpcRow {
  vpc_id: string;
  account_id: string;
  vpc_name: string;
  cidr_block: string;
  description: string;
  bridge_index: number;
  created_time: string;
}

const toVpc = (r: VpcRow): VpcRecord => ({
  vpcId: r.vpc_id, accountId: r.account_id, vpcName: r.vpc_name, cidrBlock: r.cidr_block, description: r.description, bridgeIndex: r.bridge_index, createdTime: r.created_time,
});

interface AsyncInvokeConfigRow {
  account_id: string;
  function_name: string;
  qualifier: string;
  config: string;
  created_time: string;
  last_modified_time: string;
}

const toAsyncInvokeConfig = (r: AsyncInvokeConfigRow): AsyncInvokeConfigRecord => ({
  accountId: r.account_id, functionName: r.function_name, qualifier: r.qualifier, config: JSON.parse(r.config) as Record<string, unknown>,
  createdTime: r.created_time, lastModifiedTime: r.last_modified_time,
});

/**
 * Opens (creating if needed) the database at `file` and brings its schema up to date. With a
 * `secretBox`, AccessKey and STS secrets are stored sealed (store/secret-box), and any plaintext
 * ones left from before are sealed now.
 */
export function createSqliteMetadataStore(file: string, options: { secretBox?: SecretBox } = {}): MetadataStore {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  if (file !== ':memory:') fs.chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Overwrite deleted and replaced content, so a secret sealed in place leaves no plaintext behind in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const stmt = {
    insertAccount: db.prepare('INSERT INTO accounts (account_id, created_time) VALUES (?, ?)'),
    getAccount: db.prepare('SELECT account_id, created_time FROM accounts WHERE account_id = ?'),
    listAccounts: db.prepare('SELECT account_id, created_time FROM accounts ORDER BY created_time, account_id'),
    putKey: db.prepare(
      `INSERT INTO access_keys (access_key_id, access_key_secret, account_id, principal, status, created_time)
       VALUES (@accessKeyId, @accessKeySecret, @accountId, @principal, @status, @createdTime)
       ON CONFLICT(access_key_id) DO UPDATE SET access_key_secret = excluded.access_key_secret, status = excluded.status`,
    ),
    getKey: db.prepare('SELECT * FROM access_keys WHERE access_key_id = ?'),
    listKeys: db.prepare('SELECT * FROM access_keys WHERE account_id = ? ORDER BY created_time'),
    insertFunction: db.prepare(
      `INSERT INTO functions (account_id, function_name, function_id, revision, config, code_blob_key, code_checksum, code_size, created_time, last_modified_time)
       VALUES (@accountId, @functionName, @functionId, @revision, @config, @codeBlobKey, @codeChecksum, @codeSize, @createdTime, @lastModifiedTime)`,
    ),
    getFunction: db.prepare('SELECT * FROM functions WHERE account_id = ? AND function_name = ?'),
    updateFunction: db.prepare(
      `UPDATE functions SET revision = @revision, config = @config, code_blob_key = @codeBlobKey, code_checksum = @codeChecksum,
         code_size = @codeSize, last_modified_time = @lastModifiedTime
       WHERE account_id = @accountId AND function_name = @functionName AND revision = @expectedRevision`,
    ),
    deleteFunction: db.prepare('DELETE FROM functions WHERE account_id = ? AND function_name = ?'),
    insertVpc: db.prepare(
      `INSERT INTO vpcs (vpc_id, account_id, vpc_name, cidr_block, description, bridge_index, created_time)
       VALUES (@vpcId, @accountId, @vpcName, @cidrBlock, @description, @bridgeIndex, @createdTime)`,
    ),
    getVpc: db.prepare('SELECT * FROM vpcs WHERE vpc_id = ?'),
    listVpcs: db.prepare('SELECT * FROM vpcs WHERE @accountId IS NULL OR account_id = @accountId ORDER BY created_time, vpc_id'),
    deleteVpc: db.prepare('DELETE FROM vpcs WHERE vpc_id = ?'),
    // Functions, their published versions and FC 2.0 services (whose functions inherit it) that name the VPC.
    functionsInVpc: db.prepare(
      `SELECT function_name AS name FROM functions WHERE account_id = $a AND json_extract(config, '$.vpcConfig.vpcId') = $v
       UNION SELECT function_name || ' (version ' || version_id || ')' FROM function_versions WHERE account_id = $a AND json_extract(config, '$.vpcConfig.vpcId') = $v
       UNION SELECT 'FC 2.0 service ' || service_name FROM fc2_services WHERE account_id = $a AND json_extract(config, '$.vpcConfig.vpcId') = $v
       ORDER BY name`,
    ),
    putConcurrency: db.prepare(
      `INSERT INTO concurrency_configs (account_id, function_name, reserved_concurrency) VALUES (?, ?, ?)
       ON CONFLICT (account_id, function_name) DO UPDATE SET reserved_concurrency = excluded.reserved_concurrency`,
    ),
    getConcurrency: db.prepare('SELECT reserved_concurrency FROM concurrency_configs WHERE account_id = ? AND function_name = ?'),
    deleteConcurrency: db.prepare('DELETE FROM concurrency_configs WHERE account_id = ? AND function_name = ?'),
    listConcurrency: db.prepare('SELECT function_name, reserved_concurrency FROM concurrency_configs WHERE account_id = ? ORDER BY function_name'),
    putProvision: db.prepare(
      `INSERT INTO provision_configs (account_id, function_name, config) VALUES (?, ?, ?)
       ON CONFLICT (account_id, function_name) DO UPDATE SET config = excluded.config`,
    ),
    getProvision: db.prepare('SELECT config FROM provision_configs WHERE account_id = ? AND function_name = ?'),
    deleteProvision: db.prepare('DELETE FROM provision_configs WHERE account_id = ? AND function_name = ?'),
    listProvision: db.prepare('SELECT * FROM provision_configs WHERE @accountId IS NULL OR account_id = @accountId ORDER BY account_id, function_name'),
    putAsyncConfig: db.prepare(
      `INSERT INTO async_invoke_configs (account_id, function_name, qualifier, config, created_time, last_modified_time)
       VALUES (@accountId, @functionName, @qualifier, @config, @createdTime, @lastModifiedTime)
       ON CONFLICT (account_id, function_name, qualifier) DO UPDATE SET config = excluded.config, last_modified_time = excluded.last_modified_time`,
    ),
    getAsyncConfig: db.prepare('SELECT * FROM async_invoke_configs WHERE account_id = ? AND function_name = ? AND qualifier = ?'),
    deleteAsyncConfig: db.prepare('DELETE FROM async_invoke_configs WHERE account_id = ? AND function_name = ? AND qualifier = ?'),
    listAsyncConfigs: db.prepare('SELECT * FROM async_invoke_configs WHERE account_id = ? ORDER BY function_name, qualifier'),
    listFunctions: db.prepare(
      `SELECT * FROM functions WHERE account_id = @accountId AND function_name > @after
         AND substr(function_name, 1, length(@prefix)) = @prefix
       ORDER BY function_name LIMIT @limit`,
    ),
  };

  const functionParams = (r: FunctionRecord) => ({ ...r, config: JSON.stringify(r.config) });
  const box = options.secretBox;
  const seal = (secret: string) => (box ? box.seal(secret) : secret);
  const openKey = (r: AccessKeyRow): AccessKeyRecord => ({ ...toAccessKey(r), accessKeySecret: box ? box.open(r.access_key_secret) : r.access_key_secret });
  if (box) {
    // Secrets stored before sealing existed (or by a store opened without the key) are sealed now.
    db.transaction(() => {
      for (const table of ['access_keys', 'sts_sessions']) {
        for (const r of db.prepare(`SELECT access_key_id, access_key_secret FROM ${table}`).all() as { access_key_id: string; access_key_secret: string }[]) {
          if (!box.isSealed(r.access_key_secret)) db.prepare(`UPDATE ${table} SET access_key_secret = ? WHERE access_key_id = ?`).run(box.seal(r.access_key_secret), r.access_key_id);
        }
      }
    })();
  }

  return {
    ...createSqliteRamStore(db, { seal, open: (v) => (box ? box.open(v) : v) }),
    ...createSqliteLayerStore(db),
    ...createSqliteFc2Store(db),
    ...createSqliteTriggerStore(db),
    ...createSqliteVersionStore(db),
    ...createSqliteVpcBindingStore(db),
    createAccount(a: AccountRecord) {
      stmt.insertAccount.run(a.accountId, a.createdTime);
    },
    getAccount(accountId) {
      const r = stmt.getAccount.get(accountId) as { account_id: string; created_time: string } | undefined;
      return r && { accountId: r.account_id, createdTime: r.created_time };
    },
    listAccounts() {
      return (stmt.listAccounts.all() as { account_id: string; created_time: string }[]).map((r) => ({ accountId: r.account_id, createdTime: r.created_time }));
    },
    putAccessKey(k) {
      stmt.putKey.run({ ...k, accessKeySecret: seal(k.accessKeySecret) });
    },
    getAccessKey(id) {
      const r = stmt.getKey.get(id) as AccessKeyRow | undefined;
      return r && openKey(r);
    },
    listAccessKeys(accountId) {
      return (stmt.listKeys.all(accountId) as AccessKeyRow[]).map(openKey);
    },
    createFunction(record) {
      try {
        stmt.insertFunction.run(functionParams(record));
      } catch (e: unknown) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new PlatformError('FunctionAlreadyExists', `function '${record.functionName}' already exists`, { cause: e });
        }
        throw e;
      }
    },
    getFunction(accountId, functionName) {
      const r = stmt.getFunction.get(accountId, functionName) as FunctionRow | undefined;
      return r && toFunction(r);
    },
    updateFunction(record, expectedRevision) {
      const res = stmt.updateFunction.run({ ...functionParams(record), expectedRevision });
      if (res.changes === 1) return;
      if (!stmt.getFunction.get(record.accountId, record.functionName)) {
        throw new PlatformError('FunctionNotFound', `function '${record.functionName}' does not exist`);
      }
      throw new PlatformError('ConcurrentUpdateError', `function '${record.functionName}' was changed by another request; retry`);
    },
    deleteFunction(accountId, functionName) {
      return stmt.deleteFunction.run(accountId, functionName).changes > 0;
    },
    listFunctions(accountId, { prefix = '', limit, nextToken }): ListPage<FunctionRecord> {
      const rows = stmt.listFunctions.all({ accountId, prefix, after: nextToken ?? '', limit: limit + 1 }) as FunctionRow[];
      const items = rows.slice(0, limit).map(toFunction);
      return { items, nextToken: rows.length > limit ? items.at(-1)?.functionName : undefined };
    },
    createVpc(v) {
      stmt.insertVpc.run(v);
    },
    getVpc(vpcId) {
      const r = stmt.getVpc.get(vpcId) as VpcRow | undefined;
      return r && toVpc(r);
    },
    listVpcs(accountId) {
      return (stmt.listVpcs.all({ accountId: accountId ?? null }) as VpcRow[]).map(toVpc);
    },
    deleteVpc(vpcId) {
      return stmt.deleteVpc.run(vpcId).changes > 0;
    },
    functionsInVpc(accountId, vpcId) {
      return (stmt.functionsInVpc.all({ a: accountId, v: vpcId }) as { name: string }[]).map((r) => r.name);
    },
    putProvisionConfig(accountId, functionName, config) {
      try {
        stmt.putProvision.run(accountId, functionName, JSON.stringify(config));
      } catch (e: unknown) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new PlatformError('FunctionNotFound', `function '${functionName}' does not exist`, { cause: e });
        throw e;
      }
    },
    getProvisionConfig(accountId, functionName) {
      const r = stmt.getProvision.get(accountId, functionName) as { config: string } | undefined;
      return r && (JSON.parse(r.config) as Record<string, unknown>);
    },
    deleteProvisionConfig(accountId, functionName) {
      return stmt.deleteProvision.run(accountId, functionName).changes > 0;
    },
    listProvisionConfigs(accountId) {
      return (stmt.listProvision.all({ accountId: accountId ?? null }) as { account_id: string; function_name: string; config: string }[]).map((r) => ({
        accountId: r.account_id, functionName: r.function_name, config: JSON.parse(r.config) as Record<string, unknown>,
      }));
    },
    putConcurrencyConfig(accountId, functionName, reservedConcurrency) {
      try {
        stmt.putConcurrency.run(accountId, functionName, reservedConcurrency);
      } catch (e: unknown) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new PlatformError('FunctionNotFound', `function '${functionName}' does not exist`, { cause: e });
        throw e;
      }
    },
    getConcurrencyConfig(accountId, functionName) {
      return (stmt.getConcurrency.get(accountId, functionName) as { reserved_concurrency: number } | undefined)?.reserved_concurrency;
    },
    deleteConcurrencyConfig(accountId, functionName) {
      return stmt.deleteConcurrency.run(accountId, functionName).changes > 0;
    },
    listConcurrencyConfigs(accountId) {
      return (stmt.listConcurrency.all(accountId) as { function_name: string; reserved_concurrency: number }[]).map((r) => ({ functionName: r.function_name, reservedConcurrency: r.reserved_concurrency }));
    },
    putAsyncInvokeConfig(record) {
      try {
        stmt.putAsyncConfig.run({ ...record, config: JSON.stringify(record.config) });
      } catch (e: unknown) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new PlatformError('FunctionNotFound', `function '${record.functionName}' does not exist`, { cause: e });
        throw e;
      }
    },
    getAsyncInvokeConfig(accountId, functionName, qualifier) {
      const r = stmt.getAsyncConfig.get(accountId, functionName, qualifier) as AsyncInvokeConfigRow | undefined;
      return r && toAsyncInvokeConfig(r);
    },
    deleteAsyncInvokeConfig(accountId, functionName, qualifier) {
      return stmt.deleteAsyncConfig.run(accountId, functionName, qualifier).changes > 0;
    },
    listAsyncInvokeConfigs(accountId) {
      return (stmt.listAsyncConfigs.all(accountId) as AsyncInvokeConfigRow[]).map(toAsyncInvokeConfig);
    },
    close() {
      if (db.open) db.close();
    },
  };
}

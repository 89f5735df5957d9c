/**
 * @module store/sqlite/sqlite-ram-store
 * The RamStore half of the SQLite MetadataStore (store/ram-types.ts), on the same database.
 */
import type Database from 'better-sqlite3';
import { PlatformError } from '../../errors/index.js';
import type { RamAttachmentRecord, RamPolicyRecord, RamRoleRecord, RamStore, RamUserRecord, StsSessionRecord } from '../ram-types.js';

type Row = Record<string, unknown>;

const toUser = (r: Row): RamUserRecord => ({
  accountId: r.account_id as string, userName: r.user_name as string, userId: r.user_id as string, displayName: r.display_name as string, comments: r.comments as string, createdTime: r.created_time as string,
});
const toRole = (r: Row): RamRoleRecord => ({
  accountId: r.account_id as string, roleName: r.role_name as string, roleId: r.role_id as string, assumeRolePolicyDocument: r.assume_role_policy_document as string,
  maxSessionDurationS: r.max_session_duration_s as number, description: r.description as string, createdTime: r.created_time as string,
});
const toPolicy = (r: Row): RamPolicyRecord => ({
  accountId: r.account_id as string, policyName: r.policy_name as string, policyDocument: r.policy_document as string, description: r.description as string, createdTime: r.created_time as string,
});
const toAttachment = (r: Row): RamAttachmentRecord => ({
  accountId: r.account_id as string, principalType: r.principal_type as 'User' | 'Role', principalName: r.principal_name as string, policyName: r.policy_name as string, attachedTime: r.attached_time as string,
});
const toSession = (r: Row): StsSessionRecord => ({
  accessKeyId: r.access_key_id as string, accessKeySecret: r.access_key_secret as string, securityTokenSha256: r.security_token_sha256 as string, accountId: r.account_id as string,
  roleName: r.role_name as string, sessionName: r.session_name as string, sessionPolicy: r.session_policy as string, expiresAtMs: r.expires_at_ms as number, createdTime: r.created_time as string,
});

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/** `seal`/`open` protect STS secrets at rest (store/secret-box); identity functions store them as they are. */
export function createSqliteRamStore(db: Database.Database, secrets: { seal(v: string): string; open(v: string): string }): RamStore {
  const stmt = {
    insertUser: db.prepare('INSERT INTO ram_users (account_id, user_name, user_id, display_name, comments, created_time) VALUES (@accountId, @userName, @userId, @displayName, @comments, @createdTime)'),
    getUser: db.prepare('SELECT * FROM ram_users WHERE account_id = ? AND user_name = ?'),
    listUsers: db.prepare('SELECT * FROM ram_users WHERE account_id = ? ORDER BY user_name'),
    deleteUser: db.prepare('DELETE FROM ram_users WHERE account_id = ? AND user_name = ?'),
    deleteUserKeys: db.prepare('DELETE FROM access_keys WHERE account_id = ? AND principal = ?'),
    deleteAttachmentsOf: db.prepare('DELETE FROM ram_policy_attachments WHERE account_id = ? AND principal_type = ? AND principal_name = ?'),
    insertRole: db.prepare(
      `INSERT INTO ram_roles (account_id, role_name, role_id, assume_role_policy_document, max_session_duration_s, description, created_time)
       VALUES (@accountId, @roleName, @roleId, @assumeRolePolicyDocument, @maxSessionDurationS, @description, @createdTime)`,
    ),
    getRole: db.prepare('SELECT * FROM ram_roles WHERE account_id = ? AND role_name = ?'),
    listRoles: db.prepare('SELECT * FROM ram_roles WHERE account_id = ? ORDER BY role_name'),
    deleteRole: db.prepare('DELETE FROM ram_roles WHERE account_id = ? AND role_name = ?'),
    insertPolicy: db.prepare('INSERT INTO ram_policies (account_id, policy_name, policy_document, description, created_time) VALUES (@accountId, @policyName, @policyDocument, @description, @createdTime)'),
    getPolicy: db.prepare('SELECT * FROM ram_policies WHERE account_id = ? AND policy_name = ?'),
    listPolicies: db.prepare('SELECT * FROM ram_policies WHERE account_id = ? ORDER BY policy_name'),
    deletePolicy: db.prepare('DELETE FROM ram_policies WHERE account_id = ? AND policy_name = ?'),
    attach: db.prepare(
      `INSERT INTO ram_policy_attachments (account_id, principal_type, principal_name, policy_name, attached_time)
       VALUES (@accountId, @principalType, @principalName, @policyName, @attachedTime) ON CONFLICT DO NOTHING`,
    ),
    detach: db.prepare('DELETE FROM ram_policy_attachments WHERE account_id = ? AND principal_type = ? AND principal_name = ? AND policy_name = ?'),
    listAttachments: db.prepare(
      `SELECT * FROM ram_policy_attachments WHERE account_id = @accountId
         AND (@principalType IS NULL OR principal_type = @principalType) AND (@principalName IS NULL OR principal_name = @principalName)
         AND (@policyName IS NULL OR policy_name = @policyName)
       ORDER BY principal_type, principal_name, policy_name`,
    ),
    putSession: db.prepare(
      `INSERT INTO sts_sessions (access_key_id, access_key_secret, security_token_sha256, account_id, role_name, session_name, session_policy, expires_at_ms, created_time)
       VALUES (@accessKeyId, @accessKeySecret, @securityTokenSha256, @accountId, @roleName, @sessionName, @sessionPolicy, @expiresAtMs, @createdTime)`,
    ),
    getSession: db.prepare('SELECT * FROM sts_sessions WHERE access_key_id = ?'),
    purgeSessions: db.prepare('DELETE FROM sts_sessions WHERE expires_at_ms < ?'),
    deleteKey: db.prepare('DELETE FROM access_keys WHERE access_key_id = ?'),
  };
  const insertOnce = (s: Database.Statement, record: object, what: string, name: string) => {
    try {
      s.run(record);
    } catch (e: unknown) {
      if (isUniqueViolation(e)) throw new PlatformError('EntityAlreadyExists', `the ${what} '${name}' already exists`);
      throw e;
    }
  };
  const deleteUserTx = db.transaction((accountId: string, userName: string) => {
    stmt.deleteAttachmentsOf.run(accountId, 'User', userName);
    stmt.deleteUserKeys.run(accountId, `user:${userName}`);
    return stmt.deleteUser.run(accountId, userName).changes > 0;
  });
  const deleteRoleTx = db.transaction((accountId: string, roleName: string) => {
    stmt.deleteAttachmentsOf.run(accountId, 'Role', roleName);
    return stmt.deleteRole.run(accountId, roleName).changes > 0;
  });

  return {
    createRamUser: (r) => insertOnce(stmt.insertUser, r, 'user', r.userName),
    getRamUser: (a, n) => {
      const r = stmt.getUser.get(a, n) as Row | undefined;
      return r && toUser(r);
    },
    listRamUsers: (a) => (stmt.listUsers.all(a) as Row[]).map(toUser),
    deleteRamUser: (a, n) => deleteUserTx(a, n),
    createRamRole: (r) => insertOnce(stmt.insertRole, r, 'role', r.roleName),
    getRamRole: (a, n) => {
      const r = stmt.getRole.get(a, n) as Row | undefined;
      return r && toRole(r);
    },
    listRamRoles: (a) => (stmt.listRoles.all(a) as Row[]).map(toRole),
    deleteRamRole: (a, n) => deleteRoleTx(a, n),
    createRamPolicy: (r) => insertOnce(stmt.insertPolicy, r, 'policy', r.policyName),
    getRamPolicy: (a, n) => {
      const r = stmt.getPolicy.get(a, n) as Row | undefined;
      return r && toPolicy(r);
    },
    listRamPolicies: (a) => (stmt.listPolicies.all(a) as Row[]).map(toPolicy),
    deleteRamPolicy: (a, n) => stmt.deletePolicy.run(a, n).changes > 0,
    attachRamPolicy: (r) => void stmt.attach.run(r),
    detachRamPolicy: (a, t, p, n) => stmt.detach.run(a, t, p, n).changes > 0,
    listRamAttachments: (a, f) => (stmt.listAttachments.all({ accountId: a, principalType: f.principalType ?? null, principalName: f.principalName ?? null, policyName: f.policyName ?? null }) as Row[]).map(toAttachment),
    putStsSession: (r) => void stmt.putSession.run({ ...r, accessKeySecret: secrets.seal(r.accessKeySecret) }),
    getStsSession: (id) => {
      const r = stmt.getSession.get(id) as Row | undefined;
      return r && { ...toSession(r), accessKeySecret: secrets.open(r.access_key_secret as string) };
    },
    purgeStsSessions: (before) => stmt.purgeSessions.run(before).changes,
    deleteAccessKey: (id) => stmt.deleteKey.run(id).changes > 0,
  };
}

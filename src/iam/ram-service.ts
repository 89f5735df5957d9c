/**
 * @module iam/ram-service
 * RAM, the subset the official `@alicloud/ram20150501` SDK needs for least privilege: users and
 * their AccessKeys, custom policies, roles with trust policies, and attaching policies to users and
 * roles. Each operation takes the RPC request's parameters (PascalCase, from the query) and
 * answers RAM's response shape. Every entity belongs to one account; names are unique within it.
 */
import { randomInt } from 'node:crypto';
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { MetadataStore, RamPolicyRecord, RamPrincipalType, RamRoleRecord, RamUserRecord } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import { generateAccessKey } from './accounts.js';

const NAME_PATTERN = /^[a-zA-Z0-9.@_-]{1,64}$/;
const POLICY_NAME_PATTERN = /^[a-zA-Z0-9-]{1,128}$/;
const MAX_ACCESS_KEYS_PER_USER = 2;
export const DEFAULT_MAX_SESSION_DURATION_S = 3600;
export const MAX_MAX_SESSION_DURATION_S = 43_200;
/** A RAM user's keys are access keys with this principal. */
export const userPrincipal = (userName: string) => `user:${userName}`;

export type RpcParams = Readonly<Record<string, string | undefined>>;
export type RamOperation = (accountId: string, params: RpcParams) => Record<string, unknown>;

const ramTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const numericId = (digits: number) => String(randomInt(1, 10)) + Array.from({ length: digits - 1 }, () => randomInt(0, 10)).join('');

function required(params: RpcParams, name: string): string {
  const v = params[name];
  if (v === undefined || v === '') throw invalidArgument(`${name} is required`);
  return v;
}

function named(params: RpcParams, name: string, pattern = NAME_PATTERN): string {
  const v = required(params, name);
  if (!pattern.test(v)) throw invalidArgument(`${name} '${v}' must be 1-64 characters of letters, digits, ".", "@", "_" or "-"`);
  return v;
}

const userView = (u: RamUserRecord) => ({ UserId: u.userId, UserName: u.userName, DisplayName: u.displayName, Comments: u.comments, CreateDate: u.createdTime });
const roleView = (r: RamRoleRecord) => ({
  RoleId: r.roleId, RoleName: r.roleName, Arn: `acs:ram::${r.accountId}:role/${r.roleName}`, Description: r.description, AssumeRolePolicyDocument: r.assumeRolePolicyDocument,
  MaxSessionDuration: r.maxSessionDurationS, CreateDate: r.createdTime,
});
const policyView = (p: RamPolicyRecord, withDocument: boolean) => ({
  PolicyName: p.policyName, PolicyType: 'Custom', Description: p.description, DefaultVersion: 'v1', CreateDate: p.createdTime, ...(withDocument && { PolicyDocument: p.policyDocument }),
});

export function createRamOperations(deps: { store: MetadataStore; clock: Clock; validatePolicy: (doc: string, field: string) => void; onChange: () => void }): Readonly<Record<string, RamOperation>> {
  const { store, clock } = deps;
  const now = () => ramTime(clock.now());
  const user = (accountId: string, userName: string) => {
    const u = store.getRamUser(accountId, userName);
    if (!u) throw new PlatformError('EntityNotExist', `the user '${userName}' does not exist`);
    return u;
  };
  const role = (accountId: string, roleName: string) => {
    const r = store.getRamRole(accountId, roleName);
    if (!r) throw new PlatformError('EntityNotExist', `the role '${roleName}' does not exist`);
    return r;
  };
  const policy = (accountId: string, params: RpcParams) => {
    const name = named(params, 'PolicyName', POLICY_NAME_PATTERN);
    const type = params.PolicyType ?? 'Custom';
    if (type !== 'Custom') throw invalidArgument(`PolicyType '${type}': openfc has no system policies; use Custom`);
    const p = store.getRamPolicy(accountId, name);
    if (!p) throw new PlatformError('EntityNotExist', `the policy '${name}' does not exist`);
    return p;
  };
  const changed = <T>(v: T): T => {
    deps.onChange();
    return v;
  };
  const attach = (principalType: RamPrincipalType, nameParam: string) => (accountId: string, params: RpcParams) => {
    const name = named(params, nameParam);
    if (principalType === 'User') user(accountId, name);
    else role(accountId, name);
    const p = policy(accountId, params);
    store.attachRamPolicy({ accountId, principalType, principalName: name, policyName: p.policyName, attachedTime: now() });
    return changed({});
  };
  const detach = (principalType: RamPrincipalType, nameParam: string) => (accountId: string, params: RpcParams) => {
    const name = named(params, nameParam);
    const p = policy(accountId, params);
    if (!store.detachRamPolicy(accountId, principalType, name, p.policyName)) throw new PlatformError('EntityNotExist', `the policy '${p.policyName}' is not attached to ${principalType.toLowerCase()} '${name}'`);
    return changed({});
  };
  const policiesFor = (principalType: RamPrincipalType, nameParam: string) => (accountId: string, params: RpcParams) => {
    const name = named(params, nameParam);
    if (principalType === 'User') user(accountId, name);
    else role(accountId, name);
    const policies = store.listRamAttachments(accountId, { principalType, principalName: name }).map((a) => ({ ...policyView(store.getRamPolicy(accountId, a.policyName)!, false), AttachDate: a.attachedTime }));
    return { Policies: { Policy: policies } };
  };

  return {
    CreateUser(accountId, params) {
      const userName = named(params, 'UserName');
      const u: RamUserRecord = { accountId, userName, userId: numericId(16), displayName: params.DisplayName ?? userName, comments: params.Comments ?? '', createdTime: now() };
      store.createRamUser(u);
      return changed({ User: userView(u) });
    },
    GetUser: (accountId, params) => ({ User: userView(user(accountId, named(params, 'UserName'))) }),
    ListUsers: (accountId) => ({ IsTruncated: false, Users: { User: store.listRamUsers(accountId).map(userView) } }),
    DeleteUser(accountId, params) {
      const userName = named(params, 'UserName');
      user(accountId, userName);
      store.deleteRamUser(accountId, userName);
      return changed({});
    },
    CreateAccessKey(accountId, params) {
      const userName = named(params, 'UserName');
      user(accountId, userName);
      if (store.listAccessKeys(accountId).filter((k) => k.principal === userPrincipal(userName)).length >= MAX_ACCESS_KEYS_PER_USER) {
        throw new PlatformError('InvalidArgument', `user '${userName}' already has ${MAX_ACCESS_KEYS_PER_USER} AccessKeys, the most a RAM user may have`);
      }
      const key = generateAccessKey();
      const createdTime = now();
      store.putAccessKey({ ...key, accountId, principal: userPrincipal(userName), status: 'Active', createdTime });
      return changed({ AccessKey: { AccessKeyId: key.accessKeyId, AccessKeySecret: key.accessKeySecret, Status: 'Active', CreateDate: createdTime } });
    },
    ListAccessKeys(accountId, params) {
      const userName = named(params, 'UserName');
      user(accountId, userName);
      const keys = store.listAccessKeys(accountId).filter((k) => k.principal === userPrincipal(userName));
      return { AccessKeys: { AccessKey: keys.map((k) => ({ AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createdTime })) } };
    },
    DeleteAccessKey(accountId, params) {
      const userName = named(params, 'UserName');
      const id = required(params, 'UserAccessKeyId');
      const key = store.getAccessKey(id);
      if (!key || key.accountId !== accountId || key.principal !== userPrincipal(userName)) throw new PlatformError('EntityNotExist', `user '${userName}' has no AccessKey '${id}'`);
      store.deleteAccessKey(id);
      return changed({});
    },
    CreatePolicy(accountId, params) {
      const policyName = named(params, 'PolicyName', POLICY_NAME_PATTERN);
      const policyDocument = required(params, 'PolicyDocument');
      deps.validatePolicy(policyDocument, 'PolicyDocument');
      const p: RamPolicyRecord = { accountId, policyName, policyDocument, description: params.Description ?? '', createdTime: now() };
      store.createRamPolicy(p);
      return changed({ Policy: policyView(p, false) });
    },
    GetPolicy(accountId, params) {
      const p = policy(accountId, params);
      return { Policy: policyView(p, false), DefaultPolicyVersion: { VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: p.policyDocument, CreateDate: p.createdTime } };
    },
    ListPolicies: (accountId) => ({ IsTruncated: false, Policies: { Policy: store.listRamPolicies(accountId).map((p) => policyView(p, false)) } }),
    DeletePolicy(accountId, params) {
      const p = policy(accountId, params);
      const uses = store.listRamAttachments(accountId, { policyName: p.policyName });
      if (uses.length) throw new PlatformError('DeleteConflict', `the policy '${p.policyName}' is attached to ${uses.map((u) => `${u.principalType.toLowerCase()} '${u.principalName}'`).join(', ')}; detach it first`);
      store.deleteRamPolicy(accountId, p.policyName);
      return changed({});
    },
    AttachPolicyToUser: attach('User', 'UserName'),
    DetachPolicyFromUser: detach('User', 'UserName'),
    ListPoliciesForUser: policiesFor('User', 'UserName'),
    CreateRole(accountId, params) {
      const roleName = named(params, 'RoleName');
      const trust = required(params, 'AssumeRolePolicyDocument');
      let parsed: unknown;
      try {
        parsed = JSON.parse(trust);
      } catch {
        throw invalidArgument('AssumeRolePolicyDocument is not JSON');
      }
      if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { Statement?: unknown }).Statement)) throw invalidArgument('AssumeRolePolicyDocument must be a policy with a Statement list naming a Principal');
      const max = params.MaxSessionDuration === undefined ? DEFAULT_MAX_SESSION_DURATION_S : Number(params.MaxSessionDuration);
      if (!Number.isInteger(max) || max < 3600 || max > MAX_MAX_SESSION_DURATION_S) throw invalidArgument(`MaxSessionDuration must be from 3600 to ${MAX_MAX_SESSION_DURATION_S} seconds`);
      const r: RamRoleRecord = { accountId, roleName, roleId: numericId(19), assumeRolePolicyDocument: trust, maxSessionDurationS: max, description: params.Description ?? '', createdTime: now() };
      store.createRamRole(r);
      return changed({ Role: roleView(r) });
    },
    GetRole: (accountId, params) => ({ Role: roleView(role(accountId, named(params, 'RoleName'))) }),
    ListRoles: (accountId) => ({ IsTruncated: false, Roles: { Role: store.listRamRoles(accountId).map(roleView) } }),
    DeleteRole(accountId, params) {
      const roleName = named(params, 'RoleName');
      role(accountId, roleName);
      store.deleteRamRole(accountId, roleName);
      return changed({});
    },
    AttachPolicyToRole: attach('Role', 'RoleName'),
    DetachPolicyFromRole: detach('Role', 'RoleName'),
    ListPoliciesForRole: policiesFor('Role', 'RoleName'),
  };
}

/** The RAM resource an operation acts on, for authorizing RAM users and role sessions. */
export function ramResourceFor(action: string, accountId: string, params: RpcParams): string {
  if (params.UserName !== undefined && !action.includes('Polic')) return `acs:ram:*:${accountId}:user/${params.UserName}`;
  if (params.RoleName !== undefined && !action.includes('Polic')) return `acs:ram:*:${accountId}:role/${params.RoleName}`;
  if (params.PolicyName !== undefined) return `acs:ram:*:${accountId}:policy/${params.PolicyName}`;
  return `acs:ram:*:${accountId}:*`;
}

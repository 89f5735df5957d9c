/**
 * @module iam/sts-service
 * STS: AssumeRole hands out temporary credentials (an `STS.` AccessKeyId, a secret and a
 * SecurityToken) for a role of the caller's account, valid 900 s up to the role's
 * MaxSessionDuration. The role's trust policy must name the caller (its account's root, or the
 * RAM user itself), or the FC service for execution roles. A policy passed to AssumeRole narrows
 * the session further. Only the token's sha256 is stored; requests signed with the temporary key
 * must carry the token in a signed `x-acs-security-token` header and are refused once expired.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { MetadataStore, RamRoleRecord, StsSessionRecord } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import { principalArn, type Principal } from './types.js';

export const MIN_SESSION_DURATION_S = 900;
export const DEFAULT_SESSION_DURATION_S = 3600;
/** Who an execution role must trust for FC to assume it for a function. */
export const FC_SERVICE_PRINCIPAL = 'fc.aliyuncs.com';
const SESSION_NAME_PATTERN = /^[a-zA-Z0-9.@_-]{2,64}$/;
const ROLE_ARN_PATTERN = /^acs:ram::(\d+):role\/([a-zA-Z0-9.@_-]{1,64})$/;

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string;
  readonly expiresAtMs: number;
}

export interface AssumeRoleInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly durationSeconds?: number;
  /** A RAM policy document (JSON text) narrowing the session. */
  readonly policy?: string;
}

/** Who asks to assume a role: a principal of an account, or the FC service itself. */
export type AssumeRoleCaller = { readonly principal: Principal } | { readonly service: typeof FC_SERVICE_PRINCIPAL; readonly accountId: string };

export interface StsService {
  assumeRole(caller: AssumeRoleCaller, input: AssumeRoleInput): { credentials: TemporaryCredentials; role: RamRoleRecord; assumedRoleId: string; arn: string };
  /** The live session of a temporary AccessKeyId whose token matches, or the reason it is refused. */
  findSession(accessKeyId: string, securityToken: string | undefined): StsSessionRecord;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const base62 = (bytes: number) => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');

interface TrustStatement {
  Effect?: unknown;
  Action?: unknown;
  Principal?: { RAM?: unknown; Service?: unknown };
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** Whether the role's trust policy lets `caller` assume it. */
export function trusts(role: RamRoleRecord, caller: AssumeRoleCaller): boolean {
  let doc: { Statement?: TrustStatement[] };
  try {
    doc = JSON.parse(role.assumeRolePolicyDocument) as { Statement?: TrustStatement[] };
  } catch {
    return false;
  }
  const wanted = 'principal' in caller ? [`acs:ram::${caller.principal.accountId}:root`, principalArn(caller.principal)] : [];
  let isAllowed = false;
  for (const st of doc.Statement ?? []) {
    const actions = asList(st.Action).map((a) => a.toLowerCase());
    if (!actions.some((a) => a === 'sts:assumerole' || a === 'sts:*' || a === '*')) continue;
    const matches = 'principal' in caller ? asList(st.Principal?.RAM).some((p) => wanted.includes(p)) : asList(st.Principal?.Service).includes(caller.service);
    if (!matches) continue;
    if (st.Effect === 'Deny') return false;
    if (st.Effect === 'Allow') isAllowed = true;
  }
  return isAllowed;
}

export function createStsService(deps: { store: MetadataStore; clock: Clock; validatePolicy: (doc: string, field: string) => void }): StsService {
  const { store, clock } = deps;
  return {
    assumeRole(caller, input) {
      const m = ROLE_ARN_PATTERN.exec(input.roleArn ?? '');
      if (!m) throw invalidArgument(`RoleArn '${input.roleArn}' is not a role ARN (acs:ram::<accountId>:role/<roleName>)`);
      const accountId = 'principal' in caller ? caller.principal.accountId : caller.accountId;
      if (!SESSION_NAME_PATTERN.test(input.roleSessionName ?? '')) throw invalidArgument('RoleSessionName must be 2-64 characters of letters, digits, ".", "@", "_" or "-"');
      const role = m[1] === accountId ? store.getRamRole(accountId, m[2]!) : undefined;
      if (!role) throw new PlatformError('EntityNotExist', `the role '${input.roleArn}' does not exist in this account`);
      if (!trusts(role, caller)) throw new PlatformError('AccessDenied', `the trust policy of role '${role.roleName}' does not allow ${'principal' in caller ? principalArn(caller.principal) : caller.service} to assume it`);
      const duration = input.durationSeconds ?? Math.min(DEFAULT_SESSION_DURATION_S, role.maxSessionDurationS);
      if (!Number.isInteger(duration) || duration < MIN_SESSION_DURATION_S || duration > role.maxSessionDurationS) {
        throw invalidArgument(`DurationSeconds must be from ${MIN_SESSION_DURATION_S} to the role's MaxSessionDuration (${role.maxSessionDurationS})`);
      }
      if (input.policy) deps.validatePolicy(input.policy, 'Policy');
      const now = clock.now();
      const credentials: TemporaryCredentials = {
        accessKeyId: `STS.${base62(18)}`, accessKeySecret: base62(30), securityToken: `CAIS${randomBytes(96).toString('base64')}`, expiresAtMs: now + duration * 1000,
      };
      store.putStsSession({
        accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret, securityTokenSha256: sha256(credentials.securityToken), accountId,
        roleName: role.roleName, sessionName: input.roleSessionName, sessionPolicy: input.policy ?? '', expiresAtMs: credentials.expiresAtMs, createdTime: new Date(now).toISOString(),
      });
      store.purgeStsSessions(now);
      return { credentials, role, assumedRoleId: `${role.roleId}:${input.roleSessionName}`, arn: `acs:ram::${accountId}:assumed-role/${role.roleName}/${input.roleSessionName}` };
    },
    findSession(accessKeyId, securityToken) {
      const session = store.getStsSession(accessKeyId);
      if (!session) throw new PlatformError('InvalidAccessKeyID', `invalid access key ID '${accessKeyId}'`);
      if (!securityToken) throw new PlatformError('InvalidSecurityToken', 'a temporary AccessKey needs its SecurityToken in a signed x-acs-security-token header');
      if (sha256(securityToken) !== session.securityTokenSha256) throw new PlatformError('InvalidSecurityToken', 'the security token does not belong to this AccessKeyId');
      if (clock.now() >= session.expiresAtMs) throw new PlatformError('InvalidSecurityToken', `the security token expired at ${new Date(session.expiresAtMs).toISOString()}`);
      return session;
    },
  };
}

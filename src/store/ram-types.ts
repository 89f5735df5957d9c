/**
 * @module store/ram-types
 * The identity part of the MetadataStore: RAM users, roles, custom policies and their attachments,
 * and STS sessions (temporary credentials). A RAM user's AccessKeys are ordinary access keys whose
 * `principal` is `user:<userName>`.
 */

export interface RamUserRecord {
  readonly accountId: string;
  readonly userName: string;
  readonly userId: string;
  readonly displayName: string;
  readonly comments: string;
  readonly createdTime: string;
}

export interface RamRoleRecord {
  readonly accountId: string;
  readonly roleName: string;
  readonly roleId: string;
  /** The trust policy: who may assume the role (RAM policy syntax with `Principal`). */
  readonly assumeRolePolicyDocument: string;
  readonly maxSessionDurationS: number;
  readonly description: string;
  readonly createdTime: string;
}

export interface RamPolicyRecord {
  readonly accountId: string;
  readonly policyName: string;
  readonly policyDocument: string;
  readonly description: string;
  readonly createdTime: string;
}

export type RamPrincipalType = 'User' | 'Role';

export interface RamAttachmentRecord {
  readonly accountId: string;
  readonly principalType: RamPrincipalType;
  readonly principalName: string;
  readonly policyName: string;
  readonly attachedTime: string;
}

/** Temporary credentials from AssumeRole. Only the token's sha256 is kept. */
export interface StsSessionRecord {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityTokenSha256: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly sessionName: string;
  /** The policy passed to AssumeRole, narrowing the role's rights; empty when none. */
  readonly sessionPolicy: string;
  readonly expiresAtMs: number;
  readonly createdTime: string;
}

export interface RamStore {
  /** Throws EntityAlreadyExists.User when the name is taken in the account. */
  createRamUser(record: RamUserRecord): void;
  getRamUser(accountId: string, userName: string): RamUserRecord | undefined;
  listRamUsers(accountId: string): RamUserRecord[];
  /** Removes the user with its access keys and attachments; false when there was none. */
  deleteRamUser(accountId: string, userName: string): boolean;

  createRamRole(record: RamRoleRecord): void;
  getRamRole(accountId: string, roleName: string): RamRoleRecord | undefined;
  listRamRoles(accountId: string): RamRoleRecord[];
  deleteRamRole(accountId: string, roleName: string): boolean;

  createRamPolicy(record: RamPolicyRecord): void;
  getRamPolicy(accountId: string, policyName: string): RamPolicyRecord | undefined;
  listRamPolicies(accountId: string): RamPolicyRecord[];
  deleteRamPolicy(accountId: string, policyName: string): boolean;

  /** Idempotent. */
  attachRamPolicy(record: RamAttachmentRecord): void;
  detachRamPolicy(accountId: string, principalType: RamPrincipalType, principalName: string, policyName: string): boolean;
  listRamAttachments(accountId: string, filter: { principalType?: RamPrincipalType; principalName?: string; policyName?: string }): RamAttachmentRecord[];

  putStsSession(record: StsSessionRecord): void;
  getStsSession(accessKeyId: string): StsSessionRecord | undefined;
  /** Deletes sessions that expired before `before`; returns how many. */
  purgeStsSessions(before: number): number;

  /** Deletes an access key; false when there was none. */
  deleteAccessKey(accessKeyId: string): boolean;
}

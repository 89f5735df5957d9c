/**
 * @module iam/types
 *
 * Glossary:
 * - **account**: a tenant; owns functions and everything else. Resolved from the AccessKey.
 * - **principal**: who makes a request: the account's root, one of its RAM users, or a role
 *   session (temporary STS credentials from AssumeRole); `anonymous` for public routes.
 * - **access key**: AccessKeyId + secret that sign requests (ACS3-HMAC-SHA256). A RAM user's keys
 *   are stored with principal `user:<name>`; STS keys (`STS.…`) live in STS sessions.
 * - **policy**: a RAM policy document; a RAM user or role has the policies attached to it, and a
 *   role session is further narrowed by the policy passed to AssumeRole.
 */

export type PrincipalKind = 'root' | 'user' | 'role-session' | 'anonymous';

export interface Principal {
  readonly accountId: string;
  readonly accessKeyId: string;
  /** `root` is the account itself and may do everything in it. */
  readonly kind: PrincipalKind;
  /** For `user`. */
  readonly userName?: string;
  /** For `role-session`. */
  readonly roleName?: string;
  readonly sessionName?: string;
  /** For `role-session`: the AssumeRole policy ('' when none). */
  readonly sessionPolicy?: string;
}

/** The ARN of a principal, as RAM writes them (trust policies, error messages). */
export function principalArn(p: Principal): string {
  if (p.kind === 'user') return `acs:ram::${p.accountId}:user/${p.userName}`;
  if (p.kind === 'role-session') return `acs:ram::${p.accountId}:assumed-role/${p.roleName}/${p.sessionName}`;
  if (p.kind === 'root') return `acs:ram::${p.accountId}:root`;
  return 'anonymous';
}

export interface AccessKeyPair {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export interface NewAccount extends AccessKeyPair {
  readonly accountId: string;
}

/**
 * @module iam/types
 *
 * Glossary:
 * - **account**: a tenant; owns functions and everything else. Resolved from the AccessKey.
 * - **principal**: who makes a request. For now every principal is an account's root.
 * - **access key**: AccessKeyId + secret that sign requests (ACS3-HMAC-SHA256).
 */

export interface Principal {
  readonly accountId: string;
  readonly accessKeyId: string;
  /** `root` is the account itself. */
  readonly kind: 'root';
}

export interface AccessKeyPair {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export interface NewAccount extends AccessKeyPair {
  readonly accountId: string;
}

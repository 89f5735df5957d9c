/**
 * @module store/types
 * The storage interfaces. Backends live in subfolders (`sqlite/`, `blob/`); nothing outside
 * `store/` knows SQL or file layout. No SQL client, transaction or file handle leaks through.
 *
 * Glossary:
 * - **account**: a tenant, resolved from the AccessKey of a signed request.
 * - **access key**: an AccessKeyId/secret pair that signs requests for one principal.
 * - **function record**: the stored configuration of one function (its LATEST revision).
 * - **revision**: bumped on every change of code or configuration; instances serve one revision.
 * - **blob**: an immutable, content-addressed byte string (a code package), keyed by its sha256.
 * - **qualifier**: which revision of a function a setting applies to: `LATEST`, a version id or an alias name.
 */
import type { Readable } from 'node:stream';
import type { RamStore } from './ram-types.js';
import type { LayerStore } from './layer-types.js';
import type { Fc2ServiceStore } from './fc2-types.js';
import type { TriggerStore } from './trigger-types.js';
import type { VersionStore } from './version-types.js';
import type { VpcBindingStore } from './vpc-binding-types.js';

export type * from './ram-types.js';
export type * from './fc2-types.js';
export type * from './trigger-types.js';
export type * from './version-types.js';
export type * from './vpc-binding-types.js';

export interface AccountRecord {
  readonly accountId: string;
  readonly createdTime: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly accountId: string;
  /** `root` for the account's own keys. */
  readonly principal: string;
  readonly status: AccessKeyStatus;
  readonly createdTime: string;
}

/** A function as stored. `config` holds the FC `Function` model fields the user set. */
export interface FunctionRecord {
  readonly accountId: string;
  readonly functionName: string;
  readonly functionId: string;
  readonly revision: number;
  /** FC function configuration (camelCase model fields, minus server-generated ones). */
  readonly config: Readonly<Record<string, unknown>>;
  /** sha256 hex of the code package in the BlobStore. */
  readonly codeBlobKey: string;
  readonly codeChecksum: string;
  readonly codeSize: number;
  readonly createdTime: string;
  readonly lastModifiedTime: string;
  /**
   * Set when the record is a published version's frozen copy (functions/qualifier-resolver), not
   * LATEST; the scheduler keeps such instances apart from LATEST's.
   */
  readonly versionId?: string;
}

/** A VPC: an IPv4 block owned by one account; instances of its functions attach to its bridge. */
export interface VpcRecord {
  readonly vpcId: string;
  readonly accountId: string;
  readonly vpcName: string;
  readonly cidrBlock: string;
  readonly description: string;
  /** Unique across the store; names the VPC's bridge on each node. */
  readonly bridgeIndex: number;
  readonly createdTime: string;
}

/**
 * A function's async invoke config for one qualifier (PutAsyncInvokeConfig). `config` holds the
 * validated input; the store keeps `createdTime` of the first put when a config is replaced.
 */
export interface AsyncInvokeConfigRecord {
  readonly accountId: string;
  readonly functionName: string;
  /** `LATEST`, a version id or an alias name. */
  readonly qualifier: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly createdTime: string;
  readonly lastModifiedTime: string;
}

export interface ListPage<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

export interface MetadataStore extends RamStore, LayerStore, Fc2ServiceStore, TriggerStore, VersionStore, VpcBindingStore {
  createAccount(account: AccountRecord): void;
  getAccount(accountId: string): AccountRecord | undefined;
  listAccounts(): AccountRecord[];

  putAccessKey(key: AccessKeyRecord): void;
  getAccessKey(accessKeyId: string): AccessKeyRecord | undefined;
  listAccessKeys(accountId: string): AccessKeyRecord[];

  /** Throws `FunctionAlreadyExists` when the name is taken in that account. */
  createFunction(record: FunctionRecord): void;
  getFunction(accountId: string, functionName: string): FunctionRecord | undefined;
  /**
   * Replaces a function if its stored revision is still `expectedRevision`.
   * Throws `ConcurrentUpdateError` otherwise and `FunctionNotFound` if it is gone.
   */
  updateFunction(record: FunctionRecord, expectedRevision: number): void;
  /** Returns false when there was nothing to delete. */
  deleteFunction(accountId: string, functionName: string): boolean;
  /** Functions in name order, after `nextToken` (exclusive), whose names start with `prefix`. */
  listFunctions(accountId: string, options: { prefix?: string; limit: number; nextToken?: string }): ListPage<FunctionRecord>;

  createVpc(record: VpcRecord): void;
  getVpc(vpcId: string): VpcRecord | undefined;
  /** One account's VPCs, or every VPC (for address-overlap checks) when `accountId` is undefined; in creation order. */
  listVpcs(accountId?: string): VpcRecord[];
  deleteVpc(vpcId: string): boolean;
  /** Names of the account's functions whose vpcConfig names this VPC. */
  functionsInVpc(accountId: string, vpcId: string): string[];

  /** reservedConcurrency per function (PutConcurrencyConfig); removed with the function. */
  putConcurrencyConfig(accountId: string, functionName: string, reservedConcurrency: number): void;
  getConcurrencyConfig(accountId: string, functionName: string): number | undefined;
  deleteConcurrencyConfig(accountId: string, functionName: string): boolean;
  /** A function's provisioned-instance config (the PutProvisionConfig input, validated); removed with the function. */
  putProvisionConfig(accountId: string, functionName: string, config: Readonly<Record<string, unknown>>): void;
  getProvisionConfig(accountId: string, functionName: string): Readonly<Record<string, unknown>> | undefined;
  deleteProvisionConfig(accountId: string, functionName: string): boolean;
  /** Every account's configs (accountId undefined) or one account's, by function name. */
  listProvisionConfigs(accountId?: string): { accountId: string; functionName: string; config: Readonly<Record<string, unknown>> }[];
  /** The account's reservations, by function name. */
  listConcurrencyConfigs(accountId: string): { functionName: string; reservedConcurrency: number }[];
  /**
   * Creates or replaces the async invoke config of (function, qualifier); a replacement keeps the
   * stored `createdTime`. Throws `FunctionNotFound` when the function does not exist. Removed with the function.
   */
  putAsyncInvokeConfig(record: AsyncInvokeConfigRecord): void;
  getAsyncInvokeConfig(accountId: string, functionName: string, qualifier: string): AsyncInvokeConfigRecord | undefined;
  /** Returns false when there was nothing to delete. */
  deleteAsyncInvokeConfig(accountId: string, functionName: string, qualifier: string): boolean;
  /** The account's async invoke configs, by function name, then qualifier. */
  listAsyncInvokeConfigs(accountId: string): AsyncInvokeConfigRecord[];

  close(): void;
}

export interface BlobStore {
  /** Stores bytes durably (written, fsync'd, renamed) and returns their key, the sha256 hex. */
  put(bytes: Buffer): Promise<{ key: string; size: number }>;
  has(key: string): Promise<boolean>;
  get(key: string): Promise<Buffer>;
  /** Throws when the key is unknown. */
  createReadStream(key: string): Readable;
  size(key: string): Promise<number>;
  delete(key: string): Promise<void>;
}

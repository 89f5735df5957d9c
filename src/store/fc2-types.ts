/**
 * @module store/fc2-types
 * The FC 2.0 part of the MetadataStore: services. A service groups functions and carries the
 * settings they share (role, log, VPC, internet access); its functions are ordinary function
 * records named `<serviceName>$<functionName>`.
 */

/** One FC 2.0 service as stored. `config` holds its settings (description, role, logConfig, vpcConfig, internetAccess, …). */
export interface Fc2ServiceRecord {
  readonly accountId: string;
  readonly serviceName: string;
  readonly serviceId: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly createdTime: string;
  readonly lastModifiedTime: string;
}

export interface Fc2ServiceStore {
  /** Throws `ServiceAlreadyExists` when the name is taken in that account. */
  createFc2Service(record: Fc2ServiceRecord): void;
  getFc2Service(accountId: string, serviceName: string): Fc2ServiceRecord | undefined;
  /** Replaces the settings; throws `ServiceNotFound` when the service is gone. */
  updateFc2Service(record: Fc2ServiceRecord): void;
  /** Returns false when there was nothing to delete. */
  deleteFc2Service(accountId: string, serviceName: string): boolean;
  /** Services in name order, from `startKey` (inclusive) or after `nextToken` (exclusive), whose names start with `prefix`; `limit + 1` rows are read to know whether more follow. */
  listFc2Services(accountId: string, options: { prefix?: string; startKey?: string; nextToken?: string; limit: number }): { items: Fc2ServiceRecord[]; nextToken?: string };
}

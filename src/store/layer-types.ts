/**
 * @module store/layer-types
 * The layer part of the MetadataStore. Glossary:
 * - **layer**: a named, per-account series of versions, public (readable by every account) or private.
 * - **layer version**: one immutable published zip of a layer, numbered 1, 2, … per layer; a
 *   number is never reused, even after its version (or every version) was deleted.
 */

/** One published version of a layer. `isPublic` is the layer's ACL at the time it was read. */
export interface LayerVersionRecord {
  readonly accountId: string;
  readonly layerName: string;
  readonly version: number;
  readonly description: string;
  readonly license: string;
  readonly compatibleRuntime: readonly string[];
  /** The package in the BlobStore (sha256 hex). */
  readonly codeBlobKey: string;
  /** CRC-64/ECMA-182 of the zip, decimal. */
  readonly codeChecksum: string;
  readonly codeSize: number;
  readonly createdTime: string;
  readonly isPublic: boolean;
}

/** What CreateLayerVersion stores; the store numbers it. */
export type NewLayerVersion = Omit<LayerVersionRecord, 'version' | 'isPublic'>;

export interface ListLayersOptions {
  /** One account's layers; with `isPublicOnly` and no account, the public layers of every account. */
  readonly accountId?: string;
  readonly isPublicOnly?: boolean;
  readonly prefix?: string;
  readonly limit: number;
  /** The `<accountId>:<layerName>` key of the last layer of the previous page (exclusive). */
  readonly nextToken?: string;
}

export interface LayerStore {
  /** Creates the layer when needed and stores the next version number of it; returns the record. */
  createLayerVersion(input: NewLayerVersion): LayerVersionRecord;
  getLayerVersion(accountId: string, layerName: string, version: number): LayerVersionRecord | undefined;
  /** Versions of one layer, oldest first, from `startVersion` (inclusive); `nextVersion` is the first one of the next page. */
  listLayerVersions(accountId: string, layerName: string, options: { startVersion?: number; limit: number }): { items: LayerVersionRecord[]; nextVersion?: number };
  /** The newest version of each layer that has one, by account then name. */
  listLayers(options: ListLayersOptions): { items: LayerVersionRecord[]; nextToken?: string };
  /** Returns false when there was nothing to delete. The layer keeps its version counter. */
  deleteLayerVersion(accountId: string, layerName: string, version: number): boolean;
  /** Makes every version of a layer public or private; returns false when the layer has no version. */
  setLayerPublic(accountId: string, layerName: string, isPublic: boolean): boolean;
}

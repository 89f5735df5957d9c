/**
 * @module store/version-types
 * The versions-and-aliases part of the MetadataStore: immutable published versions of a function
 * (a frozen copy of LATEST's configuration and code identity) and aliases pointing at one version,
 * optionally with weighted extra versions. Everything here is removed with its function.
 *
 * Glossary:
 * - **version**: a published, immutable snapshot of a function's LATEST; its id counts up from 1
 *   per function and is never reused, even after the version is deleted.
 * - **alias**: a named pointer to one version, plus `additionalVersionWeight` (version id → share
 *   of invocations in [0, 1]) for canary routing.
 */
import type { FunctionRecord, ListPage } from './types.js';

/**
 * A published version: LATEST's revision (`revision`), configuration and code fields at the moment
 * of publishing, frozen.
 */
export interface VersionRecord
  extends Pick<FunctionRecord, 'accountId' | 'functionName' | 'revision' | 'config' | 'codeBlobKey' | 'codeChecksum' | 'codeSize' | 'createdTime' | 'lastModifiedTime'> {
  /** Decimal string of a positive integer, as FC sends it. */
  readonly versionId: string;
  readonly description: string;
}

export interface AliasRecord {
  readonly accountId: string;
  readonly functionName: string;
  readonly aliasName: string;
  readonly versionId: string;
  readonly description: string;
  /** Extra versions and the share of invocations each gets; the rest go to `versionId`. */
  readonly additionalVersionWeight: Readonly<Record<string, number>>;
  readonly createdTime: string;
  readonly lastModifiedTime: string;
}

/** Newest first (`BACKWARD`, FC's default) or oldest first (`FORWARD`). */
export type VersionDirection = 'FORWARD' | 'BACKWARD';

export interface VersionStore {
  /**
   * Stores a new version of the function with the next id of its counter, provided the function's
   * revision is still `expectedRevision` (so the snapshot is of the current LATEST). Throws
   * `FunctionNotFound` when the function is gone and `ConcurrentUpdateError` when it changed.
   */
  publishFunctionVersion(record: Omit<VersionRecord, 'versionId'>, expectedRevision: number): VersionRecord;
  getFunctionVersion(accountId: string, functionName: string, versionId: string): VersionRecord | undefined;
  /**
   * One page of versions in `direction` order, starting at version id `from` (inclusive) when
   * given; `nextToken` is the id of the first version of the next page.
   */
  listFunctionVersions(accountId: string, functionName: string, options: { direction: VersionDirection; limit: number; from?: number }): ListPage<VersionRecord>;
  /**
   * Deletes a version unless an alias points at it (as its version or in its weights): then
   * throws `VersionInUse` naming the aliases. Returns false when there was no such version.
   */
  deleteFunctionVersion(accountId: string, functionName: string, versionId: string): boolean;

  /**
   * Stores a new alias. Throws `AliasAlreadyExists` when the name is taken, `VersionNotFound`
   * when a version it names does not exist, and `FunctionNotFound` when the function is gone.
   */
  createAlias(record: AliasRecord): void;
  getAlias(accountId: string, functionName: string, aliasName: string): AliasRecord | undefined;
  /** Replaces an alias; the same checks as createAlias, and `AliasNotFound` when there is none. */
  updateAlias(record: AliasRecord): void;
  /** Returns false when there was nothing to delete. */
  deleteAlias(accountId: string, functionName: string, aliasName: string): boolean;
  /** Aliases in name order, after `nextToken` (exclusive), whose names start with `prefix`. */
  listAliases(accountId: string, functionName: string, options: { prefix?: string; limit: number; nextToken?: string }): ListPage<AliasRecord>;
}

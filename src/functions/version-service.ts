/**
 * @module functions/version-service
 * Function versions and aliases (reference §5, §6.5): PublishFunctionVersion freezes LATEST's code
 * and configuration into an immutable, numbered version; ListFunctionVersions and
 * DeleteFunctionVersion; Create/Get/List/Update/DeleteAlias. Lookups used on the invocation path
 * (`findVersion`, `findAlias`) are served from memory: versions never change, and aliases are
 * dropped from memory on every write and with their function.
 */
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { AliasRecord, MetadataStore, VersionDirection, VersionRecord } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import { LATEST, parseVersionId, validateAliasName, validateWeights } from './alias-routing.js';
import { fcTime, type FunctionService } from './function-service.js';
import { pageLimit } from './paging.js';
import { validateFunctionName } from './validation.js';

const MAX_DESCRIPTION_LENGTH = 256;

/** FC's `Version` model. */
export interface VersionView {
  versionId: string;
  description: string;
  createdTime: string;
  lastModifiedTime: string;
}

/** FC's `Alias` model. */
export interface AliasView {
  aliasName: string;
  versionId: string;
  description: string;
  additionalVersionWeight: Record<string, number>;
  createdTime: string;
  lastModifiedTime: string;
}

export interface ListVersionsQuery {
  direction?: string;
  limit?: string | number;
  nextToken?: string;
}

export interface ListAliasesQuery {
  prefix?: string;
  limit?: string | number;
  nextToken?: string;
}

/** A version that was deleted, for the scheduler to stop its instances. */
export interface VersionDeleted {
  readonly accountId: string;
  readonly functionName: string;
  readonly versionId: string;
}

export interface VersionService {
  publish(accountId: string, functionName: string, input: Record<string, unknown>): VersionView;
  listVersions(accountId: string, functionName: string, query: ListVersionsQuery): { versions: VersionView[]; direction: VersionDirection; nextToken?: string };
  /** VersionInUse (409, naming the aliases) while an alias routes to it. */
  deleteVersion(accountId: string, functionName: string, versionId: string): void;
  createAlias(accountId: string, functionName: string, input: Record<string, unknown>): AliasView;
  getAlias(accountId: string, functionName: string, aliasName: string): AliasView;
  listAliases(accountId: string, functionName: string, query: ListAliasesQuery): { aliases: AliasView[]; nextToken?: string };
  /** Partial: only the fields sent change; `additionalVersionWeight: {}` clears the weights. */
  updateAlias(accountId: string, functionName: string, aliasName: string, input: Record<string, unknown>): AliasView;
  deleteAlias(accountId: string, functionName: string, aliasName: string): void;
  /** A version of an existing function, or undefined (the function itself is checked by the caller). */
  findVersion(accountId: string, functionName: string, versionId: string): VersionRecord | undefined;
  findAlias(accountId: string, functionName: string, aliasName: string): AliasRecord | undefined;
  onVersionDeleted(fn: (deleted: VersionDeleted) => void): void;
  /** After a version or an alias is deleted: settings kept per qualifier (async invoke configs) go with it. */
  onQualifierDeleted(fn: (deleted: { accountId: string; functionName: string; qualifier: string }) => void): void;
}

const versionView = (v: VersionRecord): VersionView => ({ versionId: v.versionId, description: v.description, createdTime: v.createdTime, lastModifiedTime: v.lastModifiedTime });
const aliasView = (a: AliasRecord): AliasView => ({
  aliasName: a.aliasName, versionId: a.versionId, description: a.description, additionalVersionWeight: { ...a.additionalVersionWeight }, createdTime: a.createdTime, lastModifiedTime: a.lastModifiedTime,
});

function description(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || raw.length > MAX_DESCRIPTION_LENGTH) throw invalidArgument(`description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  return raw;
}

/** JSON with object keys sorted, so two configurations compare equal whatever order their fields were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function createVersionService(deps: { store: MetadataStore; functions: FunctionService; clock: Clock }): VersionService {
  const { store, functions, clock } = deps;
  const versions = new Map<string, VersionRecord>();
  const aliases = new Map<string, AliasRecord>();
  const listeners: ((d: VersionDeleted) => void)[] = [];
  const qualifierListeners: ((d: { accountId: string; functionName: string; qualifier: string }) => void)[] = [];
  /** A version or alias that a trigger fires cannot be deleted: the trigger would fail at every fire. */
  const refuseIfTriggered = (accountId: string, functionName: string, qualifier: string, what: string) => {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = store.listTriggers(accountId, functionName, { limit: 100, ...(nextToken && { nextToken }) });
      for (const t of page.items) if (t.qualifier === qualifier) names.push(t.triggerName);
      nextToken = page.nextToken;
    } while (nextToken);
    if (names.length > 0) throw new PlatformError('ResourceInUse', `${what} is used by the triggers ${names.join(', ')}; point them at another qualifier or delete them first`);
  };
  const key = (accountId: string, functionName: string, name: string) => `${accountId}\u0000${functionName}\u0000${name}`;
  const forgetFunction = (accountId: string, functionName: string) => {
    const prefix = `${accountId}\u0000${functionName}\u0000`;
    for (const cache of [versions, aliases] as Map<string, unknown>[]) for (const k of cache.keys()) if (k.startsWith(prefix)) cache.delete(k);
  };
  functions.onChange((c) => {
    if (c.revision === undefined) forgetFunction(c.accountId, c.functionName);
  });

  /** The function's name checked and its existence confirmed (FunctionNotFound otherwise). */
  const existing = (accountId: string, functionName: string) => functions.resolve(accountId, validateFunctionName(functionName));
  const aliasNotFound = (functionName: string, aliasName: string) => new PlatformError('AliasNotFound', `alias '${aliasName}' of function '${functionName}' does not exist`);

  function findVersion(accountId: string, functionName: string, versionId: string): VersionRecord | undefined {
    const k = key(accountId, functionName, versionId);
    let v = versions.get(k);
    if (!v) {
      v = store.getFunctionVersion(accountId, functionName, versionId);
      // Only found versions are remembered: a miss may be a version about to be published.
      if (v) versions.set(k, v);
    }
    return v;
  }

  function findAlias(accountId: string, functionName: string, aliasName: string): AliasRecord | undefined {
    const k = key(accountId, functionName, aliasName);
    let a = aliases.get(k);
    if (!a) {
      a = store.getAlias(accountId, functionName, aliasName);
      // Misses are not remembered, so asking for made-up names cannot grow the cache.
      if (a) aliases.set(k, a);
    }
    return a;
  }

  function aliasRecord(accountId: string, functionName: string, aliasName: string, input: Record<string, unknown>, current?: AliasRecord): AliasRecord {
    const versionId = input.versionId !== undefined || !current ? parseVersionId(input.versionId, 'versionId') : current.versionId;
    const weights = input.additionalVersionWeight !== undefined ? validateWeights(input.additionalVersionWeight, versionId) : validateWeights(current?.additionalVersionWeight, versionId);
    const now = fcTime(clock.now());
    return {
      accountId, functionName, aliasName, versionId, description: description(input.description) ?? current?.description ?? '', additionalVersionWeight: weights,
      createdTime: current?.createdTime ?? now, lastModifiedTime: now,
    };
  }

  return {
    findVersion,
    findAlias,
    onQualifierDeleted(fn) {
      qualifierListeners.push(fn);
    },
    onVersionDeleted(fn) {
      listeners.push(fn);
    },
    publish(accountId, functionName, input) {
      const latest = existing(accountId, functionName);
      const desc = description(input.description) ?? '';
      const [newest] = store.listFunctionVersions(accountId, latest.functionName, { direction: 'BACKWARD', limit: 1 }).items;
      if (newest && newest.codeChecksum === latest.codeChecksum && canonical(newest.config) === canonical(latest.config)) {
        throw new PlatformError('VersionNotChanged', `nothing changed in function '${functionName}' since version ${newest.versionId}: update its code or configuration before publishing`, {
          fields: { versionId: newest.versionId },
        });
      }
      const now = fcTime(clock.now());
      const v = store.publishFunctionVersion({
        accountId, functionName: latest.functionName, description: desc, revision: latest.revision, config: latest.config,
        codeBlobKey: latest.codeBlobKey, codeChecksum: latest.codeChecksum, codeSize: latest.codeSize, createdTime: now, lastModifiedTime: now,
      }, latest.revision);
      return versionView(v);
    },
    listVersions(accountId, functionName, query) {
      existing(accountId, functionName);
      const direction = (query.direction || 'BACKWARD') as VersionDirection;
      if (direction !== 'FORWARD' && direction !== 'BACKWARD') throw invalidArgument(`direction must be FORWARD or BACKWARD, got '${String(query.direction)}'`);
      const from = query.nextToken ? Number(parseVersionId(query.nextToken, 'nextToken')) : undefined;
      const page = store.listFunctionVersions(accountId, functionName, { direction, limit: pageLimit(query.limit), ...(from !== undefined && { from }) });
      return { versions: page.items.map(versionView), direction, ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    deleteVersion(accountId, functionName, versionId) {
      existing(accountId, functionName);
      const id = parseVersionId(versionId, 'versionId');
      refuseIfTriggered(accountId, functionName, id, `version '${id}' of function '${functionName}'`);
      if (!store.deleteFunctionVersion(accountId, functionName, id)) throw new PlatformError('VersionNotFound', `version '${id}' of function '${functionName}' does not exist`);
      versions.delete(key(accountId, functionName, id));
      for (const fn of listeners) fn({ accountId, functionName, versionId: id });
      for (const fn of qualifierListeners) fn({ accountId, functionName, qualifier: id });
    },
    createAlias(accountId, functionName, input) {
      existing(accountId, functionName);
      const aliasName = validateAliasName(input.aliasName);
      const record = aliasRecord(accountId, functionName, aliasName, input);
      store.createAlias(record);
      aliases.delete(key(accountId, functionName, aliasName));
      return aliasView(record);
    },
    getAlias(accountId, functionName, aliasName) {
      existing(accountId, functionName);
      const a = store.getAlias(accountId, functionName, validateAliasName(aliasName));
      if (!a) throw aliasNotFound(functionName, aliasName);
      return aliasView(a);
    },
    listAliases(accountId, functionName, query) {
      existing(accountId, functionName);
      const page = store.listAliases(accountId, functionName, { prefix: query.prefix || undefined, limit: pageLimit(query.limit), nextToken: query.nextToken || undefined });
      return { aliases: page.items.map(aliasView), ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    updateAlias(accountId, functionName, aliasName, input) {
      existing(accountId, functionName);
      validateAliasName(aliasName);
      if (input.aliasName !== undefined && input.aliasName !== aliasName) throw invalidArgument('aliasName cannot be changed');
      const current = store.getAlias(accountId, functionName, aliasName);
      if (!current) throw aliasNotFound(functionName, aliasName);
      const record = aliasRecord(accountId, functionName, aliasName, input, current);
      store.updateAlias(record);
      aliases.delete(key(accountId, functionName, aliasName));
      return aliasView(record);
    },
    deleteAlias(accountId, functionName, aliasName) {
      existing(accountId, functionName);
      validateAliasName(aliasName);
      if (store.getAlias(accountId, functionName, aliasName)) refuseIfTriggered(accountId, functionName, aliasName, `alias '${aliasName}' of function '${functionName}'`);
      const isDeleted = store.deleteAlias(accountId, functionName, aliasName);
      aliases.delete(key(accountId, functionName, aliasName));
      if (!isDeleted) throw aliasNotFound(functionName, aliasName);
      for (const fn of qualifierListeners) fn({ accountId, functionName, qualifier: aliasName });
    },
  };
}

export { LATEST };

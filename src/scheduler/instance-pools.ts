/**
 * @module scheduler/instance-pools
 * The scheduler's instances, one pool per function (every version and revision of it together),
 * and which of them are current: a LATEST instance while its revision is the function's latest, a
 * version's instance until the version or the function is deleted.
 */
import type { FunctionRecord } from '../store/types.js';
import type { Instance } from './instance.js';

export class InstancePools {
  readonly #pools = new Map<string, Set<Instance>>();
  readonly #latestRevision = new Map<string, number>();

  static #key(accountId: string, functionName: string): string {
    return `${accountId}\u0000${functionName}`;
  }

  /** The function's pool, created when first needed. */
  of(fn: Pick<FunctionRecord, 'accountId' | 'functionName'>): Set<Instance> {
    const key = InstancePools.#key(fn.accountId, fn.functionName);
    let pool = this.#pools.get(key);
    if (!pool) this.#pools.set(key, (pool = new Set()));
    return pool;
  }

  /** The function's instances (every version), without creating a pool. */
  ofFunction(accountId: string, functionName: string): ReadonlySet<Instance> {
    return this.#pools.get(InstancePools.#key(accountId, functionName)) ?? new Set();
  }

  /** Every instance of every function. */
  *all(): IterableIterator<Instance> {
    for (const pool of this.#pools.values()) yield* pool;
  }

  /** Records the function's latest revision, or (undefined) that it was deleted; its empty pool then goes. */
  setLatest(accountId: string, functionName: string, revision: number | undefined): void {
    const key = InstancePools.#key(accountId, functionName);
    if (revision !== undefined) return void this.#latestRevision.set(key, revision);
    this.#latestRevision.delete(key);
    if (this.#pools.get(key)?.size === 0) this.#pools.delete(key);
  }

  isCurrent(inst: Instance): boolean {
    // A version never changes: its instances stay current until the version is deleted (or the function: then they drain).
    if (inst.fn.versionId !== undefined) return inst.drainReason !== 'version-deleted' && inst.drainReason !== 'function-deleted';
    const latest = this.#latestRevision.get(InstancePools.#key(inst.fn.accountId, inst.fn.functionName));
    return latest === undefined || latest === inst.fn.revision;
  }
}

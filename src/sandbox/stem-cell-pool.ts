/**
 * @module sandbox/stem-cell-pool
 * Keeps pre-started sandboxes (stem cells) ready, per stem-cell key (runtime, memory, disk,
 * network mode), so a cold start only specialises a waiting cell instead of booting a runtime.
 * Waiting cells are frozen where the driver can freeze. The pool wraps a driver and is a driver
 * itself; refilling happens in the background, one cell at a time per key, off the request path.
 */
import { coerceError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from '../time/clock.js';
import { createInstanceId } from '../observability/request-id.js';
import { stemCellKey, type SandboxDriver, type SandboxSpec, type StemCell, type StemCellSpec } from './types.js';

export interface StemCellPoolOptions {
  /** Cells kept ready per key; 0 disables the pool. @default 2 */
  readonly sizePerKey: number;
  /** Keys filled at start (the shape most functions have); other keys fill after their first miss. */
  readonly prewarm: readonly Omit<StemCellSpec, 'cellId'>[];
  readonly logger: Logger;
  readonly clock: Clock;
  /**
   * A refill waits this long after a cell is taken, so starting the next cell (a fork and exec on
   * openfc's own thread) does not delay the cold start that took it. @default 50
   */
  readonly refillDelayMs: number;
}

export interface StemCellPoolStats {
  readonly hits: number;
  readonly misses: number;
  readonly ready: Record<string, number>;
}

interface KeyPool {
  readonly spec: Omit<StemCellSpec, 'cellId'>;
  readonly cells: StemCell[];
  isFilling: boolean;
  /** Its VPC was deleted: cells started for it are destroyed instead of kept. */
  isRetired: boolean;
}

export function withStemCellPool(driver: SandboxDriver, options: StemCellPoolOptions): SandboxDriver & { stats(): StemCellPoolStats; ready(): Promise<void> } {
  const pools = new Map<string, KeyPool>();
  let hits = 0;
  let misses = 0;
  let isClosed = false;
  const filling = new Set<Promise<void>>();

  function poolFor(spec: Omit<StemCellSpec, 'cellId'>): KeyPool {
    const key = stemCellKey(spec);
    let p = pools.get(key);
    if (!p) pools.set(key, (p = { spec: { runtimeFamily: spec.runtimeFamily, memoryMb: spec.memoryMb, diskSizeMb: spec.diskSizeMb, network: spec.network }, cells: [], isFilling: false, isRetired: false }));
    return p;
  }

  function refill(p: KeyPool): void {
    if (p.isFilling || isClosed || options.sizePerKey <= 0) return;
    p.isFilling = true;
    const task = (async () => {
      while (!isClosed && !p.isRetired && p.cells.length < options.sizePerKey) {
        const cell = await driver.startStemCell({ ...p.spec, cellId: createInstanceId(), isWarmedUp: true });
        await cell.freeze?.();
        if (isClosed || p.isRetired) {
          await cell.destroy();
          return;
        }
        p.cells.push(cell);
        void cell.exited.then(() => {
          const i = p.cells.indexOf(cell);
          if (i >= 0) p.cells.splice(i, 1);
        });
      }
    })()
      .catch((e: unknown) => options.logger.warn('stem cell could not be started', { key: stemCellKey(p.spec), err: coerceError(e) }))
      .finally(() => {
        p.isFilling = false;
        filling.delete(task);
      });
    filling.add(task);
  }

  for (const spec of options.prewarm) refill(poolFor(spec));

  return {
    name: driver.name,
    isIsolated: driver.isIsolated,
    startStemCell: (spec) => driver.startStemCell(spec),
    ...(driver.vpcs && {
      vpcs: {
        ensure: (vpc) => driver.vpcs!.ensure(vpc),
        allowEndpoint: (vpc, port) => driver.vpcs!.allowEndpoint(vpc, port),
        // Cells waiting in a VPC hold its addresses: they go before the VPC does.
        async remove(vpc) {
          const doomed: StemCell[] = [];
          for (const [key, p] of pools) {
            if (p.spec.network.vpc?.vpcId !== vpc.vpcId) continue;
            p.isRetired = true;
            doomed.push(...p.cells.splice(0));
            pools.delete(key);
          }
          await Promise.all(doomed.map((c) => c.destroy().catch(() => undefined)));
          await driver.vpcs!.remove(vpc);
        },
      },
    }),
    async start(spec: SandboxSpec) {
      const p = poolFor({ runtimeFamily: spec.runtimeFamily, memoryMb: spec.memoryMb, diskSizeMb: spec.diskSizeMb, network: spec.network });
      const cell = p.cells.shift();
      if (!cell) {
        misses++;
        try {
          return await driver.start(spec);
        } finally {
          options.clock.setTimeout(() => refill(p), options.refillDelayMs);
        }
      }
      hits++;
      options.clock.setTimeout(() => refill(p), options.refillDelayMs);
      try {
        return await cell.specialize(spec);
      } catch (e: unknown) {
        // A cell that cannot be specialised (it died while waiting, say) must not fail the
        // invocation: it is dropped and the instance starts fresh.
        options.logger.warn('a stem cell could not be specialised; starting a fresh sandbox', { key: stemCellKey(p.spec), err: coerceError(e) });
        await cell.destroy().catch(() => undefined);
        misses++;
        return driver.start(spec);
      }
    },
    stats() {
      return { hits, misses, ready: Object.fromEntries([...pools].map(([k, p]) => [k, p.cells.length])) };
    },
    /** Resolves when every refill under way has finished (for tests and benchmarks). */
    async ready() {
      while (filling.size) await Promise.all([...filling]);
    },
    async close() {
      isClosed = true;
      await Promise.all([...filling]);
      await Promise.all([...pools.values()].flatMap((p) => p.cells.splice(0).map((c) => c.destroy())));
      await driver.close();
    },
  };
}

/** @module sandbox — the SandboxDriver interface, its drivers, and the instance channel. */
import path from 'node:path';
import type { ResolvedConfig } from '../config/index.js';
import type { Clock } from '../time/clock.js';
import { createLinuxDriver, LINUX_DRIVER_NAME } from './drivers/linux/linux-driver.js';
import { checkHost } from './drivers/linux/host-check.js';
import { createProcessDriver, PROCESS_DRIVER_NAME } from './drivers/process/process-driver.js';
import type { SandboxDriver } from './types.js';

export * from './types.js';
export * from './channel/index.js';
export { checkHost, type HostCheck } from './drivers/linux/host-check.js';
export { withStemCellPool, type StemCellPoolStats } from './stem-cell-pool.js';

/** The one registry of sandbox drivers, keyed by the name used in config. */
export const SANDBOX_DRIVERS: Record<string, (config: ResolvedConfig, clock: Clock) => SandboxDriver> = {
  [PROCESS_DRIVER_NAME]: (config) => createProcessDriver({ runRoot: path.join(config.dataDir, 'run'), startTimeoutMs: config.instanceStartTimeoutMs }),
  [LINUX_DRIVER_NAME]: (config, clock) =>
    createLinuxDriver({
      runRoot: path.join(config.dataDir, 'run'),
      startTimeoutMs: config.instanceStartTimeoutMs,
      coldStartBoostMs: config.coldStartBoostMs,
      subnetBase: config.instanceSubnetBase,
      bandwidth: config.instanceBandwidth,
      host: checkHost(),
      clock,
    }),
};

/** @module sandbox — the SandboxDriver interface, its drivers, and the instance channel. */
import type { ResolvedConfig } from '../config/index.js';
import { createProcessDriver, PROCESS_DRIVER_NAME } from './drivers/process/process-driver.js';
import type { SandboxDriver } from './types.js';
import path from 'node:path';

export * from './types.js';
export * from './channel/index.js';

/** The one registry of sandbox drivers, keyed by the name used in config. */
export const SANDBOX_DRIVERS: Record<string, (config: ResolvedConfig) => SandboxDriver> = {
  [PROCESS_DRIVER_NAME]: (config) => createProcessDriver({ runRoot: path.join(config.dataDir, 'run'), startTimeoutMs: config.instanceStartTimeoutMs }),
};

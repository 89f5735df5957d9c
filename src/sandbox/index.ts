/** @module sandbox — the SandboxDriver interface, its drivers, and the instance channel. */
import path from 'node:path';
import type { ResolvedConfig, SandboxDriverName } from '../config/index.js';
import type { Clock } from '../time/clock.js';
import { createLinuxDriver, LINUX_DRIVER_NAME } from './drivers/linux/linux-driver.js';
import { checkHost, type HostCheck } from './drivers/linux/host-check.js';
import { createProcessDriver, PROCESS_DRIVER_NAME } from './drivers/process/process-driver.js';
import type { SandboxDriver } from './types.js';

export * from './types.js';
export * from './channel/index.js';
export { checkHost, type HostCheck } from './drivers/linux/host-check.js';
export { instanceLinkBlocks } from './drivers/linux/network.js';
export { withStemCellPool, type StemCellPoolStats } from './stem-cell-pool.js';
export { RUNTIME_FAMILIES, PYTHON_RUNTIME_BIN, type RuntimeFamily } from './runtime-launch.js';

/** The one registry of sandbox drivers, keyed by the name used in config. */
export const SANDBOX_DRIVERS: Record<Exclude<SandboxDriverName, 'auto'>, (config: ResolvedConfig, clock: Clock, host: HostCheck) => SandboxDriver> = {
  [PROCESS_DRIVER_NAME]: (config) => createProcessDriver({ runRoot: path.join(config.dataDir, 'run'), startTimeoutMs: config.instanceStartTimeoutMs }),
  [LINUX_DRIVER_NAME]: (config, clock, host) =>
    createLinuxDriver({
      runRoot: path.join(config.dataDir, 'run'),
      startTimeoutMs: config.instanceStartTimeoutMs,
      coldStartBoostMs: config.coldStartBoostMs,
      subnetBase: config.instanceSubnetBase,
      bandwidth: config.instanceBandwidth,
      performanceBandwidth: config.performanceInstanceBandwidth,
      host,
      clock,
    }),
};

/** What users are told when a driver does not isolate instances; undefined when it does. */
export function isolationWarning(driver: { name: string; isIsolated: boolean }): string | undefined {
  if (driver.isIsolated) return undefined;
  return `instances are NOT isolated: the '${driver.name}' sandbox driver runs function code as a plain process with openfc's user, able to read this machine; run only code you trust`;
}

/**
 * Creates the configured driver. `auto` (the default) picks `linux` wherever this machine can run
 * it and `process` otherwise. `warnings` says what the chosen driver cannot enforce here.
 */
export function createSandboxDriver(config: ResolvedConfig, clock: Clock): { driver: SandboxDriver; warnings: string[] } {
  const wantsLinux = config.sandbox !== PROCESS_DRIVER_NAME;
  const host = wantsLinux ? checkHost() : undefined;
  if (host && (config.sandbox === LINUX_DRIVER_NAME || host.isUsable)) {
    return { driver: SANDBOX_DRIVERS.linux(config, clock, host), warnings: host.problems.map((p) => `the linux sandbox cannot enforce everything on this host: ${p}`) };
  }
  const warnings = host ? [`the linux sandbox cannot run on this host (${host.problems.join('; ')}), so instances run in the process sandbox`] : [];
  return { driver: SANDBOX_DRIVERS.process(config, clock, { isUsable: false, hasNetworking: false, problems: [] }), warnings };
}
export { RUNTIME_BASE_ENV } from './exec-process.js';

/**
 * @module sandbox/runtime-launch
 * The one registry of runtime families: for each family, the command line that starts its runtime
 * (`runtimes/<family>/`) inside a sandbox. Both drivers build their runtime process from it, so a
 * family is added here once and runs on every driver.
 *
 * - `nodejs`: runtimes/nodejs/bootstrap.cjs on the machine's Node.js.
 * - `python`: runtimes/python/bootstrap.py on the machine's `/usr/bin/python3` (never a PATH lookup).
 * - `custom`: runtimes/custom/adapter.cjs on the machine's Node.js; it starts the user's
 *   `bootstrap` (or customRuntimeConfig.command) once a function is assigned, and speaks FC's
 *   custom-runtime HTTP contract to it.
 */
import fs from 'node:fs';
import { PlatformError } from '../errors/index.js';

/** The runtime families openfc can start; every FC runtime id maps to one (functions/runtimes). */
export const RUNTIME_FAMILIES = ['nodejs', 'python', 'custom'] as const;
export type RuntimeFamily = (typeof RUNTIME_FAMILIES)[number];

/** The machine's Python interpreter that serves the python runtimes (Debian's package). */
export const PYTHON_RUNTIME_BIN = '/usr/bin/python3';
/** The custom-runtime adapter is small: its V8 heap is capped so the user's server keeps the memory. */
const ADAPTER_HEAP_MB = 64;

export interface RuntimeLaunchInput {
  /** The Node.js binary as the runtime sees it (the host's, bound at the same path in a sandbox). */
  readonly nodeBin: string;
  /** Where `runtimes/` is as the runtime sees it. */
  readonly runtimesDir: string;
  /** The channel socket as the runtime sees it. */
  readonly socketPath: string;
  /** V8 heap of a Node.js runtime, in MB. */
  readonly heapMb: number;
  readonly isWarmedUp?: boolean;
  /**
   * Instances share the host's network (process driver): a custom runtime's server gets a free port
   * in FC_CUSTOM_LISTEN_PORT instead of the configured one, so two instances never collide.
   */
  readonly isNetworkShared?: boolean;
}

/** The argv that starts a family's runtime. */
export const RUNTIME_LAUNCHERS: Readonly<Record<RuntimeFamily, (input: RuntimeLaunchInput) => string[]>> = {
  nodejs: (i) => [i.nodeBin, `--max-old-space-size=${i.heapMb}`, `${i.runtimesDir}/nodejs/bootstrap.cjs`, i.socketPath, ...(i.isWarmedUp ? ['--warm-up'] : [])],
  python: (i) => [PYTHON_RUNTIME_BIN, '-u', '-B', `${i.runtimesDir}/python/bootstrap.py`, i.socketPath],
  custom: (i) => [i.nodeBin, `--max-old-space-size=${Math.min(ADAPTER_HEAP_MB, i.heapMb)}`, `${i.runtimesDir}/custom/adapter.cjs`, i.socketPath, ...(i.isNetworkShared ? ['--shared-network'] : [])],
};

/**
 * The runtime command for `family`. `exists` checks the interpreter (tests replace it).
 * @throws PlatformError `ServiceUnavailable` when the machine lacks what the family needs (python3).
 */
export function runtimeCommand(family: RuntimeFamily, input: RuntimeLaunchInput, exists: (file: string) => boolean = fs.existsSync): string[] {
  const launch = RUNTIME_LAUNCHERS[family];
  if (!launch) throw new PlatformError('ServiceUnavailable', `openfc cannot start runtime family '${String(family)}'; known: ${RUNTIME_FAMILIES.join(', ')}`);
  if (family === 'python' && !exists(PYTHON_RUNTIME_BIN)) {
    throw new PlatformError('ServiceUnavailable', `the python runtimes are served by ${PYTHON_RUNTIME_BIN}, which this machine does not have (apt-get install python3)`);
  }
  return launch(input);
}

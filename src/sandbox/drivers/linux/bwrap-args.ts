/**
 * @module sandbox/drivers/linux/bwrap-args
 * The bubblewrap command line of one instance: its own user, pid, ipc, uts, cgroup and (mode
 * none) network namespaces; a read-only root with only /usr, the runtime and a few /etc files;
 * /code and /opt read-only; a size-limited tmpfs /tmp; fresh /proc and a minimal /dev; the channel
 * socket directory at /run/fc; an empty environment; uid 1000 inside. Passed through --args so the
 * sandbox's own /proc/1/cmdline shows no host path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RUNTIME_BASE_ENV } from '../../exec-process.js';
import { runtimeCommand, type RuntimeFamily } from '../../runtime-launch.js';

export const SANDBOX_UID = 1000;
export const RUNTIME_DIR_INSIDE = '/var/fc/runtime';
export const CHANNEL_DIR_INSIDE = '/run/fc';
const ETC_FILES = ['/etc/ssl', '/etc/ca-certificates', '/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/localtime', '/etc/passwd', '/etc/group'];

export interface BwrapInput {
  /** The host directory bound read-only at /code (an empty slot for a stem cell). */
  readonly codeDir: string;
  /** The host directory bound read-only at /opt (the layers' slot, empty until specialisation). */
  readonly optDir: string;
  readonly runDir: string;
  readonly runtimesDir: string;
  readonly diskSizeBytes: number;
  readonly isNetworkUnshared: boolean;
  readonly heapMb: number;
  /** Which runtime boots inside (runtime-launch's registry). @default 'nodejs' */
  readonly runtimeFamily?: RuntimeFamily;
  /** Passes `--warm-up` to the runtime (stem cells that wait in a pool). */
  readonly isWarmedUp?: boolean;
  readonly seccompFd: number;
  readonly statusFd: number;
}

/** Options go through --args (a pipe); the command stays on the command line, where bwrap wants it. */
export function buildBwrapArgs(input: BwrapInput): { options: string[]; command: string[] } {
  const nodeBin = fs.realpathSync(process.execPath);
  const args = [
    '--unshare-user', '--disable-userns', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    ...(input.isNetworkUnshared ? ['--unshare-net'] : []),
    '--die-with-parent', '--new-session',
    '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
  ];
  if (!nodeBin.startsWith('/usr/')) args.push('--ro-bind', path.dirname(nodeBin), path.dirname(nodeBin));
  for (const f of ETC_FILES) args.push('--ro-bind-try', f, f);
  args.push(
    '--ro-bind', input.runtimesDir, RUNTIME_DIR_INSIDE,
    '--ro-bind', input.codeDir, '/code',
    '--ro-bind', input.optDir, '/opt',
    '--proc', '/proc', '--dev', '/dev',
    '--size', String(input.diskSizeBytes), '--tmpfs', '/tmp',
    '--bind', input.runDir, CHANNEL_DIR_INSIDE,
    '--remount-ro', '/',
    '--chdir', '/code', '--hostname', 'fc-instance',
    '--clearenv', ...Object.entries(RUNTIME_BASE_ENV).flatMap(([k, v]) => ['--setenv', k, v]),
    '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID),
    '--seccomp', String(input.seccompFd), '--json-status-fd', String(input.statusFd),
  );
  const command = runtimeCommand(input.runtimeFamily ?? 'nodejs', {
    nodeBin, runtimesDir: RUNTIME_DIR_INSIDE, socketPath: `${CHANNEL_DIR_INSIDE}/fc.sock`, heapMb: input.heapMb, ...(input.isWarmedUp && { isWarmedUp: true }),
  });
  return { options: args, command };
}

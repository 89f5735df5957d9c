/**
 * @module sandbox/drivers/linux/linux-driver
 * The `linux` sandbox driver: each instance runs under bubblewrap in its own namespaces, as its
 * own host uid, in its own cgroup (memory = memorySize, CPU proportional to memory after a
 * cold-start boost, pids limit, freezer), under a seccomp filter, with a network namespace wired
 * to the function's mode. openfc talks to it only through the unix socket in its run dir.
 *
 * Every sandbox starts as a stem cell: an empty code slot (`<run dir>/code`, bound read-only at
 * /code) and a runtime waiting for a function. Specialising hard-links the code into the slot,
 * applies the function's CPU quota after the boost, and thaws the cell.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlatformError } from '../../../errors/index.js';
import type { Clock } from '../../../time/clock.js';
import { listenForRuntime, type InstanceChannel } from '../../channel/index.js';
import { linkTree, mergeTrees } from '../../link-tree.js';
import { LiveSandboxes, awaitRuntime } from '../../runtime-connection.js';
import { commandLine, spawnExecProcess } from '../../exec-process.js';
import type { ExecProcess, ExecRequest, Sandbox, SandboxDriver, SandboxExit, SandboxSpec, StemCell, StemCellSpec, VpcAttachment } from '../../types.js';
import { buildBwrapArgs, SANDBOX_UID } from './bwrap-args.js';
import { CPU_PERIOD_US, createCgroupManager, hasCgroupDir, type CgroupLayout, type InstanceCgroup } from './cgroups.js';
import type { HostCheck } from './host-check.js';
import { createNetworkManager, sweepDeadLeaseNetworks, type InstanceNetwork, type NetworkManager } from './network.js';
import { acquireNodeLease, DEFAULT_LEASE_DIR, isLeaseHeld, MAX_NODE_LEASES } from './node-lease.js';
import { buildSeccompFilter } from './seccomp.js';
import { canFilterExec, filteredCommand, PYTHON3_BIN } from './seccomp-exec.js';

export const LINUX_DRIVER_NAME = 'linux';
const RUNTIMES_DIR = fileURLToPath(new URL('../../../../runtimes', import.meta.url));
const HEAP_SHARE = 0.75;
/** Processes + threads per instance (FC's documented limit). */
const PIDS_MAX = 1024;
/** Host uids for instances: UID_BASE + lease × MAX_SLOTS + slot. */
const UID_BASE = 200_000;
const MAX_SLOTS = 16_000;
/** Instances with this much disk are FC's performance instances, with more bandwidth. */
const PERFORMANCE_DISK_MB = 10_240;
/** Joins the cgroups given as arguments, then execs the rest: Node has no pre-exec hook to do it. */
const JOIN_CGROUPS_SCRIPT = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1"; shift; n=$((n-1)); done; exec "$@"';

/** The fd on which an exec'd command's filter program arrives. */
const EXEC_SECCOMP_FD = 3;

/**
 * Enters every namespace of the sandbox process `pid` as the function's user, without new
 * privileges, under the function's seccomp filter.
 */
const enterCommand = (pid: number): string[] => [
  '/usr/bin/nsenter', `--target=${pid}`, '--user', '--mount', '--uts', '--ipc', '--net', '--pid', '--cgroup', '--root',
  `--setuid=${SANDBOX_UID}`, `--setgid=${SANDBOX_UID}`, '--', '/usr/bin/setpriv', '--no-new-privs', '--',
  ...filteredCommand(EXEC_SECCOMP_FD, ['/usr/bin/env', '--chdir=/code']),
];

/** bwrap's --json-status-fd says first which host pid runs the sandbox; later lines are ignored. */
function readChildPid(status: NodeJS.ReadableStream): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    status.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /"child-pid":\s*(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
      if (m || text.length > 4096) text = '';
    });
    status.once('end', () => resolve(undefined));
  });
}

export interface LinuxDriverOptions {
  readonly runRoot: string;
  readonly startTimeoutMs: number;
  /** The instance runs without a CPU quota for this long after it is specialised. @default 20000 */
  readonly coldStartBoostMs: number;
  readonly subnetBase: string;
  readonly bandwidth: string;
  /** Bandwidth of performance instances (diskSize 10 GB). */
  readonly performanceBandwidth: string;
  readonly host: HostCheck;
  readonly clock: Clock;
  /** Where node leases live (tests point it elsewhere). @default /run/openfc/leases */
  readonly leaseDir?: string;
}

/**
 * Clears what openfc processes that died without cleaning up left behind under leases nobody holds
 * now: their (possibly frozen) instances are thawed and killed, and their nftables tables deleted,
 * so they neither hold memory nor refuse traffic that live leases accept.
 */
function sweepDeadLeases(layout: CgroupLayout, ownLease: number, hasNetworking: boolean): void {
  for (let i = 0; i < MAX_NODE_LEASES; i++) {
    if (i === ownLease || isLeaseHeld(i) || !hasCgroupDir(layout, `openfc-${i}`)) continue;
    createCgroupManager(layout, `openfc-${i}`).sweep();
  }
  if (hasNetworking) sweepDeadLeaseNetworks((i) => isLeaseHeld(i), ownLease);
}

export function createLinuxDriver(options: LinuxDriverOptions): SandboxDriver {
  if (!options.host.isUsable || !options.host.cgroups) throw new PlatformError('ServiceUnavailable', `the linux sandbox driver cannot run here: ${options.host.problems.join('; ')}`);
  const lease = acquireNodeLease(options.leaseDir);
  let cgroups: ReturnType<typeof createCgroupManager>;
  let network: NetworkManager | undefined;
  try {
    cgroups = createCgroupManager(options.host.cgroups, `openfc-${lease.index}`);
    cgroups.sweep();
    // Only with the machine-wide lease dir: it alone knows every openfc on this machine.
    if ((options.leaseDir ?? DEFAULT_LEASE_DIR) === DEFAULT_LEASE_DIR) sweepDeadLeases(options.host.cgroups, lease.index, options.host.hasNetworking);
    network = options.host.hasNetworking ? createNetworkManager({ lease: lease.index, subnetBase: options.subnetBase, bandwidth: options.bandwidth }) : undefined;
  } catch (e: unknown) {
    lease.release();
    throw e;
  }
  const seccomp = buildSeccompFilter();
  fs.mkdirSync(options.runRoot, { recursive: true, mode: 0o711 });
  const freeSlots: number[] = [];
  let nextSlot = 0;
  const live = new LiveSandboxes();
  const takeSlot = () => {
    const s = freeSlots.pop() ?? nextSlot++;
    if (s >= MAX_SLOTS) throw new PlatformError('ResourceExhausted', 'no sandbox slot is free on this node');
    return s;
  };

  async function startStemCell(cell: StemCellSpec): Promise<StemCell> {
    if ((cell.network.internet || cell.network.vpc) && !network) throw new PlatformError('ServiceUnavailable', 'this node cannot give instances network access (nftables/iproute2 missing); set internetAccess to false and remove vpcConfig');
    const slot = takeSlot();
    const uid = UID_BASE + lease.index * MAX_SLOTS + slot;
    const runDir = path.join(options.runRoot, cell.cellId);
    const codeSlot = path.join(runDir, 'code');
    const optSlot = path.join(runDir, 'opt');
    fs.mkdirSync(codeSlot, { recursive: true, mode: 0o755 });
    fs.mkdirSync(optSlot, { mode: 0o755 });
    fs.chmodSync(runDir, 0o711);
    let cgroup: InstanceCgroup | undefined;
    let net: InstanceNetwork | undefined;
    let server: Awaited<ReturnType<typeof listenForRuntime>>['server'] | undefined;
    let boostTimer: ReturnType<Clock['setTimeout']> | undefined;
    let released: Promise<void> | undefined;
    const release = () =>
      (released ??= (async () => {
        options.clock.clearTimeout(boostTimer);
        server?.close();
        cgroup?.killAll();
        await cgroup?.remove().catch(() => undefined);
        await net?.release();
        fs.rmSync(runDir, { recursive: true, force: true });
        freeSlots.push(slot);
      })());
    try {
      const listening = await listenForRuntime(path.join(runDir, 'fc.sock'));
      server = listening.server;
      cgroup = cgroups.create(cell.cellId, { memoryBytes: cell.memoryMb * 1024 * 1024, cpuQuotaUs: null, pidsMax: PIDS_MAX });
      const bandwidth = cell.diskSizeMb >= PERFORMANCE_DISK_MB ? options.performanceBandwidth : options.bandwidth;
      net = (await network?.attach(slot, cell.network, bandwidth)) ?? { release: async () => undefined };
      const bwrap = buildBwrapArgs({
        codeDir: codeSlot, optDir: optSlot, runDir, runtimesDir: RUNTIMES_DIR, diskSizeBytes: cell.diskSizeMb * 1024 * 1024,
        isNetworkUnshared: !net.netnsPath, runtimeFamily: cell.runtimeFamily, heapMb: Math.max(32, Math.floor(cell.memoryMb * HEAP_SHARE)), seccompFd: 3, statusFd: 4, isWarmedUp: cell.isWarmedUp,
      });
      const command = [
        ...(net.netnsPath ? ['nsenter', `--net=${net.netnsPath}`] : []),
        'setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--inh-caps=-all',
        'bwrap', '--args', '5', ...bwrap.command,
      ];
      const child = spawn('/bin/sh', ['-c', JOIN_CGROUPS_SCRIPT, 'sh', String(cgroup.procsFiles.length), ...cgroup.procsFiles, ...command], {
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
        cwd: '/',
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
      });
      const stdio = child.stdio as unknown as (NodeJS.WritableStream & NodeJS.ReadableStream)[];
      for (const fd of [3, 4, 5]) stdio[fd]!.on('error', () => undefined);
      stdio[3]!.end(seccomp);
      stdio[5]!.end(Buffer.from(bwrap.options.map((a) => a + '\0').join('')));
      const childPid = readChildPid(stdio[4]!);
      const instCgroup = cgroup;
      const exited = new Promise<SandboxExit>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal, isOom: instCgroup.oomKillCount() > 0 }));
        child.once('error', () => resolve({ code: null, signal: null, isOom: false }));
      });
      const outputListeners: ((chunk: Buffer) => void)[] = [];
      let startErr = '';
      const onOutput = (chunk: Buffer) => outputListeners.forEach((fn) => fn(chunk));
      child.stdout!.on('data', onOutput);
      child.stderr!.on('data', onOutput);
      child.stderr!.on('data', (c: Buffer) => (startErr = (startErr + c.toString()).slice(-2000)));

      let channel: InstanceChannel;
      try {
        channel = await awaitRuntime({
          connection: listening.connection, exited, timeoutMs: options.startTimeoutMs,
          describeExit: (e) => `the sandbox exited before its runtime connected (code ${e.code}): ${startErr.trim().split('\n')[0]}`,
        });
      } finally {
        server.close();
      }
      channel.onClose(() => instCgroup.killAll());
      const exec = async (request: ExecRequest): Promise<ExecProcess> => {
        const target = await childPid;
        if (target === undefined) throw new PlatformError('ServiceUnavailable', 'the sandbox did not report its process id');
        if (!canFilterExec()) throw new PlatformError('ServiceUnavailable', `InstanceExec on the linux driver needs ${PYTHON3_BIN} to put the session under the sandbox's seccomp filter (apt-get install python3)`);
        const argv = ['/bin/sh', '-c', JOIN_CGROUPS_SCRIPT, 'sh', String(instCgroup.procsFiles.length), ...instCgroup.procsFiles, ...enterCommand(target), ...commandLine(request)];
        return spawnExecProcess(argv, request.env, '/', seccomp);
      };
      const destroy = live.track(async () => {
        channel.close();
        instCgroup.killAll();
        await exited;
        await release();
      });

      return {
        id: cell.cellId,
        spec: cell,
        exited,
        freeze: () => instCgroup.freeze(),
        destroy,
        async specialize(spec: SandboxSpec): Promise<Sandbox> {
          linkTree(spec.codeDir, codeSlot);
          mergeTrees(spec.layerDirs ?? [], optSlot);
          boostTimer = options.clock.setTimeout(() => {
            try {
              instCgroup.setCpuQuota(spec.cpu * CPU_PERIOD_US);
            } catch {
              /* the instance is already gone */
            }
          }, options.coldStartBoostMs);
          boostTimer.unref();
          await instCgroup.thaw();
          return {
            id: cell.cellId,
            channel,
            codeDirInside: '/code',
            ...(spec.layerDirs?.length && { optDirInside: '/opt' }),
            exited,
            onOutput: (fn) => outputListeners.push(fn),
            freeze: () => instCgroup.freeze(),
            thaw: () => instCgroup.thaw(),
            destroy,
            exec,
          };
        },
      };
    } catch (e: unknown) {
      await release();
      throw e;
    }
  }

  return {
    name: LINUX_DRIVER_NAME,
    isIsolated: true,
    startStemCell,
    ...(network && {
      vpcs: {
        ensure: (vpc: VpcAttachment) => network!.ensureVpc(vpc),
        remove: (vpc: VpcAttachment) => network!.removeVpc(vpc),
        allowEndpoint: (vpc: VpcAttachment, port: number) => network!.allowEndpoint(vpc, port),
      },
    }),
    async start(spec) {
      const cell = await startStemCell({ cellId: spec.sandboxId, runtimeFamily: spec.runtimeFamily, memoryMb: spec.memoryMb, diskSizeMb: spec.diskSizeMb, network: spec.network });
      try {
        return await cell.specialize(spec);
      } catch (e: unknown) {
        await cell.destroy();
        throw e;
      }
    },
    async close() {
      await live.destroyAll();
      network?.close();
      lease.release();
    },
  };
}

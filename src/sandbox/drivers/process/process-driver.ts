/**
 * @module sandbox/drivers/process/process-driver
 * The `process` sandbox driver: each instance is a plain child process of openfc, started with
 * a minimal environment. It isolates NOTHING (no namespaces, no cgroups), so openfc warns loudly
 * when it is in use. It is the fallback where the Linux driver cannot run. Stem cells start in /
 * and change to the function's code directory when the function is assigned.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlatformError } from '../../../errors/index.js';
import { listenForRuntime, type InstanceChannel } from '../../channel/index.js';
import { LiveSandboxes, awaitRuntime } from '../../runtime-connection.js';
import { mergeTrees, removeSealedTree } from '../../link-tree.js';
import { commandLine, RUNTIME_BASE_ENV, spawnExecProcess } from '../../exec-process.js';
import { runtimeCommand } from '../../runtime-launch.js';
import type { ExecProcess, Sandbox, SandboxDriver, SandboxExit, StemCell, StemCellSpec } from '../../types.js';

export const PROCESS_DRIVER_NAME = 'process';
const RUNTIMES_DIR = fileURLToPath(new URL('../../../../runtimes', import.meta.url));
/** Unix socket paths must stay under the kernel's 108-byte limit. */
const MAX_SOCKET_PATH = 100;
/** V8's heap gets this share of memorySize, so ordinary heap exhaustion is a readable error. */
const HEAP_SHARE = 0.75;

export interface ProcessDriverOptions {
  /** Where per-instance run dirs (holding the channel socket) go. */
  runRoot: string;
  /** How long a runtime may take to connect and say HELLO. */
  startTimeoutMs: number;
}

function chooseRunRoot(preferred: string): string {
  if (path.join(preferred, 'c-' + 'x'.repeat(24), 'fc.sock').length <= MAX_SOCKET_PATH) return preferred;
  return path.join(os.tmpdir(), 'openfc-run-' + createHash('sha256').update(preferred).digest('hex').slice(0, 12));
}

export function createProcessDriver(options: ProcessDriverOptions): SandboxDriver {
  const runRoot = chooseRunRoot(options.runRoot);
  fs.mkdirSync(runRoot, { recursive: true, mode: 0o700 });
  const live = new LiveSandboxes();

  async function startStemCell(cell: StemCellSpec): Promise<StemCell> {
    if (cell.network.vpc) throw new PlatformError('ServiceUnavailable', 'functions with vpcConfig need the linux sandbox driver; this openfc runs the process driver');
    const runDir = path.join(runRoot, cell.cellId);
    const socketPath = path.join(runDir, 'fc.sock');
    const heapMb = Math.max(32, Math.floor(cell.memoryMb * HEAP_SHARE));
    const argv = runtimeCommand(cell.runtimeFamily, { nodeBin: process.execPath, runtimesDir: RUNTIMES_DIR, socketPath, heapMb, isWarmedUp: cell.isWarmedUp, isNetworkShared: true });
    fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
    const { server, connection } = await listenForRuntime(socketPath);
    // Its own process group: whatever the runtime starts (a custom runtime's server) goes with it.
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: '/',
      env: { ...RUNTIME_BASE_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const exited = new Promise<SandboxExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, isOom: false }));
      child.once('error', () => resolve({ code: null, signal: null, isOom: false }));
    });
    const outputListeners: ((chunk: Buffer) => void)[] = [];
    const onOutput = (chunk: Buffer) => outputListeners.forEach((fn) => fn(chunk));
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    /** Exec sessions end with their instance: there is no cgroup to take them along. */
    const execs = new Set<ExecProcess>();
    const kill = () => {
      for (const p of execs) p.kill();
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* the group is gone */
      }
    };
    void exited.then(kill);

    let ch: InstanceChannel;
    try {
      ch = await awaitRuntime({ connection, exited, timeoutMs: options.startTimeoutMs, describeExit: (e) => `the runtime exited before connecting (code ${e.code}, signal ${e.signal})` });
    } catch (e: unknown) {
      kill();
      void connection.then((c) => c.close());
      fs.rmSync(runDir, { recursive: true, force: true });
      throw e;
    } finally {
      server.close();
    }
    ch.onClose(kill);
    const destroy = live.track(async () => {
      ch.close();
      kill();
      await exited;
      removeSealedTree(runDir);
    });
    return {
      id: cell.cellId,
      spec: cell,
      exited,
      destroy,
      async specialize(spec): Promise<Sandbox> {
        // The layers merged into a directory of this instance (first listed wins), found through the search paths.
        const optDir = spec.layerDirs?.length ? path.join(runDir, 'opt') : undefined;
        if (optDir) {
          fs.mkdirSync(optDir, { mode: 0o755 });
          mergeTrees(spec.layerDirs!, optDir);
        }
        return {
          id: cell.cellId, channel: ch, codeDirInside: spec.codeDir, ...(optDir && { optDirInside: optDir }), exited, onOutput: (fn) => outputListeners.push(fn), destroy,
          exec: async (request) => {
            if (child.exitCode !== null || child.signalCode !== null) throw new PlatformError('InstanceNotFound', 'the instance has stopped');
            const proc = spawnExecProcess(commandLine(request), request.env, spec.codeDir);
            execs.add(proc);
            void proc.exited.then(() => execs.delete(proc));
            return proc;
          },
        };
      },
    };
  }

  return {
    name: PROCESS_DRIVER_NAME,
    isIsolated: false,
    startStemCell,
    async start(spec) {
      const cell = await startStemCell({ cellId: spec.sandboxId, runtimeFamily: spec.runtimeFamily, memoryMb: spec.memoryMb, diskSizeMb: spec.diskSizeMb, network: spec.network });
      return cell.specialize(spec);
    },
    close: () => live.destroyAll(),
  };
}

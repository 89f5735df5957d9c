/**
 * @module sandbox/drivers/process/process-driver
 * The `process` sandbox driver: each instance is a plain child process of openfc, started with
 * a minimal environment in its code directory. It isolates NOTHING (no namespaces, no cgroups),
 * so openfc warns loudly when it is in use. It is the fallback where the Linux driver cannot run.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlatformError } from '../../../errors/index.js';
import { listenForRuntime, type InstanceChannel } from '../../channel/index.js';
import type { Sandbox, SandboxDriver, SandboxExit, SandboxSpec } from '../../types.js';

export const PROCESS_DRIVER_NAME = 'process';
const NODEJS_BOOTSTRAP = fileURLToPath(new URL('../../../../runtimes/nodejs/bootstrap.cjs', import.meta.url));
/** Unix socket paths must stay under the kernel's 108-byte limit. */
const MAX_SOCKET_PATH = 100;
/** V8's heap gets this share of memorySize, so ordinary heap exhaustion is a readable error. */
const HEAP_SHARE = 0.75;
/** The only environment a runtime process starts with; the function's own arrives with ASSIGN. */
const BASE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: '/tmp', TZ: 'UTC' } as const;

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
  const live = new Set<Sandbox>();

  async function start(spec: SandboxSpec): Promise<Sandbox> {
    const runDir = path.join(runRoot, spec.sandboxId);
    fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
    const socketPath = path.join(runDir, 'fc.sock');
    const { server, connection } = await listenForRuntime(socketPath);
    const heapMb = Math.max(32, Math.floor(spec.memoryMb * HEAP_SHARE));
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, NODEJS_BOOTSTRAP, socketPath], {
      cwd: spec.codeDir,
      env: { ...BASE_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<SandboxExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, isOom: false }));
      child.once('error', () => resolve({ code: null, signal: null, isOom: false }));
    });
    const outputListeners: ((chunk: Buffer) => void)[] = [];
    const onOutput = (chunk: Buffer) => {
      for (const fn of outputListeners) fn(chunk);
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);

    let channel: InstanceChannel | undefined;
    const cleanup = () => {
      server.close();
      fs.rmSync(runDir, { recursive: true, force: true });
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      channel = await Promise.race([
        connection,
        exited.then((e) => Promise.reject(new PlatformError('InternalServerError', `the runtime exited before connecting (code ${e.code}, signal ${e.signal})`))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new PlatformError('InternalServerError', `the runtime did not connect within ${options.startTimeoutMs} ms`)), options.startTimeoutMs);
        }),
      ]);
      await channel.hello;
    } catch (e: unknown) {
      child.kill('SIGKILL');
      channel?.close();
      cleanup();
      throw e;
    } finally {
      clearTimeout(timer);
      server.close();
    }

    let destroyed: Promise<void> | undefined;
    const sandbox: Sandbox = {
      id: spec.sandboxId,
      channel,
      codeDirInside: spec.codeDir,
      exited,
      onOutput: (fn) => outputListeners.push(fn),
      destroy() {
        destroyed ??= (async () => {
          channel.close();
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
          cleanup();
          live.delete(sandbox);
        })();
        return destroyed;
      },
    };
    channel.onClose(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    live.add(sandbox);
    return sandbox;
  }

  return {
    name: PROCESS_DRIVER_NAME,
    isIsolated: false,
    start,
    async close() {
      await Promise.all([...live].map((s) => s.destroy()));
    },
  };
}

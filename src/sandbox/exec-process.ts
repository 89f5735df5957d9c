/**
 * @module sandbox/exec-process
 * What the drivers share to run an InstanceExec command: the environment every runtime starts
 * with, the pseudo-terminal wrapper, and a child process in its own process group so that ending
 * the session ends everything the command started.
 */
import { spawn } from 'node:child_process';
import type { ExecProcess, ExecRequest } from './types.js';

/** The only environment a runtime process starts with; the function's own arrives with ASSIGN. */
export const RUNTIME_BASE_ENV: Readonly<Record<string, string>> = Object.freeze({ PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: '/tmp', TZ: 'UTC' });

/** Where util-linux's `script` lives: it gives the command a pseudo-terminal without a native module. */
const SCRIPT_BIN = '/usr/bin/script';
/** The size a new terminal starts with (clients cannot resize it yet). */
const TTY_COLS = 80;
const TTY_ROWS = 24;

const shellQuote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;

/** The command itself, on a pseudo-terminal when the request asks for one. */
export function commandLine(request: ExecRequest): string[] {
  if (!request.tty) return [...request.command];
  const line = `stty cols ${TTY_COLS} rows ${TTY_ROWS} 2>/dev/null; exec ${request.command.map(shellQuote).join(' ')}`;
  return [SCRIPT_BIN, '--quiet', '--return', '--command', line, '/dev/null'];
}

/**
 * Spawns `argv` as the leader of a new process group, with exactly `env`. `fd3`, when given, is
 * readable by the command on file descriptor 3 (the seccomp filter, for the linux driver).
 */
export function spawnExecProcess(argv: readonly string[], env: Readonly<Record<string, string>>, cwd: string, fd3?: Buffer): ExecProcess {
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...env }, cwd, stdio: fd3 ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'], detached: true });
  if (fd3) {
    const extra = child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', fn: () => void): void };
    extra.on('error', () => undefined);
    extra.end(fd3);
  }
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 127, signal: null }));
  });
  child.stdin.on('error', () => undefined);
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    kill() {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    },
  };
}

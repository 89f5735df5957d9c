/**
 * @module exec/exec-options
 * InstanceExec's query (reference §9): `command` (repeated, one argv element each, or a single
 * JSON array), `tty`, `stdin`, `stdout`, `stderr` and `idleTimeout` (seconds without input or
 * output before the session is ended).
 */
import { invalidArgument } from '../errors/index.js';

export interface ExecOptions {
  readonly command: readonly string[];
  readonly tty: boolean;
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly idleTimeoutSec: number;
}

/** The command when none is given: a shell. */
export const DEFAULT_EXEC_COMMAND: readonly string[] = ['/bin/sh'];
export const DEFAULT_IDLE_TIMEOUT_SEC = 600;
export const MAX_IDLE_TIMEOUT_SEC = 86_400;
const MAX_COMMAND_BYTES = 64 * 1024;

function flag(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = query.get(name);
  if (v === null || v === '') return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw invalidArgument(`${name} must be true or false, not '${v}'`);
}

function commandOf(query: URLSearchParams): readonly string[] {
  const parts = query.getAll('command');
  if (parts.length === 0) return DEFAULT_EXEC_COMMAND;
  let argv: unknown = parts;
  if (parts.length === 1 && parts[0]!.startsWith('[')) {
    try {
      argv = JSON.parse(parts[0]!);
    } catch {
      throw invalidArgument('command is neither one argv element nor a JSON array of strings');
    }
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string') || argv[0] === '') throw invalidArgument('command must be a non-empty list of strings, the first naming a program');
  if (argv.some((a: string) => a.includes('\0'))) throw invalidArgument('command must not contain NUL characters');
  if (Buffer.byteLength(argv.join('\0')) > MAX_COMMAND_BYTES) throw invalidArgument(`command must be at most ${MAX_COMMAND_BYTES} bytes`);
  return argv as string[];
}

export function parseExecOptions(query: URLSearchParams): ExecOptions {
  const rawIdle = query.get('idleTimeout');
  const idleTimeoutSec = rawIdle === null || rawIdle === '' ? DEFAULT_IDLE_TIMEOUT_SEC : Number(rawIdle);
  if (!Number.isInteger(idleTimeoutSec) || idleTimeoutSec < 1 || idleTimeoutSec > MAX_IDLE_TIMEOUT_SEC) throw invalidArgument(`idleTimeout must be an integer number of seconds from 1 to ${MAX_IDLE_TIMEOUT_SEC}`);
  return {
    command: commandOf(query),
    tty: flag(query, 'tty', false),
    stdin: flag(query, 'stdin', true),
    stdout: flag(query, 'stdout', true),
    stderr: flag(query, 'stderr', true),
    idleTimeoutSec,
  };
}

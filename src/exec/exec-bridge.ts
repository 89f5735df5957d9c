/**
 * @module exec/exec-bridge
 * Joins an exec'd process to its WebSocket. Every binary message starts with one channel byte:
 *
 * | byte | direction | payload |
 * |---|---|---|
 * | 0 | client → openfc | stdin bytes; a message of just the byte closes stdin (EOF) |
 * | 1 | openfc → client | stdout bytes (with a tty: the terminal's output) |
 * | 2 | openfc → client | stderr bytes |
 * | 3 | openfc → client | the end, as JSON: `{exitCode, signal, reason}`; the socket then closes (1000) |
 *
 * The session ends when the command exits, the client closes, or nothing was read or written for
 * the idle timeout. Whatever the command started in its process group ends with it.
 */
import { finished } from 'node:stream/promises';
import type { WebSocket } from 'ws';
import type { ExecProcess } from '../sandbox/types.js';
import type { Clock } from '../time/clock.js';

export const EXEC_CHANNEL = { stdin: 0, stdout: 1, stderr: 2, status: 3 } as const;

/** Output stops being read while this much is queued for a slow client. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export type ExecEndReason = 'exited' | 'client-closed' | 'idle-timeout';

export interface ExecEnd {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly reason: ExecEndReason;
}

export interface BridgeOptions {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly idleTimeoutMs: number;
}

const frame = (channel: number, payload: Buffer): Buffer => Buffer.concat([Buffer.of(channel), payload]);

export function bridgeExec(ws: WebSocket, proc: ExecProcess, options: BridgeOptions, clock: Clock): Promise<ExecEnd> {
  let reason: ExecEndReason = 'exited';
  let idle: ReturnType<Clock['setTimeout']> | undefined;
  const end = (why: ExecEndReason) => {
    if (reason === 'exited') reason = why;
    proc.kill();
  };
  const touch = () => {
    clock.clearTimeout(idle);
    idle = clock.setTimeout(() => end('idle-timeout'), options.idleTimeoutMs);
  };
  touch();

  const pipeOut = (stream: NodeJS.ReadableStream, channel: number, isWanted: boolean) => {
    stream.on('data', (chunk: Buffer) => {
      touch();
      if (!isWanted || ws.readyState !== ws.OPEN) return;
      ws.send(frame(channel, chunk), () => {
        if (stream.isPaused() && ws.bufferedAmount <= MAX_BUFFERED_BYTES / 2) stream.resume();
      });
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) stream.pause();
    });
  };
  pipeOut(proc.stdout, EXEC_CHANNEL.stdout, options.stdout);
  pipeOut(proc.stderr, EXEC_CHANNEL.stderr, options.stderr);

  if (!options.stdin) proc.stdin.end();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    touch();
    const bytes = isBinary ? data : Buffer.from(data);
    if (!options.stdin || bytes.length === 0 || bytes[0] !== EXEC_CHANNEL.stdin) return;
    if (bytes.length === 1) proc.stdin.end();
    else proc.stdin.write(bytes.subarray(1));
  });
  ws.on('close', () => end('client-closed'));
  ws.on('error', () => end('client-closed'));

  return (async () => {
    const exit = await proc.exited;
    clock.clearTimeout(idle);
    proc.kill();
    await Promise.all([finished(proc.stdout).catch(() => undefined), finished(proc.stderr).catch(() => undefined)]);
    const result: ExecEnd = { exitCode: exit.code, signal: exit.signal, reason };
    if (ws.readyState === ws.OPEN) {
      ws.send(frame(EXEC_CHANNEL.status, Buffer.from(JSON.stringify(result))));
      ws.close(1000, reason);
    }
    return result;
  })();
}

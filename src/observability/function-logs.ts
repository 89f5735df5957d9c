/**
 * @module observability/function-logs
 * Stores what instances print, per function, as data (never mixed into the platform's own log):
 * `<dataDir>/logs/functions/<accountId>/<functionName>.log`.
 *
 * Appends are batched: output is held in memory and written at most every `flushEveryMs` (or at
 * once past `flushAtBytes`), so a busy function costs one file write per interval instead of one
 * per chunk its instances print. `close()` writes what is held. If openfc itself is killed, at
 * most one interval of function output is lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Clock, TimerHandle } from '../time/clock.js';

export interface FunctionLogSink {
  append(accountId: string, functionName: string, chunk: Buffer): void;
  close(): Promise<void>;
}

interface LogFile {
  readonly stream: fs.WriteStream;
  held: Buffer[];
  heldBytes: number;
}

export function createFileFunctionLogSink(root: string, opts: { clock: Clock; flushEveryMs?: number; flushAtBytes?: number }): FunctionLogSink {
  const { clock } = opts;
  const flushEveryMs = opts.flushEveryMs ?? 50;
  const flushAtBytes = opts.flushAtBytes ?? 256 * 1024;
  const files = new Map<string, LogFile>();
  let timer: TimerHandle | undefined;

  function write(file: LogFile): void {
    if (file.heldBytes === 0) return;
    file.stream.write(file.held.length === 1 ? file.held[0]! : Buffer.concat(file.held, file.heldBytes));
    file.held = [];
    file.heldBytes = 0;
  }

  function flushAll(): void {
    timer = undefined;
    for (const file of files.values()) write(file);
  }

  function open(key: string, accountId: string, functionName: string): LogFile {
    const dir = path.join(root, accountId);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stream = fs.createWriteStream(path.join(dir, `${functionName}.log`), { flags: 'a', mode: 0o600 });
    stream.on('error', () => files.delete(key));
    const file: LogFile = { stream, held: [], heldBytes: 0 };
    files.set(key, file);
    return file;
  }

  return {
    append(accountId, functionName, chunk) {
      const key = `${accountId}/${functionName}`;
      const file = files.get(key) ?? open(key, accountId, functionName);
      file.held.push(chunk);
      file.heldBytes += chunk.length;
      if (file.heldBytes >= flushAtBytes) write(file);
      else if (!timer) {
        timer = clock.setTimeout(flushAll, flushEveryMs);
        timer.unref();
      }
    },
    async close() {
      clock.clearTimeout(timer);
      flushAll();
      await Promise.all([...files.values()].map((f) => new Promise<void>((resolve) => f.stream.end(resolve))));
      files.clear();
    },
  };
}

/**
 * @module observability/function-logs
 * Stores what instances print, per function, as data (never mixed into the platform's own log):
 * `<dataDir>/logs/functions/<accountId>/<functionName>.log`.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FunctionLogSink {
  append(accountId: string, functionName: string, chunk: Buffer): void;
  close(): Promise<void>;
}

export function createFileFunctionLogSink(root: string): FunctionLogSink {
  const streams = new Map<string, fs.WriteStream>();
  return {
    append(accountId, functionName, chunk) {
      const key = `${accountId}/${functionName}`;
      let stream = streams.get(key);
      if (!stream) {
        const dir = path.join(root, accountId);
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        stream = fs.createWriteStream(path.join(dir, `${functionName}.log`), { flags: 'a', mode: 0o600 });
        stream.on('error', () => streams.delete(key));
        streams.set(key, stream);
      }
      stream.write(chunk);
    },
    async close() {
      await Promise.all([...streams.values()].map((s) => new Promise<void>((resolve) => s.end(resolve))));
      streams.clear();
    },
  };
}

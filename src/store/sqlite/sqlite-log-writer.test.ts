import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { LogStore, NewLogRecord } from '../../logs/index.js';
import { createLogger } from '../../observability/logger.js';
import { MAX_HELD_CHARS } from '../../logs/index.js';
import { createSqliteLogStore } from './sqlite-log-store.js';
import { createThreadedSqliteLogWriter } from './sqlite-log-writer.js';

const T0 = Date.UTC(2026, 0, 1);
const rec = (i: number, over: Partial<NewLogRecord> = {}): NewLogRecord => ({
  accountId: 'acct-1', functionName: 'fn', qualifier: 'LATEST', revision: 1, kind: 'invocation', requestId: `req-${i}`, instanceId: 'c-1',
  startTimeMs: T0 + i, endTimeMs: T0 + i + 1, message: `FC Invoke Start RequestId: req-${i}\nline ${i}\nFC Invoke End RequestId: req-${i}\n`, ...over,
});

/** The main thread's store, with its appends counted (the writer must not use it while its thread lives). */
function setup(t: { after(fn: () => void): void }): { file: string; store: LogStore; inlineAppends: () => number; logged: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-log-writer-'));
  const file = path.join(dir, 'logs.db');
  const real = createSqliteLogStore(file);
  let appends = 0;
  const store: LogStore = { ...real, append: (r, w) => (appends++, real.append(r, w)) };
  const logged: string[] = [];
  t.after(() => {
    real.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { file, store, inlineAppends: () => appends, logged };
}

const silent = () => createLogger({ level: 'error', sink: { write: () => {} } });
const all = (store: LogStore) => store.query({ accountId: 'acct-1', functionName: 'fn', limit: 10_000 }).records;

test('batches are stored by the writer thread, in order; sync returns once they are readable', async (t) => {
  const s = setup(t);
  const writer = createThreadedSqliteLogWriter({ file: s.file, store: s.store, logger: silent() });
  for (let b = 0; b < 20; b++) writer.write(Array.from({ length: 50 }, (_, i) => rec(b * 50 + i)), T0 + 10_000);
  writer.sync();
  const records = all(s.store);
  assert.equal(records.length, 1000);
  assert.deepEqual(records.map((r) => r.requestId), Array.from({ length: 1000 }, (_, i) => `req-${i}`));
  assert.equal(records[999]!.message, 'FC Invoke Start RequestId: req-999\nline 999\nFC Invoke End RequestId: req-999\n');
  assert.equal(s.inlineAppends(), 0, 'the main thread appended nothing itself');
  assert.equal(writer.droppedRecords, 0);
  await writer.close();
});

test('a batch the store refuses is dropped, counted and logged; the batches around it are kept', async (t) => {
  const s = setup(t);
  const lines: string[] = [];
  const writer = createThreadedSqliteLogWriter({ file: s.file, store: s.store, logger: createLogger({ level: 'error', sink: { write: (l) => lines.push(l) } }) });
  writer.write([rec(1)], T0);
  writer.write([rec(2), rec(3, { accountId: null as unknown as string })], T0);
  writer.write([rec(4)], T0);
  writer.sync();
  assert.deepEqual(all(s.store).map((r) => r.requestId), ['req-1', 'req-4']);
  assert.equal(writer.droppedRecords, 2);
  await writer.close();
  assert.ok(lines.some((l) => l.includes('the log store refused a batch')), lines.join('\n'));
});

test('close stores what is still queued', async (t) => {
  const s = setup(t);
  const writer = createThreadedSqliteLogWriter({ file: s.file, store: s.store, logger: silent() });
  writer.write(Array.from({ length: 200 }, (_, i) => rec(i)), T0);
  await writer.close();
  assert.equal(all(s.store).length, 200);
});

test('when the writer thread dies, the batch it had not stored is appended inline, and so is everything after', async (t) => {
  const s = setup(t);
  const lines: string[] = [];
  const writer = createThreadedSqliteLogWriter({
    file: s.file, store: s.store, logger: createLogger({ level: 'error', sink: { write: (l) => lines.push(l) } }),
    workerEntry: new URL('./dying-log-writer-worker.fixture.ts', import.meta.url),
  });
  writer.write([rec(1), rec(2)], T0);
  // The exit event arrives on a later turn; the re-append after the thread is terminated.
  while (!lines.some((l) => l.includes('writer thread stopped'))) await new Promise((r) => setImmediate(r));
  writer.write([rec(3)], T0);
  while (all(s.store).length < 3) await new Promise((r) => setImmediate(r));
  assert.deepEqual(all(s.store).map((r) => r.requestId).sort(), ['req-1', 'req-2', 'req-3']);
  assert.equal(writer.droppedRecords, 0);
  assert.equal(s.inlineAppends(), 2);
  await writer.close();
});

test('a writer thread that cannot open the store is given up at the first sync, and its batches are appended inline', async (t) => {
  const s = setup(t);
  const lines: string[] = [];
  // A directory is not a database file: the worker's store fails to open.
  const writer = createThreadedSqliteLogWriter({ file: path.dirname(s.file), store: s.store, logger: createLogger({ level: 'error', sink: { write: (l) => lines.push(l) } }), syncTimeoutMs: 600_000 });
  writer.write([rec(1)], T0);
  writer.sync(); // returns when the thread flags its exit, not after the (here huge) timeout
  while (all(s.store).length < 1) await new Promise((r) => setImmediate(r));
  assert.ok(lines.some((l) => l.includes('writer thread stopped')), lines.join('\n'));
  assert.equal(all(s.store)[0]!.requestId, 'req-1');
  await writer.close();
});

test('batches a stalled store has not taken hold at most MAX_HELD_CHARS; later ones are dropped and counted', async (t) => {
  const s = setup(t);
  const writer = createThreadedSqliteLogWriter({ file: s.file, store: s.store, logger: silent(), workerEntry: new URL('./stalled-log-writer-worker.fixture.ts', import.meta.url), syncTimeoutMs: 1 });
  const big = 'x'.repeat(1024 * 1024);
  const fit = Math.floor(MAX_HELD_CHARS / big.length);
  for (let i = 0; i < fit + 3; i++) writer.write([rec(i, { message: big })], T0);
  assert.equal(writer.droppedRecords, 3, 'what did not fit under the cap');
  writer.sync(); // gives up waiting (1 ms) without abandoning the live worker
  await writer.close();
});

/** The function-log service on a fake clock and a real SQLite store: attribution, batching, follow, retention. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../observability/logger.js';
import { createSqliteLogStore } from '../store/sqlite/sqlite-log-store.js';
import { FakeClock } from '../time/clock.js';
import { CLOSE_GRACE_MS, createFunctionLogService, FLUSH_AT_CHARS, MAX_HELD_CHARS, MAX_RECORD_CHARS, type FunctionLogService, type LogStore } from './index.js';

const REF = { accountId: 'acct-1', functionName: 'fn', qualifier: 'LATEST', revision: 2, instanceId: 'c-1' };
const TS = '2026-01-01T00:00:00.000Z';

function setup(t: { after(fn: () => Promise<void>): void }, over: { retentionMaxAgeMs?: number; retentionMaxBytesPerAccount?: number } = {}): { clock: FakeClock; logs: FunctionLogService; store: LogStore } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-flogs-'));
  const clock = new FakeClock();
  const store = createSqliteLogStore(path.join(dir, 'logs.db'));
  const logs = createFunctionLogService({
    store, clock, logger: createLogger({ level: 'error' }), flushIntervalMs: 10, graceMs: 1000,
    retentionMaxAgeMs: over.retentionMaxAgeMs ?? 60_000, retentionMaxBytesPerAccount: over.retentionMaxBytesPerAccount ?? 1 << 30, retentionIntervalMs: 5_000,
  });
  t.after(async () => {
    await logs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { clock, logs, store };
}

const all = (logs: FunctionLogService, extra: Record<string, unknown> = {}) => logs.query({ accountId: 'acct-1', functionName: 'fn', limit: 100, ...extra }).records;

test('interleaved lines of concurrent invocations go to their own records, markers included; one row per invocation', (t) => {
  const { clock, logs } = setup(t);
  const inst = logs.openInstance(REF);
  inst.settle('r1');
  inst.output(Buffer.from(`FC Invoke Start RequestId: r1\nFC Invoke Start RequestId: r2\n${TS} r2 [info] two\n${TS} r1 [info] one\nunprefixed with two open\n`));
  inst.output(Buffer.from(`${TS} r1 [info] o`));
  inst.output(Buffer.from(`ne again\nFC Invoke End RequestId: r1\nraw line while only r2 is open\nFC Invoke End RequestId: r2\n`));
  inst.settle('r2');
  clock.advance(10);
  const records = all(logs);
  const byId = new Map(records.map((r) => [r.requestId ?? 'instance', r]));
  assert.equal(byId.get('r1')!.message, `FC Invoke Start RequestId: r1\n${TS} r1 [info] one\n${TS} r1 [info] one again\nFC Invoke End RequestId: r1\n`);
  assert.equal(byId.get('r2')!.message, `FC Invoke Start RequestId: r2\n${TS} r2 [info] two\nraw line while only r2 is open\nFC Invoke End RequestId: r2\n`);
  assert.equal(byId.get('instance')!.message, 'unprefixed with two open\n');
  assert.equal(byId.get('instance')!.kind, 'instance');
  assert.equal(records.length, 3);
  assert.deepEqual({ q: byId.get('r1')!.qualifier, rev: byId.get('r1')!.revision, i: byId.get('r1')!.instanceId, kind: byId.get('r1')!.kind }, { q: 'LATEST', rev: 2, i: 'c-1', kind: 'invocation' });
});

test('a quiet invocation (the runtime wrote nothing for it) is a complete record at its result: both markers, its start time, no grace wait', (t) => {
  const { clock, logs } = setup(t);
  const inst = logs.openInstance(REF);
  const startedAt = clock.now();
  clock.advance(7);
  inst.settle('r1', undefined, 'invocation', { startTimeMs: startedAt, quiet: true });
  // A neighbour that did print keeps the marker path.
  inst.output(Buffer.from(`FC Invoke Start RequestId: r2\n${TS} r2 [info] hi\nFC Invoke End RequestId: r2\n`));
  inst.settle('r2');
  clock.advance(10);
  const byId = new Map(all(logs).map((r) => [r.requestId, r]));
  assert.equal(byId.get('r1')!.message, 'FC Invoke Start RequestId: r1\nFC Invoke End RequestId: r1\n');
  assert.deepEqual([byId.get('r1')!.startTimeMs, byId.get('r1')!.endTimeMs], [startedAt, startedAt + 7]);
  assert.equal(byId.get('r2')!.message, `FC Invoke Start RequestId: r2\n${TS} r2 [info] hi\nFC Invoke End RequestId: r2\n`);
  assert.equal(all(logs).length, 2);
});

test('an invocation waits for its result before it is written, and records the error type, message and stack', (t) => {
  const { clock, logs } = setup(t);
  const inst = logs.openInstance(REF);
  inst.output(Buffer.from(`FC Invoke Start RequestId: r1\n${TS} r1 [error] TypeError: bad\nFC Invoke End RequestId: r1\n`));
  clock.advance(50);
  assert.deepEqual(all(logs), [], 'not written before the result');
  inst.settle('r1', { functionError: 'UnhandledInvocationError', body: Buffer.from(JSON.stringify({ errorType: 'TypeError', errorMessage: 'bad', stackTrace: ['TypeError: bad', '    at handler (/code/index.js:1:1)'] })) });
  const [r] = all(logs);
  assert.equal(r!.functionError, 'UnhandledInvocationError');
  assert.equal(r!.errorType, 'TypeError');
  assert.equal(r!.errorMessage, 'bad');
  assert.equal(r!.errorStack, 'TypeError: bad\n    at handler (/code/index.js:1:1)');
});

test('a result whose End marker never comes (the instance died) is written after the grace period with the markers and the error', (t) => {
  const { clock, logs } = setup(t);
  const inst = logs.openInstance(REF);
  inst.output(Buffer.from(`FC Invoke Start RequestId: r1\nworking\n`));
  inst.settle('r1', { functionError: 'UnhandledInvocationError', body: { errorType: 'FunctionTimeoutError', errorMessage: 'Function timed out after 1 seconds', stackTrace: [] } });
  clock.advance(999);
  assert.deepEqual(all(logs), []);
  clock.advance(20);
  const [r] = all(logs);
  assert.equal(r!.message, 'FC Invoke Start RequestId: r1\nworking\nFunction timed out after 1 seconds\nFC Invoke End RequestId: r1\n');
  assert.equal(r!.errorType, 'FunctionTimeoutError');
});

test('hook runs are records of their own kind; lines outside requests are instance records', (t) => {
  const { clock, logs } = setup(t);
  const inst = logs.openInstance(REF);
  inst.output(Buffer.from(`module loading\nFC Initialize Start RequestId: h1\n${TS} h1 [info] init\nFC Initialize End RequestId: h1\n`));
  clock.advance(10);
  const records = all(logs);
  assert.deepEqual(records.map((r) => [r.kind, r.requestId, r.message]), [
    ['initializer', 'h1', `FC Initialize Start RequestId: h1\n${TS} h1 [info] init\nFC Initialize End RequestId: h1\n`],
    ['instance', undefined, 'module loading\n'],
  ]);
  assert.deepEqual(all(logs, { instanceId: 'c-1', requestId: 'h1' }).map((r) => r.kind), ['initializer']);
});

test('a record keeps at most MAX_RECORD_CHARS and says how much it dropped', (t) => {
  const { logs } = setup(t);
  const inst = logs.openInstance(REF);
  const line = 'y'.repeat(1000) + '\n';
  inst.output(Buffer.from('FC Invoke Start RequestId: r1\n'));
  for (let i = 0; i < 400; i++) inst.output(Buffer.from(line));
  inst.output(Buffer.from('FC Invoke End RequestId: r1\n'));
  inst.settle('r1');
  const [r] = all(logs);
  assert.ok(r!.message.length < MAX_RECORD_CHARS + 200);
  assert.match(r!.message, /\[openfc: \d+ characters of output dropped/);
  assert.ok(r!.message.endsWith('FC Invoke End RequestId: r1\n'));
});

test('follow returns as soon as a matching record is written, and an empty page at its deadline', async (t) => {
  const { clock, logs } = setup(t);
  const inst = logs.openInstance(REF);
  const cursor = { accountId: 'acct-1', functionName: 'fn', limit: 100, afterSeq: 0 };
  const waiting = logs.follow(cursor, 30_000);
  inst.output(Buffer.from('FC Invoke Start RequestId: r9\nlate line\nFC Invoke End RequestId: r9\n'));
  inst.settle('r9');
  clock.advance(10);
  const page = await waiting;
  assert.deepEqual(page.records.map((r) => r.requestId), ['r9']);
  const idle = logs.follow({ ...cursor, afterSeq: page.records[0]!.seq }, 5_000);
  clock.advance(5_000);
  assert.deepEqual((await idle).records, []);
});

test('retention runs on the clock: records past the age limit are deleted, and accounts over their size budget lose their oldest', (t) => {
  const { clock, logs } = setup(t, { retentionMaxAgeMs: 60_000, retentionMaxBytesPerAccount: 120 });
  const inst = logs.openInstance(REF);
  const invoke = (id: string) => {
    inst.output(Buffer.from(`FC Invoke Start RequestId: ${id}\nFC Invoke End RequestId: ${id}\n`));
    inst.settle(id);
  };
  invoke('old');
  clock.advance(30_000);
  invoke('mid');
  assert.deepEqual(all(logs).map((r) => r.requestId), ['old', 'mid']);
  clock.advance(35_000);
  assert.deepEqual(all(logs).map((r) => r.requestId), ['mid'], 'the retention timer deleted the record older than 60 s');
  for (const id of ['a', 'b', 'c', 'd']) invoke(id);
  clock.advance(5_000);
  assert.deepEqual(all(logs).map((r) => r.requestId), ['c', 'd'], 'only the newest records fit in 120 bytes');
});

test('a waiting follow answers at once when its client goes away or shutdown begins, and later follows do not wait', async (t) => {
  const { logs } = setup(t);
  const q = { accountId: 'acct-1', functionName: 'fn', limit: 10 };
  let gone: (() => void) | undefined;
  const byClient = logs.follow(q, 30_000, (fn) => (gone = fn));
  assert.equal(logs.followers, 1);
  gone!();
  assert.deepEqual((await byClient).records, []);
  const byShutdown = logs.follow(q, 30_000);
  assert.equal(logs.followers, 1);
  logs.endFollows();
  assert.deepEqual((await byShutdown).records, []);
  assert.deepEqual((await logs.follow(q, 30_000)).records, []);
  assert.equal(logs.followers, 0);
});

test('completing a record never writes inside the call; past FLUSH_AT_CHARS the batch goes on the next timer turn, past MAX_HELD_CHARS records are dropped and counted', (t) => {
  const { clock, logs, store } = setup(t);
  const inst = logs.openInstance(REF);
  const body = ('z'.repeat(1023) + '\n').repeat(Math.floor(MAX_RECORD_CHARS / 1024) - 1);
  const run = (id: string) => {
    inst.output(Buffer.from(`FC Invoke Start RequestId: ${id}\n${body}FC Invoke End RequestId: ${id}\n`));
    inst.settle(id);
  };
  const overFlush = Math.ceil(FLUSH_AT_CHARS / body.length) + 1;
  for (let i = 0; i < overFlush; i++) run(`f${i}`);
  assert.equal(store.lastSeq(), 0, 'nothing written inside settle()');
  clock.advance(0);
  assert.equal(store.query({ accountId: 'acct-1', functionName: 'fn', limit: 1000 }).records.length, overFlush, 'written on the next timer turn, before the interval');
  const overHeld = Math.ceil(MAX_HELD_CHARS / body.length) + 5;
  for (let i = 0; i < overHeld; i++) run(`h${i}`);
  assert.ok(logs.droppedRecords >= 4, `dropped ${logs.droppedRecords}`);
  clock.advance(0);
  assert.equal(store.query({ accountId: 'acct-1', functionName: 'fn', limit: 1000 }).records.length, overFlush + overHeld - logs.droppedRecords);
});

test("after the instance is gone, its open records wait a short grace for output still in the pipe, then close with the error", (t) => {
  const { clock, logs } = setup(t);
  const inst = logs.openInstance(REF);
  inst.settle('init-1', { functionError: 'UnhandledInvocationError', body: { errorType: 'RangeError', errorMessage: 'no config', stackTrace: ['RangeError: no config'] } }, 'initializer');
  inst.settle('r1', { functionError: 'UnhandledInvocationError', body: { errorType: 'ProcessExitedError', errorMessage: 'Process exited unexpectedly', stackTrace: [] } });
  inst.close();
  inst.output(Buffer.from(`FC Initialize Start RequestId: init-1\n${TS} init-1 [error] no config\nFC Initialize End RequestId: init-1\n`));
  clock.advance(10);
  const [init] = all(logs);
  assert.equal(init!.kind, 'initializer');
  assert.equal(init!.message, `FC Initialize Start RequestId: init-1\n${TS} init-1 [error] no config\nFC Initialize End RequestId: init-1\n`);
  assert.equal(init!.errorType, 'RangeError');
  assert.equal(all(logs, { requestId: 'r1' }).length, 0, 'r1 still waits for its output');
  clock.advance(CLOSE_GRACE_MS);
  const [r1] = all(logs, { requestId: 'r1' });
  assert.equal(r1!.message, 'FC Invoke Start RequestId: r1\nProcess exited unexpectedly\nFC Invoke End RequestId: r1\n');
});

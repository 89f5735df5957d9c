/**
 * @module logs/log-store.contract
 * The behaviour every LogStore backend must have (logs/types.ts). Each backend's test file calls
 * `runLogStoreContract` with a factory; a distributed backend runs the same cases.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogStore, NewLogRecord } from './types.js';

export interface LogStoreFixture {
  store: LogStore;
  /** Closes and reopens the same storage (a restart). */
  reopen(): LogStore;
  cleanup(): void;
}

const T0 = Date.UTC(2026, 0, 1);

function rec(over: Partial<NewLogRecord> = {}): NewLogRecord {
  return {
    accountId: 'acct-1', functionName: 'fn', qualifier: 'LATEST', revision: 1, kind: 'invocation', requestId: 'req-1', instanceId: 'c-1',
    startTimeMs: T0, endTimeMs: T0 + 5, message: 'FC Invoke Start RequestId: req-1\nhello\nFC Invoke End RequestId: req-1\n', ...over,
  };
}

export function runLogStoreContract(name: string, create: () => LogStoreFixture): void {
  describe(`LogStore contract: ${name}`, () => {
    function withStore(t: { after(fn: () => void): void }): LogStoreFixture {
      const f = create();
      t.after(() => f.cleanup());
      return f;
    }

    test('stores a batch in order and reads every field back, also after a restart', (t) => {
      const f = withStore(t);
      const a = rec({ versionId: '3', functionError: 'UnhandledInvocationError', errorType: 'TypeError', errorMessage: 'x is not a function', errorStack: 'TypeError: x\n    at handler' });
      const b = rec({ kind: 'instance', requestId: undefined, message: 'starting\n', startTimeMs: T0 + 1, endTimeMs: T0 + 1 });
      const last = f.store.append([a, b], T0 + 10);
      assert.equal(f.store.lastSeq(), last);
      const store = f.reopen();
      const page = store.query({ accountId: 'acct-1', functionName: 'fn', limit: 10 });
      assert.equal(page.hasMore, false);
      assert.equal(page.records.length, 2);
      const [ra, rb] = page.records;
      assert.ok(ra!.seq < rb!.seq);
      assert.equal(rb!.seq, last);
      assert.deepEqual({ ...ra, seq: 0 }, { ...a, seq: 0, writtenTimeMs: T0 + 10, bytes: Buffer.byteLength(a.message) + Buffer.byteLength(a.errorMessage!) + Buffer.byteLength(a.errorStack!) });
      assert.equal(rb!.requestId, undefined);
      assert.equal(rb!.kind, 'instance');
      assert.equal(rb!.versionId, undefined);
      assert.equal(rb!.errorType, undefined);
    });

    test('an empty append writes nothing and returns the last seq', (t) => {
      const f = withStore(t);
      assert.equal(f.store.append([], T0), 0);
      const last = f.store.append([rec()], T0);
      assert.equal(f.store.append([], T0), last);
    });

    test('reads are scoped to one account and one function', (t) => {
      const f = withStore(t);
      f.store.append([rec(), rec({ accountId: 'acct-2' }), rec({ functionName: 'other' })], T0);
      const page = f.store.query({ accountId: 'acct-1', functionName: 'fn', limit: 10 });
      assert.deepEqual(page.records.map((r) => [r.accountId, r.functionName]), [['acct-1', 'fn']]);
      assert.deepEqual(f.store.query({ accountId: 'acct-3', functionName: 'fn', limit: 10 }).records, []);
    });

    test('filters by request id, instance id and time window, and pages with a seq cursor', (t) => {
      const f = withStore(t);
      const records = Array.from({ length: 5 }, (_, i) => rec({ requestId: `req-${i}`, instanceId: i % 2 ? 'c-odd' : 'c-even', startTimeMs: T0 + i * 100, endTimeMs: T0 + i * 100 + 10 }));
      f.store.append(records, T0);
      const q = { accountId: 'acct-1', functionName: 'fn', limit: 10 };
      assert.deepEqual(f.store.query({ ...q, requestId: 'req-3' }).records.map((r) => r.requestId), ['req-3']);
      assert.deepEqual(f.store.query({ ...q, instanceId: 'c-odd' }).records.map((r) => r.requestId), ['req-1', 'req-3']);
      assert.deepEqual(f.store.query({ ...q, sinceMs: T0 + 205, untilMs: T0 + 300 }).records.map((r) => r.requestId), ['req-2', 'req-3']);
      const first = f.store.query({ ...q, limit: 2 });
      assert.deepEqual(first.records.map((r) => r.requestId), ['req-0', 'req-1']);
      assert.equal(first.hasMore, true);
      const second = f.store.query({ ...q, limit: 2, afterSeq: first.records.at(-1)!.seq });
      assert.deepEqual(second.records.map((r) => r.requestId), ['req-2', 'req-3']);
      const third = f.store.query({ ...q, limit: 2, afterSeq: second.records.at(-1)!.seq });
      assert.deepEqual(third.records.map((r) => r.requestId), ['req-4']);
      assert.equal(third.hasMore, false);
    });

    test('keeps unicode and long messages intact and counts their bytes per account', (t) => {
      const f = withStore(t);
      const message = 'héllo 日本 🎉\n'.repeat(2000);
      f.store.append([rec({ message }), rec({ accountId: 'acct-2', message: 'x\n' })], T0);
      assert.equal(f.store.query({ accountId: 'acct-1', functionName: 'fn', limit: 1 }).records[0]!.message, message);
      assert.equal(f.store.accountBytes('acct-1'), Buffer.byteLength(message));
      assert.equal(f.store.accountBytes('acct-2'), 2);
      assert.equal(f.store.accountBytes('nobody'), 0);
    });

    test('retention deletes records written before the cut-off, and nothing younger', (t) => {
      const f = withStore(t);
      f.store.append([rec({ requestId: 'old-1' }), rec({ requestId: 'old-2', accountId: 'acct-2' })], T0);
      f.store.append([rec({ requestId: 'new' })], T0 + 1000);
      const r = f.store.applyRetention({ writtenBeforeMs: T0 + 500, maxBytesPerAccount: Number.MAX_SAFE_INTEGER });
      assert.equal(r.deletedRecords, 2);
      assert.deepEqual(f.store.query({ accountId: 'acct-1', functionName: 'fn', limit: 10 }).records.map((x) => x.requestId), ['new']);
      assert.equal(f.store.accountBytes('acct-2'), 0);
      assert.equal(f.store.accountBytes('acct-1'), Buffer.byteLength(rec().message));
      assert.deepEqual(f.store.applyRetention({ writtenBeforeMs: T0 + 500, maxBytesPerAccount: Number.MAX_SAFE_INTEGER }), { deletedRecords: 0, deletedBytes: 0 });
    });

    test("retention by size deletes an account's oldest records until it fits, and leaves other accounts alone", (t) => {
      const f = withStore(t);
      const big = 'x'.repeat(99) + '\n';
      f.store.append(Array.from({ length: 10 }, (_, i) => rec({ requestId: `r${i}`, message: big })), T0);
      f.store.append([rec({ accountId: 'acct-2', message: big })], T0);
      const r = f.store.applyRetention({ writtenBeforeMs: 0, maxBytesPerAccount: 350 });
      assert.deepEqual(r, { deletedRecords: 7, deletedBytes: 700 });
      assert.deepEqual(f.store.query({ accountId: 'acct-1', functionName: 'fn', limit: 20 }).records.map((x) => x.requestId), ['r7', 'r8', 'r9']);
      assert.equal(f.store.accountBytes('acct-1'), 300);
      assert.equal(f.store.accountBytes('acct-2'), 100);
    });

    test('a closed store refuses work', (t) => {
      const f = withStore(t);
      f.store.close();
      assert.throws(() => f.store.append([rec()], T0), /closed/);
      assert.throws(() => f.store.query({ accountId: 'a', functionName: 'f', limit: 1 }), /closed/);
    });
  });
}

/**
 * @module store/queue.contract
 * The behaviour every Queue backend must have (store/queue.ts). Each backend's test file calls
 * `runQueueContract` with a factory; a PostgreSQL backend runs the same cases.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { NewAsyncEvent, Queue } from './queue.js';

export interface QueueFixture {
  queue: Queue;
  /** Closes and reopens the same storage (a restart). */
  reopen(): Promise<Queue>;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);

function newEvent(over: Partial<NewAsyncEvent> = {}): NewAsyncEvent {
  const accountId = over.accountId ?? 'acct-1';
  return {
    eventId: randomUUID(), kind: 'invoke', accountId, functionName: 'fn', qualifier: 'LATEST', queueKey: `a:${accountId}`,
    payload: Buffer.from('{"n":1}'), maxRetryAttempts: 3, maxEventAgeMs: 86_400_000, enqueuedAt: T0, destinationDepth: 0, ...over,
  };
}

export function runQueueContract(name: string, create: () => Promise<QueueFixture>): void {
  describe(`Queue contract: ${name}`, () => {
    async function withQueue(t: { after(fn: () => Promise<void>): void }) {
      const f = await create();
      t.after(() => f.cleanup());
      return f;
    }
    const claimOne = (q: Queue, queueKey: string, now = T0, leaseUntil = now + 10_000, owner = 'd1') => q.claim({ queueKey, owner, now, leaseUntil, limit: 1 });

    test('an enqueued event survives a restart and is claimed with its payload', async (t) => {
      const f = await withQueue(t);
      const e = newEvent({ payload: Buffer.from([0, 1, 2, 255]) });
      assert.deepEqual(await f.queue.enqueue([e]), [{ eventId: e.eventId, isNew: true }]);
      const q = await f.reopen();
      assert.deepEqual(await q.readyQueueKeys(T0), ['a:acct-1']);
      const [c] = await claimOne(q, 'a:acct-1');
      assert.ok(c);
      assert.deepEqual([c.event.eventId, c.event.status, c.event.attempts, [...c.event.payload]], [e.eventId, 'Running', 1, [0, 1, 2, 255]]);
      assert.deepEqual(await claimOne(q, 'a:acct-1'), [], 'a leased event is not claimed twice');
    });

    test('enqueues made together are each durable and answered with their own ids', async (t) => {
      const f = await withQueue(t);
      const events = Array.from({ length: 50 }, () => newEvent());
      const results = await Promise.all(events.map((e) => f.queue.enqueue([e])));
      assert.deepEqual(results.map((r) => r[0]!.eventId), events.map((e) => e.eventId));
      assert.equal((await f.reopen().then((q) => q.counts())).inFlight, 50);
    });

    test('a task id is idempotent per function: the same id twice stores one task', async (t) => {
      const f = await withQueue(t);
      const first = newEvent({ taskId: 'job-1' });
      const again = newEvent({ taskId: 'job-1' });
      const other = newEvent({ taskId: 'job-1', functionName: 'other-fn' });
      const [a, b, c] = await Promise.all([f.queue.enqueue([first]), f.queue.enqueue([again]), f.queue.enqueue([other])]);
      assert.deepEqual(a, [{ eventId: first.eventId, taskId: 'job-1', isNew: true }]);
      assert.deepEqual(b, [{ eventId: first.eventId, taskId: 'job-1', isNew: false }]);
      assert.equal(c![0]!.isNew, true, 'the same task id of another function is another task');
      assert.equal((await f.queue.counts()).enqueued, 2);
    });

    test('events become claimable only at visibleAt, oldest first, and a function takes no more than its remaining share', async (t) => {
      const f = await withQueue(t);
      const old = newEvent({ enqueuedAt: T0 });
      const young = newEvent({ enqueuedAt: T0 + 5 });
      const busy = newEvent({ enqueuedAt: T0 - 5, functionName: 'busy' });
      const capped = [1, 2, 3].map((i) => newEvent({ enqueuedAt: T0 + 5 + i, functionName: 'capped' }));
      await f.queue.enqueue([young, old, busy, ...capped]);
      assert.deepEqual(await f.queue.readyQueueKeys(T0 - 10), []);
      const remainingFor = (_a: string, fn: string) => (fn === 'busy' ? 0 : fn === 'capped' ? 2 : undefined);
      const claimed = await f.queue.claim({ queueKey: 'a:acct-1', owner: 'd1', now: T0 + 10, leaseUntil: T0 + 1000, limit: 10, remainingFor });
      assert.deepEqual(claimed.map((c) => c.event.eventId), [old.eventId, young.eventId, capped[0]!.eventId, capped[1]!.eventId]);
    });

    test('only the current lease holder can settle or retry; a settled event stays settled', async (t) => {
      const f = await withQueue(t);
      const e = newEvent();
      await f.queue.enqueue([e]);
      const [c] = await claimOne(f.queue, 'a:acct-1');
      assert.equal(await f.queue.settle(e.eventId, 'not-the-token', { status: 'Succeeded', at: T0 + 1 }), false);
      assert.equal(await f.queue.retry(e.eventId, 'not-the-token', { at: T0 + 1, visibleAt: T0 + 2, cause: 'function-error', errorMessage: 'x' }), false);
      assert.equal(await f.queue.renew(e.eventId, c!.leaseToken, T0 + 20_000), true);
      assert.equal(await f.queue.settle(e.eventId, c!.leaseToken, { status: 'Succeeded', at: T0 + 1, returnPayload: Buffer.from('ok') }), true);
      assert.equal(await f.queue.settle(e.eventId, c!.leaseToken, { status: 'Failed', at: T0 + 2 }), false, 'settled exactly once');
      assert.equal(await f.queue.renew(e.eventId, c!.leaseToken, T0 + 30_000), false);
      const counts = await f.queue.counts();
      assert.deepEqual([counts.enqueued, counts.inFlight, counts.settled], [1, 0, 1]);
    });

    test('a retried event waits for its visibleAt and counts function and system errors apart', async (t) => {
      const f = await withQueue(t);
      const e = newEvent({ taskId: 'retry-me' });
      await f.queue.enqueue([e]);
      let [c] = await claimOne(f.queue, 'a:acct-1');
      assert.equal(await f.queue.retry(e.eventId, c!.leaseToken, { at: T0 + 1, visibleAt: T0 + 500, cause: 'function-error', errorMessage: 'boom' }), true);
      assert.deepEqual(await claimOne(f.queue, 'a:acct-1', T0 + 499), []);
      [c] = await claimOne(f.queue, 'a:acct-1', T0 + 500);
      assert.ok(c);
      await f.queue.retry(e.eventId, c.leaseToken, { at: T0 + 501, visibleAt: T0 + 501, cause: 'system-error', errorMessage: 'throttled' });
      const task = await f.queue.getTask('acct-1', 'fn', 'retry-me');
      assert.deepEqual([task!.status, task!.attempts, task!.functionErrors, task!.systemErrors, task!.errorMessage], ['Retrying', 2, 1, 1, 'throttled']);
      assert.deepEqual(task!.history.map((h) => h.status), ['Enqueued', 'Running', 'Retrying', 'Running', 'Retrying']);
    });

    test('an expired lease makes the event claimable again, and the old holder can no longer settle it', async (t) => {
      const f = await withQueue(t);
      const e = newEvent();
      await f.queue.enqueue([e]);
      const [old] = await claimOne(f.queue, 'a:acct-1', T0, T0 + 100, 'crashed-dispatcher');
      assert.deepEqual(await f.queue.recoverExpiredLeases(T0 + 100), [], 'not expired at its expiry instant');
      assert.deepEqual(await f.queue.recoverExpiredLeases(T0 + 101), [e.eventId]);
      const [next] = await claimOne(f.queue, 'a:acct-1', T0 + 101, T0 + 1000, 'd2');
      assert.equal(next!.event.attempts, 2);
      assert.equal(await f.queue.settle(e.eventId, old!.leaseToken, { status: 'Succeeded', at: T0 + 102 }), false);
      assert.equal(await f.queue.settle(e.eventId, next!.leaseToken, { status: 'Succeeded', at: T0 + 102 }), true);
    });

    test('stopping a waiting task settles it; stopping a running one lets its holder end it as Stopped', async (t) => {
      const f = await withQueue(t);
      const waiting = newEvent({ taskId: 'w' });
      const running = newEvent({ taskId: 'r' });
      await f.queue.enqueue([running]);
      await f.queue.enqueue([waiting]);
      const [c] = await claimOne(f.queue, 'a:acct-1');
      assert.equal(c!.event.taskId, 'r');
      assert.equal(await f.queue.requestStop('acct-1', 'fn', 'w', T0 + 1), 'Stopped');
      assert.equal(await f.queue.requestStop('acct-1', 'fn', 'r', T0 + 1), 'Stopping');
      assert.equal(await f.queue.requestStop('acct-1', 'fn', 'nope', T0 + 1), undefined);
      assert.equal(await f.queue.retry(running.eventId, c!.leaseToken, { at: T0 + 2, visibleAt: T0 + 2, cause: 'function-error', errorMessage: 'killed' }), true);
      assert.equal((await f.queue.getTask('acct-1', 'fn', 'r'))!.status, 'Stopped', 'no retry after a stop');
      assert.deepEqual(await f.queue.readyQueueKeys(T0 + 10), []);
      assert.equal(await f.queue.requestStop('acct-1', 'fn', 'r', T0 + 3), 'Stopped', 'stopping again reports the end');
    });

    test('a settlement creates its follow-up events atomically and marks the source destination status', async (t) => {
      const f = await withQueue(t);
      const e = newEvent({ taskId: 'src' });
      await f.queue.enqueue([e]);
      const [c] = await claimOne(f.queue, 'a:acct-1');
      const hook = newEvent({ kind: 'http-destination', queueKey: 'd:acct-1', targetUrl: 'http://127.0.0.1:1/x', sourceEventId: e.eventId, destinationDepth: 1 });
      await f.queue.settle(e.eventId, c!.leaseToken, { status: 'Failed', at: T0 + 1, errorMessage: 'boom', followUps: [hook] });
      const [d] = await claimOne(f.queue, 'd:acct-1', T0 + 1);
      assert.deepEqual([d!.event.kind, d!.event.targetUrl, d!.event.sourceEventId], ['http-destination', 'http://127.0.0.1:1/x', e.eventId]);
      await f.queue.settle(hook.eventId, d!.leaseToken, { status: 'Succeeded', at: T0 + 2, sourceDestinationStatus: 'Succeeded' });
      assert.equal((await f.queue.getTask('acct-1', 'fn', 'src'))!.destinationStatus, 'Succeeded');
      const counts = await f.queue.counts();
      assert.deepEqual([counts.enqueued, counts.inFlight, counts.settled], [2, 0, 2]);
    });

    test('queues of different accounts are listed apart; tasks list by function with filters and pages', async (t) => {
      const f = await withQueue(t);
      await f.queue.enqueue(Array.from({ length: 5 }, (_, i) => newEvent({ taskId: `t-${i}`, enqueuedAt: T0 + i })));
      await f.queue.enqueue([newEvent({ accountId: 'acct-2', taskId: 't-0' })]);
      assert.deepEqual((await f.queue.readyQueueKeys(T0 + 10)).sort(), ['a:acct-1', 'a:acct-2']);
      const page1 = await f.queue.listTasks({ accountId: 'acct-1', functionName: 'fn', isAscending: true, limit: 2 });
      assert.deepEqual(page1.items.map((i) => i.taskId), ['t-0', 't-1']);
      const page2 = await f.queue.listTasks({ accountId: 'acct-1', functionName: 'fn', isAscending: true, limit: 10, nextToken: page1.nextToken! });
      assert.deepEqual(page2.items.map((i) => i.taskId), ['t-2', 't-3', 't-4']);
      assert.equal(page2.nextToken, undefined);
      const desc = await f.queue.listTasks({ accountId: 'acct-1', functionName: 'fn', isAscending: false, limit: 1, status: 'Enqueued', taskIdPrefix: 't-' });
      assert.deepEqual(desc.items.map((i) => i.taskId), ['t-4']);
      const windowed = await f.queue.listTasks({ accountId: 'acct-1', functionName: 'fn', isAscending: true, limit: 10, startedTimeBegin: T0 + 1, startedTimeEnd: T0 + 2 });
      assert.deepEqual(windowed.items.map((i) => i.taskId), ['t-1', 't-2']);
      assert.equal((await f.queue.getTask('acct-2', 'fn', 't-1')), undefined, 'another account does not see the task');
    });

    test('purging removes settled events past the retention but keeps the totals', async (t) => {
      const f = await withQueue(t);
      const e = newEvent({ taskId: 'old' });
      await f.queue.enqueue([e, newEvent()]);
      const [c] = await claimOne(f.queue, 'a:acct-1');
      await f.queue.settle(c!.event.eventId, c!.leaseToken, { status: 'Succeeded', at: T0 + 1 });
      assert.equal(await f.queue.purgeSettled(T0 + 1), 0);
      assert.equal(await f.queue.purgeSettled(T0 + 2), 1);
      const counts = await f.queue.counts();
      assert.deepEqual([counts.enqueued, counts.inFlight, counts.settled], [2, 1, 1]);
    });
  });
}

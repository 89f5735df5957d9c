/**
 * The dispatcher under a fake clock, on a real SQLite queue, with a scripted scheduler: retries
 * and their backoff, expiry, destinations, lease recovery, stops and fairness.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../config/index.js';
import { PlatformError } from '../errors/index.js';
import { EventBus } from '../events/event-bus.js';
import type { FunctionService } from '../functions/index.js';
import { createLogger } from '../observability/logger.js';
import type { InvocationOutcome, InvocationRequest, Scheduler } from '../scheduler/index.js';
import type { NewAsyncEvent, Queue } from '../store/queue.js';
import { createSqliteQueue } from '../store/sqlite/sqlite-queue.js';
import { FakeClock } from '../time/clock.js';
import type { EffectiveAsyncConfig } from './async-config.js';
import { createAsyncDispatcher } from './async-dispatcher.js';
import { createQualifierResolver } from '../functions/index.js';

/** Lets queued promise continuations (the dispatcher's awaits) run. */
const tick = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

type Script = (req: InvocationRequest, fn: string) => Promise<InvocationOutcome>;

const ok = (body = 'done'): InvocationOutcome => ({ instanceId: 'i-1', body: Buffer.from(body), durationMs: 1 });
const fnError = (message = 'boom'): InvocationOutcome => ({ instanceId: 'i-1', body: Buffer.from(JSON.stringify({ errorMessage: message, errorType: 'Error' })), errorType: 'UnhandledInvocationError', durationMs: 1 });

function setup(t: { after(fn: () => Promise<void> | void): void }, options: { script: Script; configs?: Record<string, Partial<EffectiveAsyncConfig>>; concurrency?: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-dispatch-'));
  const queue: Queue = createSqliteQueue(path.join(dir, 'queue.db'));
  const clock = new FakeClock();
  const events = new EventBus();
  const invoked: { fn: string; requestId: string; at: number }[] = [];
  const scheduler = {
    invoke: (fn: { functionName: string }, req: InvocationRequest) => {
      invoked.push({ fn: fn.functionName, requestId: req.requestId, at: clock.now() });
      return options.script(req, fn.functionName);
    },
  } as unknown as Scheduler;
  const functions = {
    resolve: (accountId: string, functionName: string) => {
      if (functionName.startsWith('gone')) throw new PlatformError('FunctionNotFound', 'gone');
      return { accountId, functionName, config: { timeout: 3 } };
    },
    functionArn: (a: string, f: string) => `acs:fc:cn-local:${a}:functions/${f}`,
  } as unknown as FunctionService;
  const qualifiers = createQualifierResolver({ functions, versions: { findVersion: () => undefined, findAlias: () => undefined } });
  const asyncConfigs = {
    effective: (_a: string, functionName: string): EffectiveAsyncConfig => ({ isTask: true, maxRetryAttempts: 3, maxEventAgeMs: 86_400_000, isDedicatedQueue: false, ...options.configs?.[functionName] }),
  };
  const dispatcher = createAsyncDispatcher({
    queue, functions, qualifiers, scheduler, asyncConfigs, clock, events, logger: createLogger({ level: 'error' }),
    config: { ...DEFAULT_CONFIG, asyncDispatchConcurrency: options.concurrency ?? 8, asyncPollIntervalMs: 1000, asyncClaimLeaseMs: 60_000 },
  });
  t.after(async () => {
    const closing = dispatcher.close();
    clock.advance(10_000);
    await closing;
    await queue.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  let n = 0;
  const enqueue = async (over: Partial<NewAsyncEvent> = {}) => {
    const accountId = over.accountId ?? 'acct';
    const e: NewAsyncEvent = {
      eventId: `ev-${++n}`, kind: 'invoke', accountId, functionName: 'fn', qualifier: 'LATEST', taskId: `task-${n}`, queueKey: `a:${accountId}`,
      payload: Buffer.from(`{"n":${n}}`), maxRetryAttempts: 3, maxEventAgeMs: 86_400_000, enqueuedAt: clock.now(), destinationDepth: 0, ...over,
    };
    await queue.enqueue([e]);
    dispatcher.notify();
    return e;
  };
  const settled = (eventId: string) => events.next('async:settled', (s) => s.eventId === eventId);
  const retrying = (eventId: string) => events.next('async:retrying', (s) => s.eventId === eventId);
  return { queue, clock, events, dispatcher, enqueue, invoked, settled, retrying };
}

test('a function error is retried maxRetryAttempts times with a doubling backoff, then the event fails', async (t) => {
  const s = setup(t, { script: async () => fnError('always') });
  const e = await s.enqueue();
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await s.retrying(e.eventId);
    delays.push(r.visibleAt - s.clock.now());
    s.clock.advance(r.visibleAt - s.clock.now() - 1);
    assert.equal(s.invoked.length, i + 1, 'not before its visibleAt');
    const next = s.settled(e.eventId).catch(() => undefined);
    void next;
    s.clock.advance(1);
  }
  const end = await s.settled(e.eventId);
  assert.deepEqual(delays, [500, 1000, 2000]);
  assert.deepEqual([end.status, end.attempts, s.invoked.length], ['Failed', 4, 4]);
  const task = await s.queue.getTask('acct', 'fn', e.taskId!);
  assert.equal(task!.errorMessage, 'UnhandledInvocationError: always');
});

test('a success settles the event with its return payload and sends the record to onSuccess', async (t) => {
  const s = setup(t, { script: async (_r, fn) => ok(fn === 'fn' ? 'result!' : 'dest'), configs: { fn: { onSuccess: { kind: 'function', functionName: 'dest', arn: 'acs:fc:cn-local:acct:functions/dest' } } } });
  const e = await s.enqueue();
  const followed = s.events.next('async:settled', (x) => x.functionName === 'dest');
  const end = await s.settled(e.eventId);
  assert.deepEqual([end.status, end.attempts], ['Succeeded', 1]);
  await followed;
  const task = await s.queue.getTask('acct', 'fn', e.taskId!);
  assert.deepEqual([task!.returnPayload!.toString(), task!.destinationStatus], ['result!', 'Succeeded']);
  const destCall = s.invoked.find((i) => i.fn === 'dest')!;
  const destTask = (await s.queue.listTasks({ accountId: 'acct', functionName: 'dest', isAscending: true, limit: 5 })).items[0]!;
  assert.equal(destTask.eventId, destCall.requestId);
  const record = JSON.parse(destTask.payload.toString()) as { requestContext: Record<string, unknown>; requestPayload: string; responsePayload: string; responseContext: Record<string, unknown> };
  assert.deepEqual(record.requestContext, { requestId: e.eventId, functionArn: 'acs:fc:cn-local:acct:functions/fn', condition: '', approximateInvokeCount: 1 });
  assert.deepEqual([record.requestPayload, record.responsePayload, record.responseContext.functionError], [e.payload.toString(), 'result!', '']);
});

test('throttling backs off without a count limit until the event age runs out; then it expires to onFailure', async (t) => {
  const s = setup(t, {
    script: async () => {
      throw new PlatformError('ResourceThrottled', 'no slot');
    },
    configs: { fn: { onFailure: { kind: 'function', functionName: 'dlq', arn: 'acs:fc:cn-local:acct:functions/dlq' } }, dlq: { isTask: true } },
  });
  const e = await s.enqueue({ maxRetryAttempts: 0, maxEventAgeMs: 10_000 });
  const delays: number[] = [];
  for (;;) {
    const r = await Promise.race([s.retrying(e.eventId), s.settled(e.eventId)]);
    if ('status' in r) {
      assert.equal(r.status, 'Expired');
      break;
    }
    delays.push(r.visibleAt - s.clock.now());
    s.clock.advance(r.visibleAt - s.clock.now());
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000], 'the next delay (8 s) would pass the 10 s age');
  const task = await s.queue.getTask('acct', 'fn', e.taskId!);
  assert.deepEqual([task!.status, task!.systemErrors, task!.functionErrors], ['Expired', 4, 0]);
  const dlq = (await s.queue.listTasks({ accountId: 'acct', functionName: 'dlq', isAscending: true, limit: 5 })).items[0]!;
  assert.equal((JSON.parse(dlq.payload.toString()) as { requestContext: { condition: string } }).requestContext.condition, 'EventAgeExceeded');
});

test('an event of a deleted function is Invalid, and is not retried', async (t) => {
  const s = setup(t, { script: async () => ok() });
  const e = await s.enqueue({ functionName: 'gone-fn' });
  assert.equal((await s.settled(e.eventId)).status, 'Invalid');
  assert.equal(s.invoked.length, 0);
});

test("a crashed dispatcher's lease expires and another attempt runs; the old holder cannot settle", async (t) => {
  const s = setup(t, { script: async () => ok() });
  await s.queue.enqueue([{ eventId: 'orphan', kind: 'invoke', accountId: 'acct', functionName: 'fn', qualifier: 'LATEST', queueKey: 'a:acct', payload: Buffer.from('x'), maxRetryAttempts: 3, maxEventAgeMs: 86_400_000, enqueuedAt: s.clock.now(), destinationDepth: 0 }]);
  const [lost] = await s.queue.claim({ queueKey: 'a:acct', owner: 'crashed', now: s.clock.now(), leaseUntil: s.clock.now() + 5000, limit: 1 });
  let isExpired = false;
  const expired = s.events.next('lease:expired', (x) => x.eventId === 'orphan').then(() => (isExpired = true));
  const done = s.settled('orphan');
  s.dispatcher.start();
  for (let polls = 0; !isExpired && polls < 20; polls++) {
    await tick();
    assert.equal(s.invoked.length, 0, 'not while the lease holds');
    s.clock.advance(1000);
    await tick();
  }
  await expired;
  assert.ok(s.clock.now() > s.invoked[0]!.at - 1 && s.invoked[0]!.at > Date.UTC(2026, 0, 1) + 5000, 'run again only after the lease expired');
  assert.deepEqual([(await done).status, (await done).attempts], ['Succeeded', 2]);
  assert.equal(await s.queue.settle('orphan', lost!.leaseToken, { status: 'Failed', at: s.clock.now() }), false);
});

test('stopping a running attempt kills it and settles the task as Stopped without a retry', async (t) => {
  let release!: () => void;
  const s = setup(t, {
    script: (req) => new Promise((resolve) => {
      (req.onClientGone as (fn: () => void) => void)(() => resolve(fnError('killed')));
      release = () => resolve(ok());
    }),
  });
  const e = await s.enqueue();
  while (s.invoked.length === 0) await new Promise((r) => setImmediate(r));
  assert.equal(await s.queue.requestStop('acct', 'fn', e.taskId!, s.clock.now()), 'Stopping');
  assert.equal(s.dispatcher.abort(e.eventId), true);
  const end = await s.settled(e.eventId);
  assert.deepEqual([end.status, s.invoked.length], ['Stopped', 1]);
  release();
});

test('an account that floods its queue does not hold back another account beyond one round', async (t) => {
  const pending: (() => void)[] = [];
  const s = setup(t, { concurrency: 2, script: () => new Promise((resolve) => pending.push(() => resolve(ok()))) });
  const accountOf = new Map<string, string>();
  for (let i = 0; i < 40; i++) accountOf.set((await s.enqueue({ accountId: 'noisy' })).eventId, 'noisy');
  for (let i = 0; i < 3; i++) accountOf.set((await s.enqueue({ accountId: 'quiet' })).eventId, 'quiet');
  const order: string[] = [];
  while (order.filter((a) => a === 'quiet').length < 3 && order.length < 43) {
    while (pending.length === 0) await new Promise((r) => setImmediate(r));
    order.push(accountOf.get(s.invoked[order.length]!.requestId)!);
    pending.shift()!();
  }
  assert.ok(order.length <= 8, `the quiet account's 3 events ran within ${order.length} attempts while 40 noisy ones waited: ${order.join(',')}`);
});

test("a function's maxConcurrency keeps its events waiting while that many attempts run", async (t) => {
  const pending: (() => void)[] = [];
  let running = 0;
  let peak = 0;
  const s = setup(t, {
    concurrency: 8, configs: { fn: { maxConcurrency: 2 } },
    script: () => new Promise((resolve) => {
      peak = Math.max(peak, ++running);
      pending.push(() => {
        running--;
        resolve(ok());
      });
    }),
  });
  const events = [];
  for (let i = 0; i < 6; i++) events.push(await s.enqueue());
  const all = Promise.all(events.map((e) => s.settled(e.eventId)));
  for (let done = 0; done < 6; done++) {
    while (pending.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    pending.shift()!();
  }
  await all;
  assert.equal(peak, 2);
});

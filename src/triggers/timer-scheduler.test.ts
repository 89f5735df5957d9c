import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { PlatformError } from '../errors/index.js';
import { EventBus, type EventMap } from '../events/event-bus.js';
import type { AsyncInvocation, AsyncInvoker } from '../invoke/index.js';
import { createMemoryLogger } from '../observability/logger.js';
import { createSqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';
import type { MetadataStore, TriggerRecord } from '../store/types.js';
import { FakeClock } from '../time/clock.js';
import { createTimerScheduler, timerEventId } from './timer-scheduler.js';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A store with one account, one function and one `@every 1m` timer trigger created at T0. */
function storeWithTimer(): { store: MetadataStore; trigger: TriggerRecord } {
  const store = createSqliteMetadataStore(':memory:');
  store.createAccount({ accountId: '1', createdTime: iso(T0) });
  store.createFunction({ accountId: '1', functionName: 'f', functionId: randomUUID(), revision: 1, config: {}, codeBlobKey: 'a'.repeat(64), codeChecksum: '1', codeSize: 1, createdTime: iso(T0), lastModifiedTime: iso(T0) });
  const trigger: TriggerRecord = {
    accountId: '1', functionName: 'f', triggerName: 'tick', triggerId: randomUUID(), triggerType: 'timer', triggerConfig: JSON.stringify({ cronExpression: '@every 1m', payload: 'p', enable: true }),
    qualifier: 'LATEST', invocationRole: '', sourceArn: '', description: '', createdTime: iso(T0), lastModifiedTime: iso(T0),
  };
  store.createTrigger(trigger);
  return { store, trigger };
}

/** Records invocations and, like the queue, stores an event id once. */
function recordingInvoker(): AsyncInvoker & { calls: AsyncInvocation[]; ids: Set<string> } {
  const calls: AsyncInvocation[] = [];
  const ids = new Set<string>();
  return {
    calls,
    ids,
    async invokeAsync(inv) {
      calls.push(inv);
      const isNew = !ids.has(inv.requestId);
      ids.add(inv.requestId);
      return { eventId: inv.requestId, isNew };
    },
  };
}

function scheduler(store: MetadataStore, invoker: AsyncInvoker, clock: FakeClock, events = new EventBus()) {
  return createTimerScheduler({ store, asyncInvoker: invoker, checkRole: () => undefined, clock, events, logger: createMemoryLogger() });
}

describe('timer scheduler', () => {
  test('fires each point once with the timer event, and a late wake fires only the newest missed point', async () => {
    const { store, trigger } = storeWithTimer();
    const clock = new FakeClock(T0);
    const invoker = recordingInvoker();
    const events = new EventBus();
    const skipped: EventMap['trigger:skipped'][] = [];
    events.on('trigger:skipped', (e) => skipped.push(e));
    const timers = scheduler(store, invoker, clock, events);
    try {
      timers.start();
      clock.advance(120_000);
      await timers.close();
      assert.deepEqual(invoker.calls.map((c) => c.requestId), [timerEventId(trigger.triggerId, T0 + 60_000), timerEventId(trigger.triggerId, T0 + 120_000)]);
      assert.deepEqual(JSON.parse(invoker.calls[0]!.event.toString()), { triggerTime: iso(T0 + 60_000), triggerName: 'tick', payload: 'p' });
      assert.equal(store.getTriggerById(trigger.triggerId)!.lastPointMs, T0 + 120_000);

      // Down until T0 + 6m30s: points at 3, 4, 5 and 6 minutes were missed; only 6 fires.
      const later = new FakeClock(T0 + 390_000);
      const again = scheduler(store, invoker, later, events);
      again.start();
      await again.close();
      assert.deepEqual(invoker.calls.slice(2).map((c) => c.requestId), [timerEventId(trigger.triggerId, T0 + 360_000)]);
      assert.deepEqual(skipped.map((s) => [s.skippedCount, s.oldestMs - T0, s.newestMs - T0]), [[3, 180_000, 360_000]]);
    } finally {
      await timers.close();
      store.close();
    }
  });

  test('a crash between enqueue and watermark re-offers the same point under the same id, so it does not run twice', async () => {
    const { store, trigger } = storeWithTimer();
    const invoker = recordingInvoker();
    const clock = new FakeClock(T0);
    // The first run loses its watermark write, as if the process died right after the enqueue.
    const lossy: MetadataStore = Object.create(store, { setTriggerLastPoint: { value: () => { throw new Error('disk gone'); } } }) as MetadataStore;
    const first = scheduler(lossy, invoker, clock);
    try {
      first.start();
      clock.advance(60_000);
      await first.close();
      assert.equal(store.getTriggerById(trigger.triggerId)!.lastPointMs, undefined);
      const second = scheduler(store, invoker, new FakeClock(T0 + 61_000));
      second.start();
      await second.close();
      const id = timerEventId(trigger.triggerId, T0 + 60_000);
      assert.deepEqual(invoker.calls.map((c) => c.requestId), [id, id]);
      assert.equal(invoker.ids.size, 1);
      assert.equal(store.getTriggerById(trigger.triggerId)!.lastPointMs, T0 + 60_000);
    } finally {
      await first.close();
      store.close();
    }
  });

  test('follows updates and deletions, and a refused role still moves the watermark', async () => {
    const { store, trigger } = storeWithTimer();
    const clock = new FakeClock(T0);
    const invoker = recordingInvoker();
    const events = new EventBus();
    const refused: EventMap['trigger:refused'][] = [];
    events.on('trigger:refused', (e) => refused.push(e));
    let isAllowed = false;
    const timers = createTimerScheduler({
      store, asyncInvoker: invoker, clock, events, logger: createMemoryLogger(),
      checkRole: () => {
        if (!isAllowed) throw new PlatformError('AccessDenied', 'the role may not');
      },
    });
    try {
      timers.start();
      clock.advance(60_000);
      await Promise.resolve();
      assert.deepEqual(refused.map((r) => [r.code, r.pointMs - T0]), [['AccessDenied', 60_000]]);
      assert.equal(invoker.calls.length, 0);
      assert.equal(store.getTriggerById(trigger.triggerId)!.lastPointMs, T0 + 60_000);
      isAllowed = true;
      const disabled = { ...trigger, triggerConfig: JSON.stringify({ cronExpression: '@every 1m', payload: '', enable: false }), lastModifiedTime: iso(clock.now()) };
      timers.onTriggerChange({ triggerId: trigger.triggerId, record: disabled });
      assert.equal(timers.armed, 0);
      clock.advance(300_000);
      const enabled = { ...trigger, lastModifiedTime: iso(clock.now()) };
      timers.onTriggerChange({ triggerId: trigger.triggerId, record: enabled });
      assert.equal(timers.armed, 1);
      clock.advance(60_000);
      assert.equal(invoker.calls.length, 1, 'an update neither replays nor skips: points count from the update');
      timers.onFunctionDeleted('1', 'f');
      assert.equal(timers.armed, 0);
      clock.advance(600_000);
      assert.equal(invoker.calls.length, 1);
    } finally {
      await timers.close();
      store.close();
    }
  });
});

/**
 * Timer triggers on the real platform under a fake clock: one async invocation with FC's timer
 * event per schedule point, under the task id `timer-<triggerId>-<pointMs>`; across a restart on
 * the same data dir the newest missed point fires once and the older ones are logged as skipped;
 * an invocationRole that may not invoke the function refuses the fire.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { FakeClock } from '../../src/time/clock.js';
import type { EventMap } from '../../src/events/event-bus.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { within } from '../helpers/http-client.js';
import { $FC, createFcClient, rejectionOf, type FCClient } from '../helpers/sdk.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const Ram = ((m: unknown) => (typeof m === 'function' ? m : (m as { default: unknown }).default))(RamModule) as Ctor<RamModule.default>;

const RETURN_EVENT = { 'index.js': 'exports.handler = async (event) => event;\n' };
const WAIT_MS = 60_000;
/** A whole second close to real time, so signed SDK calls stay within the allowed clock skew. */
const startOfSecond = () => Math.floor(Date.now() / 1000) * 1000;

function clientOf(platform: Platform): FCClient {
  return createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
}

async function timerFunction(client: FCClient, trigger: Record<string, unknown>): Promise<{ name: string; triggerId: string }> {
  const name = uniqueName('timer');
  await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, RETURN_EVENT, { timeout: 30 }) }));
  await client.putAsyncInvokeConfig(name, new $FC.PutAsyncInvokeConfigRequest({ body: new $FC.PutAsyncInvokeConfigInput({ asyncTask: true }) }));
  const t = await client.createTrigger(name, new $FC.CreateTriggerRequest({ body: new $FC.CreateTriggerInput({ triggerName: 'tick', triggerType: 'timer', ...trigger }) }));
  return { name, triggerId: t.body!.triggerId! };
}

/** Waits until the async task has settled; subscribes first, then looks, so a task that settled already is not missed. */
async function settledTask(platform: Platform, client: FCClient, name: string, taskId: string) {
  const settled = platform.events.next('async:settled', (e) => e.taskId === taskId);
  const now = (await client.getAsyncTask(name, taskId, new $FC.GetAsyncTaskRequest({}))).body!;
  if (['Succeeded', 'Failed', 'Stopped', 'Expired', 'Invalid'].includes(now.status!)) return now;
  await within(settled, WAIT_MS, `async task ${taskId}`);
  return (await client.getAsyncTask(name, taskId, new $FC.GetAsyncTaskRequest({}))).body!;
}

describe('timer triggers under a fake clock', () => {
  let platform: Platform;
  let client: FCClient;
  let clock: FakeClock;

  before(async () => {
    clock = new FakeClock(startOfSecond());
    platform = await createTestPlatform({ clock, idleTimeoutMs: 3_600_000 });
    client = clientOf(platform);
  });
  after(() => platform.close());

  test('fires one async invocation with the timer event per schedule point, never twice', async () => {
    const t0 = clock.now();
    const { name, triggerId } = await timerFunction(client, { triggerConfig: JSON.stringify({ cronExpression: '@every 1m', payload: '{"job":42}' }) });
    const fired: EventMap['trigger:fired'][] = [];
    const off = platform.events.on('trigger:fired', (e) => void (e.triggerId === triggerId && fired.push(e)));
    try {
      clock.advance(59_000);
      assert.equal(fired.length, 0);
      const first = within(platform.events.next('trigger:fired', (e) => e.triggerId === triggerId), WAIT_MS, 'the first point');
      clock.advance(1000);
      const e1 = await first;
      assert.equal(e1.pointMs, t0 + 60_000);
      assert.equal(e1.eventId, `timer-${triggerId}-${t0 + 60_000}`);
      const task = await settledTask(platform, client, name, e1.eventId);
      assert.equal(task.status, 'Succeeded');
      assert.deepEqual(JSON.parse(task.taskPayload!), { triggerTime: new Date(t0 + 60_000).toISOString().replace('.000Z', 'Z'), triggerName: 'tick', payload: '{"job":42}' });

      // Three points in one step: each fires once, in order.
      const third = within(platform.events.next('trigger:fired', (e) => e.triggerId === triggerId && e.pointMs === t0 + 240_000), WAIT_MS, 'the fourth point');
      clock.advance(180_000);
      await third;
      assert.deepEqual(fired.map((e) => e.pointMs - t0), [60_000, 120_000, 180_000, 240_000]);
      assert.ok(fired.every((e) => e.isNew));
      for (const e of fired.slice(1)) assert.equal((await settledTask(platform, client, name, e.eventId)).status, 'Succeeded');
    } finally {
      off();
      await client.deleteTrigger(name, 'tick');
    }
  });

  test('a disabled timer does not fire, and deleting the trigger disarms it', async () => {
    const { name, triggerId } = await timerFunction(client, { triggerConfig: JSON.stringify({ cronExpression: '0 * * * * *', enable: false }) });
    const fired: unknown[] = [];
    const off = platform.events.on('trigger:fired', (e) => void (e.triggerId === triggerId && fired.push(e)));
    try {
      clock.advance(120_000);
      assert.equal(fired.length, 0);
      await client.updateTrigger(name, 'tick', new $FC.UpdateTriggerRequest({ body: new $FC.UpdateTriggerInput({ triggerConfig: JSON.stringify({ cronExpression: '0 * * * * *', enable: true }) }) }));
      const next = within(platform.events.next('trigger:fired', (e) => e.triggerId === triggerId), WAIT_MS, 'the re-enabled timer');
      clock.advance(60_000);
      await next;
      await client.deleteTrigger(name, 'tick');
      clock.advance(120_000);
      assert.equal(fired.length, 1);
    } finally {
      off();
    }
  });

  test('an invocationRole that does not trust FC, or may not invoke the function, refuses the fire', async () => {
    const root = { accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret };
    const ram = new Ram(new $OpenApiUtil.Config({ ...root, endpoint: platform.endpoints.http!.replace('http://', ''), protocol: 'http' }));
    const accountId = platform.defaultAccount.accountId;
    async function role(trusted: Record<string, string[]>, actions: string[]): Promise<string> {
      const roleName = uniqueName('r');
      await ram.createRole(new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: trusted }] }) }));
      if (actions.length) {
        await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: `${roleName}-p`, policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
        await ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyName: `${roleName}-p`, policyType: 'Custom', roleName }));
      }
      return `acs:ram::${accountId}:role/${roleName}`;
    }
    const cases = [
      { role: await role({ RAM: [`acs:ram::${accountId}:root`] }, ['fc:InvokeFunction']), expect: /does not allow fc\.aliyuncs\.com/ },
      { role: await role({ Service: ['fc.aliyuncs.com'] }, ['fc:GetFunction']), expect: /not allowed to fc:InvokeFunction/ },
      { role: `acs:ram::${accountId}:role/no-such-role`, expect: /does not exist/ },
    ];
    const good = await role({ Service: ['fc.aliyuncs.com'] }, ['fc:InvokeFunction']);
    const refusedIds = new Map<string, RegExp>();
    for (const c of cases) refusedIds.set((await timerFunction(client, { invocationRole: c.role, triggerConfig: JSON.stringify({ cronExpression: '@every 1m' }) })).triggerId, c.expect);
    const okTrigger = await timerFunction(client, { invocationRole: good, triggerConfig: JSON.stringify({ cronExpression: '@every 1m' }) });

    const refused: EventMap['trigger:refused'][] = [];
    const fired: EventMap['trigger:fired'][] = [];
    const offs = [
      platform.events.on('trigger:refused', (e) => void (refusedIds.has(e.triggerId) && refused.push(e))),
      platform.events.on('trigger:fired', (e) => void ((refusedIds.has(e.triggerId) || e.triggerId === okTrigger.triggerId) && fired.push(e))),
    ];
    try {
      const okFired = within(platform.events.next('trigger:fired', (e) => e.triggerId === okTrigger.triggerId), WAIT_MS, 'the allowed timer');
      clock.advance(60_000);
      await okFired;
      assert.equal(refused.length, 3);
      for (const r of refused) {
        assert.equal(r.code, 'AccessDenied');
        assert.match(r.message, refusedIds.get(r.triggerId)!);
      }
      assert.deepEqual(fired.map((e) => e.triggerId), [okTrigger.triggerId]);
      assert.equal((await settledTask(platform, client, okTrigger.name, fired[0]!.eventId)).status, 'Succeeded');
    } finally {
      for (const off of offs) off();
    }
  });
});

describe('timer triggers across a restart', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-timer-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('after downtime the newest missed point fires once and the older ones are logged as skipped', async () => {
    const t0 = startOfSecond();
    let name: string;
    let triggerId: string;
    {
      const clock = new FakeClock(t0);
      const platform = await createTestPlatform({ clock, dataDir });
      try {
        const client = clientOf(platform);
        ({ name, triggerId } = await timerFunction(client, { triggerConfig: JSON.stringify({ cronExpression: '@every 1m', payload: 'restart' }) }));
        const first = within(platform.events.next('trigger:fired', (e) => e.triggerId === triggerId), WAIT_MS, 'the first point');
        clock.advance(60_000);
        assert.equal((await first).pointMs, t0 + 60_000);
        assert.equal((await settledTask(platform, client, name, `timer-${triggerId}-${t0 + 60_000}`)).status, 'Succeeded');
      } finally {
        await platform.close();
      }
    }
    // Down from t0+1m to t0+5m30s: the points at 2, 3, 4 and 5 minutes were missed.
    const clock = new FakeClock(t0 + 330_000);
    const logger = createMemoryLogger();
    const platform = await createTestPlatform({ clock, dataDir, logger });
    try {
      const client = clientOf(platform);
      const newest = `timer-${triggerId}-${t0 + 300_000}`;
      const task = await settledTask(platform, client, name, newest);
      assert.equal(task.status, 'Succeeded');
      assert.equal(JSON.parse(task.taskPayload!).payload, 'restart');
      const skipped = logger.entries.filter((e) => e.triggerId === triggerId && /missed schedule points/.test(String(e.msg)));
      assert.equal(skipped.length, 1);
      assert.equal(skipped[0]!.skippedCount, 3);
      assert.equal(skipped[0]!.oldestSkipped, new Date(t0 + 120_000).toISOString().replace('.000Z', 'Z'));
      for (const m of [2, 3, 4]) assert.equal((await rejectionOf(client.getAsyncTask(name, `timer-${triggerId}-${t0 + m * 60_000}`, new $FC.GetAsyncTaskRequest({})))).code, 'AsyncTaskNotFound');
      // The point fired before the restart ran once, and is not fired again.
      const before = (await client.getAsyncTask(name, `timer-${triggerId}-${t0 + 60_000}`, new $FC.GetAsyncTaskRequest({}))).body!;
      assert.equal(before.status, 'Succeeded');
      const list = (await client.listAsyncTasks(name, new $FC.ListAsyncTasksRequest({ limit: 100 }))).body!;
      assert.deepEqual(list.tasks!.map((t) => t.taskId).sort(), [`timer-${triggerId}-${t0 + 60_000}`, newest].sort());
      // And the schedule goes on from there.
      const next = within(platform.events.next('trigger:fired', (e) => e.triggerId === triggerId), WAIT_MS, 'the next point');
      clock.advance(30_000);
      assert.equal((await next).pointMs, t0 + 360_000);
    } finally {
      await platform.close();
    }
  });
});

/**
 * Provisioned instances through the official SDK, with a fake clock driving the controller:
 * a target is kept and survives idleness, scheduled actions and target tracking move it, and
 * scaling in turns instances back into on-demand ones.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { FakeClock } from '../../src/time/clock.js';
import { barrierHandler, startBarrier, type Barrier } from '../helpers/barrier.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

describe('provisioned instances', () => {
  let platform: Platform;
  let client: FCClient;
  let clock: FakeClock;
  let barrier: Barrier;

  before(async () => {
    clock = new FakeClock(Date.now());
    platform = await createTestPlatform({ clock, idleTimeoutMs: 60_000 });
    client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    barrier = await startBarrier();
  });
  after(async () => {
    await barrier.close();
    await platform.close();
  });

  const put = (name: string, body: Record<string, unknown>) => client.putProvisionConfig(name, new $FC.PutProvisionConfigRequest({ body: new $FC.PutProvisionConfigInput(body) }));
  const get = async (name: string) => (await client.getProvisionConfig(name, new $FC.GetProvisionConfigRequest({}))).body!;
  const provisioned = (name: string) => platform.scheduler.listInstances({ functionName: name }).filter((i) => i.isProvisioned);
  /**
   * Advances the controller a tick at a time until `check` holds; while an instance is starting it
   * waits for the function's next instance event (instances start for real meanwhile).
   */
  async function tickUntil(name: string, check: () => boolean, what: string): Promise<void> {
    for (let i = 0; !check(); i++) {
      assert.ok(i < 100, `gave up waiting for: ${what}`);
      const next = Promise.race([
        platform.events.next('instance:started', (e) => e.functionName === name),
        platform.events.next('instance:stopped', (e) => e.functionName === name),
      ]);
      clock.advance(1000);
      if (check()) return;
      const isStarting = platform.scheduler.listInstances({ functionName: name }).some((x) => x.state === 'starting');
      await (isStarting ? next : new Promise((r) => setImmediate(r)));
    }
  }
  const readyCount = (name: string) => provisioned(name).filter((i) => i.state === 'ready').length;

  test('keeps the target, reports current, survives idleness, and serves invocations without a cold start', async () => {
    const name = uniqueName('prov');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const reasons: string[] = [];
    platform.events.on('instance:started', (e) => e.functionName === name && reasons.push(e.reason));
    const set = (await put(name, { target: 2 })).body!;
    assert.equal(set.target, 2);
    assert.equal(set.alwaysAllocateCPU, true);
    await tickUntil(name, () => readyCount(name) === 2, 'two provisioned instances');
        clock.advance(1000);
    const got = await get(name);
    assert.equal(got.current, 2);
    assert.equal(got.currentError, '');
    assert.match(got.functionArn!, new RegExp(`:functions/${name}$`));
    const ids = new Set(provisioned(name).map((i) => i.instanceId));
    clock.advance(120_000);
    assert.equal(readyCount(name), 2, 'provisioned instances are not released for being idle');
    assert.deepEqual(reasons, ['provisioned', 'provisioned'], 'instance:started says why');
    assert.ok(provisioned(name).every((i) => !i.isFrozen), 'alwaysAllocateCPU keeps them thawed');
    const r = await invoke(client, name, 'hi');
    assert.ok(ids.has(r.headers['x-fc-instance-id']!), 'a provisioned instance served it');
    const listed = (await client.listInstances(name, new $FC.ListInstancesRequest({}))).body!.instances!;
    assert.ok(listed.every((i) => i.resourceType!.startsWith('Provisioned')));
    const all = (await client.listProvisionConfigs(new $FC.ListProvisionConfigsRequest({ functionName: name }))).body!.provisionConfigs!;
    assert.deepEqual(all.map((c) => c.current), [2]);
  });

  test('a scheduled action changes the target when it fires; target 0 hands instances back to on-demand', async () => {
    const name = uniqueName('prov');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const at = new Date(clock.now() + 5000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await put(name, { target: 1, scheduledActions: [{ name: 'morning', scheduleExpression: `at(${at})`, target: 3 }] });
    await tickUntil(name, () => readyCount(name) === 3, 'the scheduled target of 3');
    assert.equal((await get(name)).target, 3);
    await put(name, { target: 0, alwaysAllocateCPU: false });
    await tickUntil(name, () => provisioned(name).length === 0, 'no provisioned instances');
    const stopped = platform.events.next('instance:stopped', (e) => e.functionName === name && e.reason === 'idle');
    clock.advance(75_000); // the idle timeout plus one reaper interval
    await stopped;
    await client.deleteProvisionConfig(name, new $FC.DeleteProvisionConfigRequest({}));
    assert.equal((await rejectionOf(get(name))).code, 'ProvisionConfigNotFound');
  });

  test('target tracking adds instances while utilisation is high and sheds them one a tick after', async () => {
    const name = uniqueName('prov');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': barrierHandler(barrier.url) }, { timeout: 300 }) }));
    await put(name, { target: 1, targetTrackingPolicies: [{ name: 'util', metricType: 'ProvisionedConcurrencyUtilization', metricTarget: 0.5, minCapacity: 1, maxCapacity: 4 }] });
    await tickUntil(name, () => readyCount(name) === 1, 'the minimum of 1');
    const calls = [invoke(client, name), invoke(client, name)];
    await barrier.arrived(2);
    await tickUntil(name, () => readyCount(name) === 4, '2 busy at a 0.5 target: 4 instances');
    barrier.release();
    await Promise.all(calls);
    await tickUntil(name, () => provisioned(name).length === 1, 'back to the minimum');
  });

  test('refuses bad configs', async () => {
    const name = uniqueName('prov');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    for (const body of [
      { target: -1 },
      { target: 1, scheduledActions: [{ name: 'x', scheduleExpression: 'cron(0 0 * *)', target: 1 }] },
      { target: 1, scheduledActions: [{ name: 'x', scheduleExpression: 'cron(0 0 8 * * *)', target: 1, timeZone: 'Nowhere/City' }] },
      { target: 1, targetTrackingPolicies: [{ name: 'c', metricType: 'CPUUtilization', metricTarget: 0.5, minCapacity: 1, maxCapacity: 2 }] },
      { target: 1, targetTrackingPolicies: [{ name: 'c', metricType: 'ProvisionedConcurrencyUtilization', metricTarget: 0.5, minCapacity: 3, maxCapacity: 2 }] },
    ]) {
      assert.equal((await rejectionOf(put(name, body))).code, 'InvalidArgument', JSON.stringify(body));
    }
    assert.equal((await rejectionOf(put('no-such-function', { target: 1 }))).code, 'FunctionNotFound');
  });

  test('the ScalingConfig operations keep minInstances the same way, and a function has one config of either kind', async () => {
    const name = uniqueName('scale');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const putScaling = (body: Record<string, unknown>) => client.putScalingConfig(name, new $FC.PutScalingConfigRequest({ body: new $FC.PutScalingConfigInput(body) }));
    await putScaling({
      minInstances: 2,
      horizontalScalingPolicies: [new $FC.ScalingPolicy({ name: 'h', metricType: 'ProvisionedConcurrencyUtilization', metricTarget: 0.6, minInstances: 2, maxInstances: 5 })],
    });
    await tickUntil(name, () => readyCount(name) === 2, 'two resident instances');
    clock.advance(1000);
    const got = (await client.getScalingConfig(name, new $FC.GetScalingConfigRequest({}))).body!;
    assert.equal(got.minInstances, 2);
    assert.equal(got.currentInstances, 2);
    assert.equal(got.horizontalScalingPolicies![0]!.maxInstances, 5);
    const listed = (await client.listScalingConfigs(new $FC.ListScalingConfigsRequest({ functionName: name }))).body!.scalingConfigs!;
    assert.deepEqual(listed.map((c) => c.targetInstances), [2]);
    assert.equal((await rejectionOf(put(name, { target: 1 }))).code, 'ResidentScalingConfigExists');
    assert.equal((await rejectionOf(get(name))).code, 'ProvisionConfigNotFound', 'a scaling config is not a provision config');
    assert.equal((await rejectionOf(putScaling({ minInstances: 1, residentPoolId: 'pool-1' }))).code, 'InvalidArgument');
    await client.deleteScalingConfig(name, new $FC.DeleteScalingConfigRequest({}));
    assert.equal(provisioned(name).length, 0);
    assert.equal((await rejectionOf(client.getScalingConfig(name, new $FC.GetScalingConfigRequest({})))).code, 'ScalingConfigNotFound');
  });
});

test('a stored scheduled action whose schedule a newer openfc refuses is skipped at start; the rest of the config runs', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-provision-restart-'));
  let platform = await createTestPlatform({ dataDir });
  t.after(async () => {
    await platform.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const connect = (p: Platform) => createFcClient({ endpoint: p.endpoints.http!.replace('http://', ''), accessKeyId: p.defaultAccount.accessKeyId, accessKeySecret: p.defaultAccount.accessKeySecret });
  const name = uniqueName('stored');
  await connect(platform).createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
  await connect(platform).putProvisionConfig(name, new $FC.PutProvisionConfigRequest({ body: new $FC.PutProvisionConfigInput({ target: 1 }) }));
  await platform.close();
  // As an older openfc could have stored it: a cron that names no point in time (February 30).
  const db = new Database(path.join(dataDir, 'openfc.db'));
  const row = db.prepare('SELECT config FROM provision_configs WHERE function_name = ?').get(name) as { config: string };
  const config = JSON.parse(row.config) as { scheduledActions: unknown[] };
  config.scheduledActions.push({ name: 'feb30', scheduleExpression: 'cron(0 0 0 30 2 ?)', target: 3 });
  db.prepare('UPDATE provision_configs SET config = ? WHERE function_name = ?').run(JSON.stringify(config), name);
  db.close();

  platform = await createTestPlatform({ dataDir });
  const started = platform.events.next('instance:started', (e) => e.functionName === name);
  const got = (await connect(platform).getProvisionConfig(name, new $FC.GetProvisionConfigRequest({}))).body!;
  assert.equal(got.target, 1);
  assert.equal((await started).functionName, name, 'the valid part of the config still starts its instance');
});

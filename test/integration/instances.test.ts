/** ListInstances through the official SDK: live instances, their status, filters, and errors. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { barrierHandler, startBarrier, type Barrier } from '../helpers/barrier.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $dara, $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

describe('ListInstances', () => {
  let platform: Platform;
  let client: FCClient;
  let barrier: Barrier;

  before(async () => {
    platform = await createTestPlatform({ freezeAfterIdleMs: 50 });
    client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    barrier = await startBarrier();
  });
  after(async () => {
    await barrier.close();
    await platform.close();
  });

  const list = async (name: string, request: Record<string, unknown> = {}) =>
    (await client.listInstances(name, new $FC.ListInstancesRequest(request))).body!.instances as (Record<string, unknown> & { instanceId: string; status: string })[];

  test('lists the live instances of a function with their status; filters by status and id', async () => {
    const name = uniqueName('inst');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': barrierHandler(barrier.url) }, { timeout: 30 }) }));
    assert.deepEqual(await list(name), []);
    const calls = [1, 2, 3].map(() => invoke(client, name));
    await barrier.arrived(3);
    const running = await list(name);
    assert.equal(running.length, 3, 'three concurrent requests at concurrency 1: three instances');
    for (const i of running) {
      assert.match(i.instanceId, /^c-[0-9a-f]{24}$/);
      assert.equal(i.status, 'Running');
      assert.equal(i.versionId, '0');
      assert.equal(i.qualifier, 'LATEST');
      assert.equal(i.resourceType, platform.driver.isIsolated ? 'OnDemand' : 'OnDemand (NOT isolated)');
      assert.equal(typeof i.createdTimeMs, 'number');
    }
    const one = await list(name, { instanceIds: [running[1]!.instanceId] });
    assert.deepEqual(one.map((i) => i.instanceId), [running[1]!.instanceId]);
    barrier.release();
    const ids = (await Promise.all(calls)).map((r) => r.body.toString());
    assert.deepEqual(ids.sort(), running.map((i) => i.instanceId).sort());
    if (platform.driver.isIsolated) {
      // Idle instances are frozen; wait for the events, then they list as Frozen.
      const frozen = new Set<string>();
      await new Promise<void>((resolve) => {
        const off = platform.events.on('instance:frozen', (e) => {
          frozen.add(e.instanceId);
          if (frozen.size === 3) {
            off();
            resolve();
          }
        });
        for (const i of platform.scheduler.listInstances({ functionName: name })) if (i.isFrozen) frozen.add(i.instanceId);
        if (frozen.size === 3) resolve();
      });
      assert.deepEqual((await list(name)).map((i) => i.status), ['Frozen', 'Frozen', 'Frozen']);
      assert.deepEqual(await list(name, { instanceStatus: ['Running'] }), []);
    }
    assert.equal((await list(name, { limit: '2' })).length, 2);
  });

  test('refuses an unknown function and a bad status filter', async () => {
    assert.equal((await rejectionOf(list('no-such-function'))).code, 'FunctionNotFound');
    const name = uniqueName('inst');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const e = await rejectionOf(list(name, { instanceStatus: ['Sleeping'] }));
    assert.equal(e.code, 'InvalidArgument');
  });

  test('a client that goes away mid-invocation takes its instance with it; the next request gets a new one', async () => {
    const local = await startBarrier();
    try {
      const name = uniqueName('abort');
      await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': barrierHandler(local.url) }, { timeout: 60 }) }));
      const stopped = platform.events.next('instance:stopped', (e) => e.functionName === name);
      const gone = client.invokeFunctionWithOptions(
        name, new $FC.InvokeFunctionRequest({ body: Readable.from([Buffer.from('x')]) }), new $FC.InvokeFunctionHeaders({}),
        new $dara.RuntimeOptions({ readTimeout: 1000, connectTimeout: 1000 }),
      );
      await local.arrived(1);
      await assert.rejects(gone, 'the client gave up');
      const [instance] = await list(name);
      const e = await stopped;
      assert.equal(e.reason, 'aborted');
      assert.equal(e.instanceId, instance?.instanceId ?? e.instanceId);
      local.release();
      const next = await invoke(client, name);
      assert.notEqual(next.body.toString(), e.instanceId, 'a new instance served the next request');
    } finally {
      await local.close();
    }
  });
});

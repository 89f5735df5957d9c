/** Reserved concurrency and throttling through the official SDK: 429 after a bounded wait, then recovery. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { barrierHandler, startBarrier, type Barrier } from '../helpers/barrier.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

describe('quotas and reserved concurrency', () => {
  let platform: Platform;
  let client: FCClient;
  let barrier: Barrier;

  before(async () => {
    platform = await createTestPlatform({ slotWaitMs: 300, maxInstancesPerAccount: 5 });
    client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    barrier = await startBarrier();
  });
  after(async () => {
    await barrier.close();
    await platform.close();
  });

  const put = (name: string, reservedConcurrency: number) =>
    client.putConcurrencyConfig(name, new $FC.PutConcurrencyConfigRequest({ body: new $FC.PutConcurrencyInput({ reservedConcurrency }) }));

  test('reservedConcurrency caps instances: a request over it gets 429 ResourceThrottled, and service recovers when a slot frees', async () => {
    const name = uniqueName('quota');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': barrierHandler(barrier.url) }, { timeout: 30 }) }));
    const set = await put(name, 1);
    assert.equal(set.body!.reservedConcurrency, 1);
    assert.match(set.body!.functionArn!, new RegExp(`:functions/${name}$`));
    const held = invoke(client, name);
    await barrier.arrived(1);
    const throttled = await rejectionOf(invoke(client, name));
    assert.equal(throttled.code, 'ResourceThrottled');
    assert.equal(throttled.statusCode, 429);
    assert.match(String(throttled.data?.Message), /reservedConcurrency of 1/);
    barrier.release();
    await held;
    assert.equal((await invoke(client, name)).statusCode, 200, 'served again once the slot is free');
    assert.equal((await client.getConcurrencyConfig(name)).body!.reservedConcurrency, 1);
  });

  test('reservedConcurrency 0 blocks a function; Get, List and Delete; validation', async () => {
    const name = uniqueName('quota');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    await put(name, 0);
    assert.equal((await rejectionOf(invoke(client, name, 'x'))).code, 'ResourceThrottled');
    const listed = (await client.listConcurrencyConfigs(new $FC.ListConcurrencyConfigsRequest({ functionName: name }))).body!.configs!;
    assert.deepEqual(listed.map((c) => c.reservedConcurrency), [0]);
    await client.deleteConcurrencyConfig(name);
    assert.equal((await client.getConcurrencyConfig(name)).body!.reservedConcurrency, undefined);
    assert.equal((await invoke(client, name, 'x')).body.toString(), 'x');
    assert.equal((await rejectionOf(put(name, 6))).code, 'InvalidArgument', 'more than the account may run');
    assert.equal((await rejectionOf(put(name, -1))).code, 'InvalidArgument');
    assert.equal((await rejectionOf(put('no-such-function', 1))).code, 'FunctionNotFound');
  });

  test('reservedConcurrency 0 also blocks a function that still has a warm instance, and lifting it serves it again', async () => {
    const name = uniqueName('quota');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    assert.equal((await invoke(client, name, 'warm')).body.toString(), 'warm');
    assert.equal(platform.scheduler.listInstances({ functionName: name }).length, 1);
    await put(name, 0);
    const refused = await rejectionOf(invoke(client, name, 'x'));
    assert.deepEqual([refused.statusCode, refused.code], [429, 'ResourceThrottled']);
    await client.deleteConcurrencyConfig(name);
    assert.equal((await invoke(client, name, 'again')).body.toString(), 'again');
  });

  test('GET /metrics shows cold starts, throttles, live instances and invocation durations (Prometheus text)', async () => {
    const res = await fetch(`${platform.endpoints.http}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^openfc_cold_starts_total\{account_id="\d+",function_name="quota-[^"]+",reason="invocation"\} [1-9]/m);
    assert.match(text, /^openfc_throttles_total\{account_id="\d+",function_name="quota-[^"]+",code="ResourceThrottled"\} [1-9]/m);
    assert.match(text, /^openfc_invocation_duration_seconds_bucket\{account_id="\d+",function_name="quota-[^"]+",le="\+Inf"\} [1-9]/m);
    assert.match(text, /^openfc_invocations_total\{account_id="\d+",function_name="quota-[^"]+",error_type="none"\} [1-9]/m);
    assert.match(text, /^openfc_instances\{account_id="\d+",function_name="quota-[^"]+",state="(ready|frozen)"\} [1-9]/m);
  });
});

/**
 * Async invocation through the official SDK against the real platform: 202 only for events that
 * exist and fit, async tasks (idempotent ids, Get/List/Stop), retries of function errors, both
 * destination kinds, isolation between accounts, a restart that keeps everything, and the
 * conservation metric.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $dara, $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

/** Answers with what it got; fails when the event says so; sleeps when asked. */
const WORKER = {
  'index.js': `exports.handler = async (event) => {
  const e = JSON.parse(event.toString() || '{}');
  if (e.sleepMs) await new Promise((r) => setTimeout(r, e.sleepMs));
  if (e.fail) throw new Error('asked to fail');
  return 'did ' + (e.name || 'nothing');
};\n`,
};

async function invokeAsync(client: FCClient, name: string, payload: string | Buffer, taskId?: string) {
  const r = await client.invokeFunctionWithOptions(
    name,
    new $FC.InvokeFunctionRequest({ body: Readable.from([Buffer.from(payload)]) }),
    new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async', ...(taskId && { xFcAsyncTaskId: taskId }) }),
    new $dara.RuntimeOptions({}),
  );
  for await (const _ of r.body as AsyncIterable<Buffer>) void _;
  return { statusCode: r.statusCode, headers: r.headers as Record<string, string> };
}

describe('async invocation', () => {
  let platform: Platform;
  let client: FCClient;
  let endpoint: string;
  let hook: http.Server;
  const hookCalls: { headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  let hookUrl: string;

  before(async () => {
    platform = await createTestPlatform({ asyncBackoffBaseMs: 20, asyncBackoffCapMs: 200 });
    endpoint = platform.endpoints.http!.replace('http://', '');
    client = createFcClient({ endpoint, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    let failuresLeft = 1;
    hook = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        if (failuresLeft-- > 0) return void res.writeHead(503).end();
        hookCalls.push({ headers: req.headers, body: JSON.parse(data) as Record<string, unknown> });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    await platform.close();
    await new Promise((resolve) => hook.close(resolve));
  });

  async function taskFunction(config: Record<string, unknown> = {}, fnExtra: Record<string, unknown> = {}): Promise<string> {
    const name = uniqueName('async');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, WORKER, { timeout: 60, ...fnExtra }) }));
    await client.putAsyncInvokeConfig(name, new $FC.PutAsyncInvokeConfigRequest({ body: new $FC.PutAsyncInvokeConfigInput({ asyncTask: true, ...config }) }));
    return name;
  }
  const settled = (taskId: string) => platform.events.next('async:settled', (e) => e.taskId === taskId);
  const getTask = async (name: string, taskId: string) => (await client.getAsyncTask(name, taskId, new $FC.GetAsyncTaskRequest({}))).body!;

  test('answers 202 with the task id once the event is stored, runs it, and keeps the task with its result', async () => {
    const name = await taskFunction();
    const done = settled('first-task');
    const r = await invokeAsync(client, name, JSON.stringify({ name: 'the job' }), 'first-task');
    assert.equal(r.statusCode, 202);
    assert.equal(r.headers['x-fc-async-task-id'], 'first-task');
    assert.ok(r.headers['x-fc-request-id']);
    assert.equal((await done).status, 'Succeeded');
    const task = await getTask(name, 'first-task');
    assert.deepEqual([task.status, task.returnPayload, task.alreadyRetriedTimes, task.requestId, task.taskPayload], ['Succeeded', 'did the job', 0, r.headers['x-fc-request-id'], '{"name":"the job"}']);
    assert.ok(task.instanceId && task.startedTime! <= task.endTime! && task.durationMs! >= 0);
    assert.deepEqual(task.events!.map((e) => e.status), ['Enqueued', 'Running', 'Succeeded']);
    assert.equal(task.functionArn, `acs:fc:${platform.config.region}:${platform.defaultAccount.accountId}:functions/${name}`);

    const generated = await invokeAsync(client, name, '{}');
    assert.equal(generated.headers['x-fc-async-task-id'], generated.headers['x-fc-request-id'], 'without x-fc-async-task-id the request id names the task');
  });

  test('a task id in the space of timer-trigger points is refused, so nobody can take a schedule point in advance', async () => {
    const name = await taskFunction();
    const e = await rejectionOf(invokeAsync(client, name, '{}', 'timer-t-0123456789-1765090800000'));
    assert.equal(e.code, 'InvalidArgument');
    assert.match(e.message, /reserved for the tasks of timer triggers/);
    const ok = await invokeAsync(client, name, '{}', 'timers-are-fine');
    assert.equal(ok.headers['x-fc-async-task-id'], 'timers-are-fine');
  });

  test('the same task id twice makes one task; a plain async function returns no task id', async () => {
    const name = await taskFunction();
    const done = settled('once');
    const [a, b] = await Promise.all([invokeAsync(client, name, '{"name":"one"}', 'once'), invokeAsync(client, name, '{"name":"two"}', 'once')]);
    assert.deepEqual([a.statusCode, b.statusCode, a.headers['x-fc-async-task-id'], b.headers['x-fc-async-task-id']], [202, 202, 'once', 'once']);
    await done;
    const list = await client.listAsyncTasks(name, new $FC.ListAsyncTasksRequest({ includePayload: true }));
    assert.equal(list.body!.tasks!.length, 1);
    const plain = uniqueName('plain');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(plain, WORKER) }));
    const ran = platform.events.next('async:settled', (e) => e.functionName === plain);
    const p = await invokeAsync(client, plain, '{}', 'ignored-without-asyncTask');
    assert.equal(p.statusCode, 202);
    assert.equal(p.headers['x-fc-async-task-id'], undefined);
    assert.equal((await ran).status, 'Succeeded');
  });

  test('refuses with FC errors and stores nothing: unknown function or version, oversize payload, bad task id or type', async () => {
    const name = await taskFunction();
    const unknown = await rejectionOf(invokeAsync(client, 'no-such-function', '{}'));
    assert.deepEqual([unknown.statusCode, unknown.code], [404, 'FunctionNotFound']);
    const version = await rejectionOf(client.invokeFunctionWithOptions(name, new $FC.InvokeFunctionRequest({ qualifier: '7', body: Readable.from([Buffer.from('{}')]) }), new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async' }), new $dara.RuntimeOptions({})));
    assert.deepEqual([version.statusCode, version.code], [404, 'VersionNotFound']);
    const big = await rejectionOf(invokeAsync(client, name, Buffer.alloc(128 * 1024 + 1, 'a')));
    assert.deepEqual([big.statusCode, big.code], [400, 'EntityTooLarge']);
    const badId = await rejectionOf(invokeAsync(client, name, '{}', '9starts-with-a-digit'));
    assert.deepEqual([badId.statusCode, badId.code], [400, 'InvalidArgument']);
    const badType = await rejectionOf(invoke(client, name, '{}', { type: 'Later' }));
    assert.deepEqual([badType.statusCode, badType.code], [400, 'InvalidArgument']);
    const list = await client.listAsyncTasks(name, new $FC.ListAsyncTasksRequest({}));
    assert.equal(list.body!.tasks!.length, 0);
    const fits = await invokeAsync(client, name, Buffer.alloc(128 * 1024, 'a'));
    assert.equal(fits.statusCode, 202, 'exactly 128 KB is accepted');
  });

  test('a failing function is retried maxAsyncRetryAttempts times, then fails to its HTTP destination, which is retried too', async () => {
    const name = await taskFunction({ maxAsyncRetryAttempts: 1, destinationConfig: new $FC.DestinationConfig({ onFailure: new $FC.Destination({ destination: hookUrl }) }) });
    const delivered = platform.events.next('async:settled', (e) => e.kind === 'http-destination' && e.status === 'Succeeded');
    const done = settled('will-fail');
    await invokeAsync(client, name, JSON.stringify({ fail: true }), 'will-fail');
    assert.equal((await done).status, 'Failed');
    await delivered;
    const task = await getTask(name, 'will-fail');
    assert.deepEqual([task.status, task.alreadyRetriedTimes, task.taskErrorMessage, task.destinationStatus], ['Failed', 1, 'UnhandledInvocationError: asked to fail', 'Succeeded']);
    assert.deepEqual(task.events!.map((e) => e.status), ['Enqueued', 'Running', 'Retrying', 'Running', 'Failed']);
    const call = hookCalls.find((c) => (c.body.requestContext as { requestId: string }).requestId === task.requestId)!;
    assert.ok(call, 'the record reached the endpoint after one refused delivery');
    assert.equal(call.headers['content-type'], 'application/json');
    assert.deepEqual(call.body.requestContext, { requestId: task.requestId, functionArn: task.functionArn, condition: 'RetriesExhausted', approximateInvokeCount: 2 });
    assert.deepEqual([call.body.requestPayload, (call.body.responseContext as { functionError: string }).functionError], ['{"fail":true}', 'UnhandledInvocationError']);
    assert.match(String(call.body.responsePayload), /asked to fail/);
  });

  test('a success goes to its function destination as an async invocation of that function', async () => {
    const sink = await taskFunction();
    const name = await taskFunction({
      destinationConfig: new $FC.DestinationConfig({ onSuccess: new $FC.Destination({ destination: `acs:fc:${platform.config.region}:${platform.defaultAccount.accountId}:functions/${sink}` }) }),
    });
    const sinkDone = platform.events.next('async:settled', (e) => e.functionName === sink);
    await invokeAsync(client, name, JSON.stringify({ name: 'chained' }), 'chained');
    assert.equal((await sinkDone).status, 'Succeeded');
    const [sinkTask] = (await client.listAsyncTasks(sink, new $FC.ListAsyncTasksRequest({ includePayload: true }))).body!.tasks!;
    const record = JSON.parse(sinkTask!.taskPayload!) as { requestContext: { condition: string; requestId: string }; responsePayload: string; requestPayload: string };
    assert.deepEqual([record.requestContext.condition, record.responsePayload, record.requestPayload], ['', 'did chained', '{"name":"chained"}']);
    assert.equal((await getTask(name, 'chained')).destinationStatus, 'Succeeded');
  });

  test('StopAsyncTask kills a running attempt (its instance is replaced) and allows no retry; an ended task cannot be stopped', async () => {
    const name = await taskFunction({ maxAsyncRetryAttempts: 3 });
    const started = platform.events.next('instance:started', (e) => e.functionName === name);
    const done = settled('long-one');
    await invokeAsync(client, name, JSON.stringify({ sleepMs: 60_000 }), 'long-one');
    const { instanceId } = await started;
    while ((await getTask(name, 'long-one')).status !== 'Running') await new Promise((r) => setImmediate(r));
    const aborted = platform.events.next('instance:stopped', (e) => e.instanceId === instanceId);
    await client.stopAsyncTask(name, 'long-one', new $FC.StopAsyncTaskRequest({}));
    assert.equal((await done).status, 'Stopped');
    assert.equal((await aborted).reason, 'aborted');
    const task = await getTask(name, 'long-one');
    assert.deepEqual([task.status, task.alreadyRetriedTimes], ['Stopped', 0]);
    await client.stopAsyncTask(name, 'long-one', new $FC.StopAsyncTaskRequest({}));
    const ok = settled('short-one');
    await invokeAsync(client, name, '{}', 'short-one');
    await ok;
    const finished = await rejectionOf(client.stopAsyncTask(name, 'short-one', new $FC.StopAsyncTaskRequest({})));
    assert.deepEqual([finished.statusCode, finished.code], [409, 'AsyncTaskFinished']);
    const missing = await rejectionOf(client.getAsyncTask(name, 'nope', new $FC.GetAsyncTaskRequest({})));
    assert.deepEqual([missing.statusCode, missing.code], [404, 'AsyncTaskNotFound']);
  });

  test('a task waiting out throttling is stopped at once', async () => {
    const name = await taskFunction();
    await client.putConcurrencyConfig(name, new $FC.PutConcurrencyConfigRequest({ body: new $FC.PutConcurrencyInput({ reservedConcurrency: 0 }) }));
    const retrying = platform.events.next('async:retrying', (e) => e.functionName === name);
    await invokeAsync(client, name, '{}', 'throttled');
    const r = await retrying;
    assert.equal(r.cause, 'system-error');
    assert.match(r.errorMessage, /ResourceThrottled/);
    const done = settled('throttled');
    await client.stopAsyncTask(name, 'throttled', new $FC.StopAsyncTaskRequest({}));
    assert.equal((await done).status, 'Stopped');
  });

  test("another account sees none of an account's tasks and cannot stop them", async () => {
    const name = await taskFunction();
    const done = settled('private');
    await invokeAsync(client, name, '{}', 'private');
    await done;
    const other = platform.accounts.createAccount();
    const stranger = createFcClient({ endpoint, accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
    for (const call of [
      () => stranger.getAsyncTask(name, 'private', new $FC.GetAsyncTaskRequest({})),
      () => stranger.listAsyncTasks(name, new $FC.ListAsyncTasksRequest({})),
      () => stranger.stopAsyncTask(name, 'private', new $FC.StopAsyncTaskRequest({})),
      () => invokeAsync(stranger, name, '{}'),
    ]) {
      const e = await rejectionOf(call());
      assert.deepEqual([e.statusCode, e.code], [404, 'FunctionNotFound']);
    }
  });

  test('ListAsyncTasks filters by status and prefix, sorts by time and pages', async () => {
    const name = await taskFunction({ maxAsyncRetryAttempts: 0 });
    for (const [id, payload] of [['job-a', '{}'], ['job-b', '{"fail":true}'], ['job-c', '{}'], ['other', '{}']] as const) {
      const done = settled(id);
      await invokeAsync(client, name, payload, id);
      await done;
    }
    const list = async (q: Record<string, unknown>) => (await client.listAsyncTasks(name, new $FC.ListAsyncTasksRequest(q))).body!;
    assert.deepEqual((await list({ prefix: 'job-', sortOrderByTime: 'asc' })).tasks!.map((t) => t.taskId), ['job-a', 'job-b', 'job-c']);
    assert.deepEqual((await list({ status: 'Failed' })).tasks!.map((t) => t.taskId), ['job-b']);
    const first = await list({ limit: 2 });
    assert.deepEqual(first.tasks!.map((t) => t.taskId), ['other', 'job-c']);
    assert.deepEqual((await list({ limit: 2, nextToken: first.nextToken })).tasks!.map((t) => t.taskId), ['job-b', 'job-a']);
    assert.equal((await list({})).tasks![0]!.taskPayload, undefined, 'payloads only with includePayload');
    const bad = await rejectionOf(client.listAsyncTasks(name, new $FC.ListAsyncTasksRequest({ status: 'Sleeping' })));
    assert.equal(bad.code, 'InvalidArgument');
  });

  test('the conservation metric has no drift', async () => {
    const text = await (await fetch(`${platform.endpoints.http}/metrics`)).text();
    const value = (metric: string) => Number(new RegExp(`^${metric} (\\d+)$`, 'm').exec(text)?.[1]);
    assert.ok(value('openfc_async_events_enqueued_total') > 0);
    assert.equal(value('openfc_async_conservation_drift'), 0);
    assert.equal(value('openfc_async_events_enqueued_total'), value('openfc_async_events_in_flight') + value('openfc_async_events_settled_total'));
  });
});

test('a restart keeps waiting events and settled tasks, and runs what was left', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-async-restart-'));
  let platform = await createTestPlatform({ dataDir, asyncBackoffBaseMs: 20, asyncBackoffCapMs: 100 });
  t.after(async () => {
    await platform.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const connect = (p: Platform) => createFcClient({ endpoint: p.endpoints.http!.replace('http://', ''), accessKeyId: p.defaultAccount.accessKeyId, accessKeySecret: p.defaultAccount.accessKeySecret });
  let client = connect(platform);
  const name = uniqueName('restart');
  await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, WORKER) }));
  await client.putAsyncInvokeConfig(name, new $FC.PutAsyncInvokeConfigRequest({ body: new $FC.PutAsyncInvokeConfigInput({ asyncTask: true }) }));
  const done = platform.events.next('async:settled', (e) => e.taskId === 'before');
  await invokeAsync(client, name, '{"name":"before"}', 'before');
  await done;
  // A second function that cannot run yet (no instance may start), so its event waits across the restart.
  const blocked = uniqueName('blocked');
  await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(blocked, WORKER) }));
  await client.putAsyncInvokeConfig(blocked, new $FC.PutAsyncInvokeConfigRequest({ body: new $FC.PutAsyncInvokeConfigInput({ asyncTask: true }) }));
  await client.putConcurrencyConfig(blocked, new $FC.PutConcurrencyConfigRequest({ body: new $FC.PutConcurrencyInput({ reservedConcurrency: 0 }) }));
  const waiting = platform.events.next('async:retrying', (e) => e.functionName === blocked);
  await invokeAsync(client, blocked, '{"name":"left over"}', 'left-over');
  await waiting;
  await platform.close();

  platform = await createTestPlatform({ dataDir, asyncBackoffBaseMs: 20, asyncBackoffCapMs: 100 });
  client = connect(platform);
  assert.equal((await client.getAsyncTask(name, 'before', new $FC.GetAsyncTaskRequest({}))).body!.status, 'Succeeded');
  const ran = platform.events.next('async:settled', (e) => e.taskId === 'left-over');
  await client.deleteConcurrencyConfig(blocked);
  assert.equal((await ran).status, 'Succeeded');
  const task = (await client.getAsyncTask(blocked, 'left-over', new $FC.GetAsyncTaskRequest({}))).body!;
  assert.equal(task.returnPayload, 'did left over');
  assert.ok(task.events!.some((e) => e.status === 'Retrying'), 'it waited out the throttling before the restart');
});

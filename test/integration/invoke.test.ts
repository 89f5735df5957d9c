/** Sync invocation through the official SDK against a real `openfc serve`. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { $FC, createFcClient, invoke, rejectionOf } from '../helpers/sdk.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { barrierHandler, startBarrier, type Barrier } from '../helpers/barrier.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { callFc } from '../../src/cli/fc-client.js';
import { $dara } from '../helpers/sdk.js';

describe('sync invocation', () => {
  let serve: ServeProcess;
  let client: ReturnType<typeof createFcClient>;
  let barrier: Barrier;

  before(async () => {
    serve = await startServe({ env: { SECRET_OF_THE_PLATFORM: 'must-not-leak' } });
    client = createFcClient({ endpoint: serve.httpHost, accessKeyId: serve.credentials.accessKeyId, accessKeySecret: serve.credentials.accessKeySecret });
    barrier = await startBarrier();
  });
  after(async () => {
    await barrier.close();
    await serve.stop();
    fs.rmSync(serve.dataDir, { recursive: true, force: true });
  });

  async function deploy(files: Record<string, string>, extra: Record<string, unknown> = {}, handler = 'index.handler'): Promise<string> {
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, files, { handler, ...extra }) }));
    return name;
  }

  test('echoes the event bytes and sends the FC headers', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async (event) => event;' });
    const payload = Buffer.from([0, 1, 2, 255, 254]);
    const r = await invoke(client, name, payload);
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.body, payload);
    assert.match(r.headers['x-fc-request-id']!, /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.match(r.headers['x-fc-instance-id']!, /^c-[0-9a-f]{24}$/);
    const fn = await client.getFunction(name, new $FC.GetFunctionRequest({}));
    assert.equal(r.headers['x-fc-code-checksum'], fn.body!.codeChecksum);
    assert.equal(r.headers['x-fc-error-type'], undefined);
  });

  test('runs ESM and callback handlers and converts results like FC', async () => {
    const esm = await deploy({ 'index.mjs': 'export const handler = async (event, context) => ({ ok: true, fn: context.function.name, len: event.length });' });
    const out = JSON.parse((await invoke(client, esm, 'abc')).body.toString());
    assert.deepEqual(out, { ok: true, fn: esm, len: 3 });
    const cb = await deploy({ 'index.js': 'exports.handler = function (event, context, callback) { callback(null, "called back " + event); };' });
    assert.equal((await invoke(client, cb, 'x')).body.toString(), 'called back x');
  });

  test('loads a "type": "module" package and a handler in a nested directory', async () => {
    const esm = await deploy({ 'package.json': '{"type":"module"}', 'src/app.js': 'export const main = async () => "esm nested";' }, {}, 'src/app.main');
    assert.equal((await invoke(client, esm)).body.toString(), 'esm nested');
  });

  test("what an instance prints is kept in the function's logs (GetFunctionLogs)", async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async (e) => { console.log("kept line " + e); return "ok"; };' });
    const r = await invoke(client, name, 'xyz');
    const requestId = r.headers['x-fc-request-id']!;
    const page = (await callFc(client, { action: 'GetFunctionLogs', method: 'GET', pathname: `/2023-03-30/functions/${name}/logs`, query: { requestId, follow: 'true', waitMs: '15000' } }, new $dara.RuntimeOptions({ readTimeout: 60_000 }))) as { records: { message: string }[] };
    assert.match(page.records[0]!.message, new RegExp(`${requestId} \\[info\\] kept line xyz`));
  });

  test('gives the instance the FC environment plus its own variables, and nothing of the platform', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async () => JSON.stringify(process.env);' }, { environmentVariables: { MY_VAR: 'mine' } });
    const env = JSON.parse((await invoke(client, name)).body.toString()) as Record<string, string>;
    assert.equal(env.MY_VAR, 'mine');
    assert.equal(env.FC_FUNCTION_NAME, name);
    assert.equal(env.FC_ACCOUNT_ID, serve.credentials.accountId);
    assert.equal(env.FC_FUNCTION_HANDLER, 'index.handler');
    assert.equal(env.FC_FUNCTION_MEMORY_SIZE, '128');
    assert.equal(env.FC_REGION, 'cn-local');
    assert.match(env.FC_INSTANCE_ID!, /^c-/);
    assert.equal(env.SECRET_OF_THE_PLATFORM, undefined);
    assert.equal(Object.values(env).some((v) => v.includes(serve.credentials.accessKeySecret)), false);
  });

  test('a thrown error is a 200 with UnhandledInvocationError and FC\'s error body', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async () => { throw new TypeError("bad input"); };' });
    const r = await invoke(client, name);
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
    const body = JSON.parse(r.body.toString());
    assert.equal(body.errorMessage, 'bad input');
    assert.equal(body.errorType, 'TypeError');
    assert.ok(Array.isArray(body.stackTrace));
  });

  test('callback(err) is a HandledInvocationError', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = (e, c, cb) => cb(new Error("handled"));' });
    const r = await invoke(client, name);
    assert.equal(r.headers['x-fc-error-type'], 'HandledInvocationError');
    assert.equal(JSON.parse(r.body.toString()).errorMessage, 'handled');
  });

  test('a timeout answers with the error and the instance is replaced', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async (event) => { if (String(event) === "hang") await new Promise(() => setInterval(() => {}, 1000)); return process.env.FC_INSTANCE_ID; };' }, { timeout: 1 });
    const first = await invoke(client, name, 'ok');
    const r = await invoke(client, name, 'hang', { logTail: true });
    assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
    assert.match(JSON.parse(r.body.toString()).errorMessage, /timed out after 1 seconds/);
    const next = await invoke(client, name, 'ok');
    assert.equal(next.headers['x-fc-error-type'], undefined);
    assert.notEqual(next.body.toString(), first.body.toString(), 'a new instance serves after the timeout');
  });

  test('an instance that crashes mid-request is reported and the next request works', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async (event) => { if (String(event) === "die") process.exit(3); return "alive"; };' });
    const r = await invoke(client, name, 'die');
    assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
    assert.match(JSON.parse(r.body.toString()).errorMessage, /Process exited unexpectedly/);
    assert.equal((await invoke(client, name, 'again')).body.toString(), 'alive');
  });

  test('the initializer runs once per instance before the first invocation', async () => {
    const name = await deploy(
      { 'index.js': 'let inits = 0; exports.init = async () => { inits++; }; exports.handler = async () => String(inits);' },
      { instanceLifecycleConfig: new $FC.InstanceLifecycleConfig({ initializer: new $FC.LifecycleHook({ handler: 'index.init', timeout: 5 }) }) },
    );
    assert.equal((await invoke(client, name)).body.toString(), '1');
    assert.equal((await invoke(client, name)).body.toString(), '1');
  });

  test('a failing initializer fails the invocation', async () => {
    const name = await deploy(
      { 'index.js': 'exports.init = async () => { throw new Error("no db"); }; exports.handler = async () => "never";' },
      { instanceLifecycleConfig: new $FC.InstanceLifecycleConfig({ initializer: new $FC.LifecycleHook({ handler: 'index.init', timeout: 5 }) }) },
    );
    const r = await invoke(client, name);
    assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
    assert.equal(JSON.parse(r.body.toString()).errorMessage, 'no db');
  });

  test('x-fc-log-type Tail returns this invocation\'s own log, even with concurrent invocations on one instance', async () => {
    const name = await deploy(
      { 'index.js': `exports.handler = async (event, context) => { const id = String(event); console.log("start " + id); await fetch(${JSON.stringify(barrier.url + '/wait')}); console.log("end " + id); return process.env.FC_INSTANCE_ID; };` },
      { instanceConcurrency: 10 },
    );
    const ids = ['alpha-x', 'bravo-x', 'charlie-x', 'delta-x', 'echo-x'];
    const pending = ids.map((id) => invoke(client, name, id, { logTail: true }));
    await barrier.arrived(5);
    barrier.release();
    const results = await Promise.all(pending);
    assert.equal(new Set(results.map((r) => r.body.toString())).size, 1, 'all five ran on one instance');
    results.forEach((r, i) => {
      const log = Buffer.from(r.headers['x-fc-log-result']!, 'base64').toString();
      assert.match(log, new RegExp(`FC Invoke Start RequestId: ${r.headers['x-fc-request-id']}`));
      assert.match(log, new RegExp(`\\[info\\] start ${ids[i]}`));
      assert.match(log, new RegExp(`end ${ids[i]}`));
      for (const other of ids.filter((_, j) => j !== i)) assert.doesNotMatch(log, new RegExp(other));
    });
  });

  test('the log tail is at most 4 KB', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async () => { for (let i = 0; i < 500; i++) console.log("line " + i + " " + "x".repeat(40)); return "ok"; };' });
    const r = await invoke(client, name, '', { logTail: true });
    const log = Buffer.from(r.headers['x-fc-log-result']!, 'base64');
    assert.ok(log.length <= 4096 && log.length > 3000, `tail is ${log.length} bytes`);
    assert.match(log.toString(), /line 499/);
  });

  test('bin-packing: N concurrent requests at concurrency C use ceil(N/C) instances', async () => {
    const local = await startBarrier();
    try {
      const name = await deploy({ 'index.js': barrierHandler(local.url) }, { instanceConcurrency: 4 });
      const pending = Array.from({ length: 10 }, () => invoke(client, name));
      await local.arrived(10);
      local.release();
      const instances = new Set((await Promise.all(pending)).map((r) => r.body.toString()));
      assert.equal(instances.size, 3);
    } finally {
      await local.close();
    }
  });

  test('warm instances are reused', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async () => process.env.FC_INSTANCE_ID;' });
    const a = await invoke(client, name);
    const b = await invoke(client, name);
    assert.equal(a.body.toString(), b.body.toString());
    assert.equal(a.headers['x-fc-instance-id'], a.body.toString());
  });

  test('a sync payload over 32 MB is EntityTooLarge and nothing runs', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async (e) => e.length;' });
    const err = await rejectionOf(invoke(client, name, Buffer.alloc(32 * 1024 * 1024 + 1)));
    assert.equal(err.code, 'EntityTooLarge');
    assert.equal(err.statusCode, 400);
    assert.equal((await invoke(client, name, Buffer.alloc(32 * 1024 * 1024))).body.toString(), String(32 * 1024 * 1024));
  });

  test('an unknown function or qualifier is a 404', async () => {
    assert.equal((await rejectionOf(invoke(client, 'no-such-function'))).code, 'FunctionNotFound');
    const name = await deploy({ 'index.js': 'exports.handler = async () => "x";' });
    assert.equal((await rejectionOf(invoke(client, name, '', { qualifier: '7' }))).code, 'VersionNotFound');
    assert.equal((await rejectionOf(invoke(client, name, '', { qualifier: 'prod' }))).code, 'AliasNotFound');
  });

  test('a missing handler export is reported as a function error', async () => {
    const name = await deploy({ 'index.js': 'exports.other = async () => "x";' });
    const r = await invoke(client, name);
    assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
    assert.match(JSON.parse(r.body.toString()).errorMessage, /handler/i);
  });
});

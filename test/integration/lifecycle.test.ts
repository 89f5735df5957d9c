/** The platform's own lifecycle: restart keeps data, SIGTERM drains, idle instances are released. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { createTestPlatform } from '../../src/platform.js';
import { FakeClock } from '../../src/time/clock.js';
import { barrierHandler, startBarrier } from '../helpers/barrier.js';
import { createFunctionInput, uniqueName, zipBase64 } from '../helpers/functions.js';
import { $FC, createFcClient, invoke } from '../helpers/sdk.js';
import { startServe } from '../helpers/serve-process.js';

describe('openfc serve lifecycle', () => {
  test('a restart keeps every function and invocations work after it', async (t) => {
    const first = await startServe();
    let second: Awaited<ReturnType<typeof startServe>> | undefined;
    t.after(async () => {
      await first.stop();
      await second?.stop();
      fs.rmSync(first.dataDir, { recursive: true, force: true });
    });
    const creds = first.credentials;
    const clientOf = (host: string) => createFcClient({ endpoint: host, accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret });
    const name = uniqueName();
    await clientOf(first.httpHost).createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': 'exports.handler = async () => "persisted";' }, { memorySize: 256 }) }));
    assert.equal(await first.stop('SIGTERM'), 0);

    second = await startServe({ dataDir: first.dataDir });
    assert.equal(second.credentials.accessKeyId, creds.accessKeyId, 'the root key survives');
    const client = clientOf(second.httpHost);
    const fn = await client.getFunction(name, new $FC.GetFunctionRequest({}));
    assert.equal(fn.body!.memorySize, 256);
    assert.equal((await invoke(client, name)).body.toString(), 'persisted');
  });

  test('first start writes credentials.json with mode 0600 and serve.json with the ports', async (t) => {
    const serve = await startServe();
    t.after(async () => {
      await serve.stop();
      fs.rmSync(serve.dataDir, { recursive: true, force: true });
    });
    assert.equal(fs.statSync(`${serve.dataDir}/credentials.json`).mode & 0o777, 0o600);
    const info = JSON.parse(fs.readFileSync(`${serve.dataDir}/serve.json`, 'utf8'));
    assert.equal(info.pid, serve.proc.pid);
    assert.equal(`127.0.0.1:${info.httpPort}`, serve.httpHost);
    assert.ok(info.httpsPort > 0);
    assert.match(serve.output(), /accessKeyId|AccessKeyId/);
    assert.match(serve.output(), /new FC\(/, 'prints an SDK example');
  });

  test('OPENFC_ROOT_ACCESS_KEY_ID/SECRET set the root key', async (t) => {
    const serve = await startServe({ env: { OPENFC_ROOT_ACCESS_KEY_ID: 'LTAIscriptedkey00001', OPENFC_ROOT_ACCESS_KEY_SECRET: 'scripted-secret-0000000001' } });
    t.after(async () => {
      await serve.stop();
      fs.rmSync(serve.dataDir, { recursive: true, force: true });
    });
    const client = createFcClient({ endpoint: serve.httpHost, accessKeyId: 'LTAIscriptedkey00001', accessKeySecret: 'scripted-secret-0000000001' });
    const list = await client.listFunctions(new $FC.ListFunctionsRequest({}));
    assert.deepEqual(list.body!.functions, []);
  });

  test('SIGTERM lets an in-flight invocation finish, then exits 0', async (t) => {
    const serve = await startServe();
    const barrier = await startBarrier();
    t.after(async () => {
      await barrier.close();
      fs.rmSync(serve.dataDir, { recursive: true, force: true });
    });
    const client = createFcClient({ endpoint: serve.httpHost, accessKeyId: serve.credentials.accessKeyId, accessKeySecret: serve.credentials.accessKeySecret });
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': barrierHandler(barrier.url) }) }));
    const pending = invoke(client, name);
    await barrier.arrived(1);
    const stopped = serve.stop('SIGTERM');
    barrier.release();
    const r = await pending;
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['x-fc-error-type'], undefined);
    assert.equal(await stopped, 0);
    assert.equal(fs.existsSync(`${serve.dataDir}/serve.json`), false);
  });
});

describe('idle instances', () => {
  test('an on-demand instance idle past the idle timeout is released', async () => {
    const clock = new FakeClock(Date.now());
    await using platform = await createTestPlatform({ clock, idleTimeoutMs: 60_000 });
    const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const r = await invoke(client, name, 'x');
    assert.equal(platform.scheduler.listInstances({ functionName: name }).length, 1);
    clock.advance(30_000);
    assert.equal(platform.scheduler.listInstances({ functionName: name }).length, 1, 'not yet idle long enough');
    const stopped = platform.events.next('instance:stopped', (e) => e.instanceId === r.headers['x-fc-instance-id']);
    clock.advance(60_000);
    assert.equal((await stopped).reason, 'idle');
    assert.equal(platform.scheduler.listInstances({ functionName: name }).length, 0);
    assert.equal((await invoke(client, name, 'y')).body.toString(), 'y', 'a new instance starts on demand');
  });

  test('UpdateFunction drains the old instance and no later request reaches old code', async () => {
    await using platform = await createTestPlatform();
    const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': 'exports.handler = async () => "old";' }) }));
    const old = await invoke(client, name);
    const stopped = platform.events.next('instance:stopped', (e) => e.instanceId === old.headers['x-fc-instance-id']);
    await client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ code: new $FC.InputCodeLocation({ zipFile: await zipBase64({ 'index.js': 'exports.handler = async () => "new";' }) }) }) }));
    assert.equal((await stopped).reason, 'revision-changed');
    for (let i = 0; i < 3; i++) assert.equal((await invoke(client, name)).body.toString(), 'new');
  });

  test('20 updates under a continuous prober: no request fails, and none reaches code older than the last finished update', async () => {
    await using platform = await createTestPlatform();
    const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const name = uniqueName();
    const code = (v: number) => ({ 'index.js': `exports.handler = async () => "${v}";` });
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, code(0), { instanceConcurrency: 4 }) }));
    let updated = 0;
    let isProbing = true;
    const seen: { atLeast: number; got: number; errorType?: string; status: number }[] = [];
    let onProbe: (() => void) | undefined;
    const prober = async () => {
      while (isProbing) {
        const atLeast = updated;
        const r = await invoke(client, name);
        seen.push({ atLeast, got: Number(r.body.toString()), errorType: r.headers['x-fc-error-type'], status: r.statusCode });
        onProbe?.();
      }
    };
    const probers = [prober(), prober()];
    for (let v = 1; v <= 20; v++) {
      await client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ code: new $FC.InputCodeLocation({ zipFile: await zipBase64(code(v)) }) }) }));
      updated = v;
      // Each update is followed by a probe sent after it returned, so the probers run throughout.
      const before = seen.filter((p) => p.atLeast === v).length;
      while (seen.filter((p) => p.atLeast === v).length === before) await new Promise<void>((resolve) => (onProbe = resolve));
    }
    isProbing = false;
    await Promise.all(probers);
    for (let v = 1; v <= 20; v++) assert.ok(seen.some((p) => p.atLeast === v), `a probe was sent after update ${v}`);
    for (const p of seen) {
      assert.equal(p.status, 200);
      assert.equal(p.errorType, undefined);
      assert.ok(p.got >= p.atLeast, `a probe sent after update ${p.atLeast} returned reached code version ${p.got}`);
    }
  });
});

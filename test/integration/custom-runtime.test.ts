/**
 * Custom runtimes (custom, custom.debian10/11/12) through the real platform and the official SDK,
 * on both sandbox drivers: a shell-script `bootstrap` starts a Python HTTP server; openfc's adapter
 * calls POST /initialize once and POST /invoke with FC's x-fc-* headers; `x-fc-status: 404` and
 * non-2xx answers are function errors; the server's output is the function's log with markers;
 * a server that never listens, exits, or is missing fails the start quickly and says why.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { CUSTOM_RUNTIME_FUNCTION } from '../helpers/custom-server.js';
import { uniqueName, zipBase64 } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, type FCClient } from '../helpers/sdk.js';

const logOf = (headers: Record<string, string>): string => Buffer.from(headers['x-fc-log-result'] ?? '', 'base64').toString();
const INITIALIZER = new $FC.InstanceLifecycleConfig({ initializer: new $FC.LifecycleHook({ handler: 'index.initialize', timeout: 10 }) });

function suite(sandbox: 'linux' | 'process'): void {
  describe(`custom runtime (${sandbox} sandbox)`, () => {
    let platform: Platform;
    let client: FCClient;

    before(async () => {
      platform = await createTestPlatform({ sandbox, stemCellPoolSize: 0 });
      const { accessKeyId, accessKeySecret } = platform.defaultAccount;
      client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId, accessKeySecret });
    });
    after(() => platform.close());

    async function deploy(files: Record<string, unknown>, extra: Record<string, unknown> = {}, runtime = 'custom.debian12'): Promise<string> {
      const name = uniqueName('custom');
      await client.createFunction(new $FC.CreateFunctionRequest({
        body: new $FC.CreateFunctionInput({
          functionName: name, runtime, handler: 'index.handler', timeout: 30, internetAccess: false,
          code: new $FC.InputCodeLocation({ zipFile: await zipBase64(files as never) }), ...extra,
        }),
      }));
      return name;
    }

    test('the bootstrap server gets POST /initialize once and POST /invoke with the x-fc-* headers; its output is the log', async () => {
      const name = await deploy(CUSTOM_RUNTIME_FUNCTION, { environmentVariables: { GREETING: 'hello' }, instanceLifecycleConfig: INITIALIZER, memorySize: 256 });
      const r = await invoke(client, name, 'the event', { logTail: true });
      assert.equal(r.statusCode, 200, r.body.toString());
      assert.equal(r.headers['x-fc-error-type'], undefined, r.body.toString());
      const out = JSON.parse(r.body.toString());
      const requestId = r.headers['x-fc-request-id']!;
      assert.equal(out.event, 'the event');
      assert.equal(out.env, 'hello');
      assert.equal(out.state.inits, 1);
      assert.ok(out.state.initialized && out.state.initialized !== requestId, 'the initializer had its own request id');
      assert.equal(out.fc['x-fc-request-id'], requestId);
      assert.equal(out.fc['x-fc-function-name'], name);
      assert.equal(out.fc['x-fc-function-handler'], 'index.handler');
      assert.equal(out.fc['x-fc-function-memory'], '256');
      assert.equal(out.fc['x-fc-function-timeout'], '30');
      assert.equal(out.fc['x-fc-function-initializer'], 'index.initialize');
      assert.equal(out.fc['x-fc-account-id'], platform.defaultAccount.accountId);
      assert.equal(out.fc['x-fc-region'], platform.config.region);
      assert.equal(out.fc['x-fc-instance-id'], r.headers['x-fc-instance-id']);
      assert.equal(out.fc['x-fc-function-type'], '0');
      assert.equal(out.fc['x-fc-control-path'], '/invoke');
      if (sandbox === 'linux') assert.equal(out.cwd, '/code');
      assert.equal(logOf(r.headers), `FC Invoke Start RequestId: ${requestId}\ninvoked with the event\nFC Invoke End RequestId: ${requestId}\n`);

      const again = await invoke(client, name, 'second');
      assert.equal(again.headers['x-fc-instance-id'], r.headers['x-fc-instance-id']);
      assert.equal(JSON.parse(again.body.toString()).state.inits, 1, '/initialize is called once per instance');
    });

    test('x-fc-status: 404 and non-2xx answers are function errors; a server that dies fails its invocation and the next one gets a new instance', async () => {
      const name = await deploy(CUSTOM_RUNTIME_FUNCTION, {}, 'custom');
      const failed = await invoke(client, name, 'fail', { logTail: true });
      assert.equal(failed.headers['x-fc-error-type'], 'UnhandledInvocationError');
      assert.equal(JSON.parse(failed.body.toString()).errorMessage, 'it failed');
      assert.match(logOf(failed.headers), /invoked with fail\n.*\[error\] CustomRuntimeError: it failed\nFC Invoke End/);

      const soft = await invoke(client, name, 'soft-fail');
      assert.equal(soft.headers['x-fc-error-type'], 'UnhandledInvocationError');
      assert.deepEqual(JSON.parse(soft.body.toString()), { errorMessage: 'soft failure', errorType: 'MyError', stackTrace: [] });

      const crashed = await invoke(client, name, 'crash');
      assert.equal(crashed.headers['x-fc-error-type'], 'UnhandledInvocationError', crashed.body.toString());
      const after = await invoke(client, name, 'fine');
      assert.equal(after.statusCode, 200);
      assert.equal(JSON.parse(after.body.toString()).event, 'fine', after.body.toString());
      assert.notEqual(after.headers['x-fc-instance-id'], crashed.headers['x-fc-instance-id'], 'a new instance replaced the dead one');
    });

    test('customRuntimeConfig.command/args and port start the server instead of bootstrap', async () => {
      const { bootstrap: _unused, ...files } = CUSTOM_RUNTIME_FUNCTION;
      const name = await deploy(files, { customRuntimeConfig: new $FC.CustomRuntimeConfig({ command: ['/usr/bin/python3'], args: ['-u', 'server.py'], port: 9123 }) }, 'custom.debian10');
      const r = await invoke(client, name, 'via command');
      assert.equal(r.statusCode, 200, r.body.toString());
      assert.equal(JSON.parse(r.body.toString()).event, 'via command');
      const fn = await client.getFunction(name, new $FC.GetFunctionRequest({}));
      assert.equal(fn.body!.customRuntimeConfig?.port, 9123);
    });

    test('a bootstrap that never listens, one that exits, and a missing one fail the start quickly with a clear error', async () => {
      const quiet = await deploy({ bootstrap: { data: '#!/bin/sh\necho starting but never listening\nexec sleep 600\n', mode: 0o755 } }, {
        instanceLifecycleConfig: new $FC.InstanceLifecycleConfig({ initializer: new $FC.LifecycleHook({ handler: 'index.initialize', timeout: 2 }) }),
      });
      const startedAt = Date.now();
      const r = await invoke(client, quiet, '', { logTail: true });
      assert.ok(Date.now() - startedAt < 20_000, 'fails within the bound');
      assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
      const body = JSON.parse(r.body.toString());
      assert.match(body.errorMessage, /did not listen on port \d+ within 1500 ms.*starting but never listening/);

      const exits = await deploy({ bootstrap: { data: '#!/bin/sh\necho no server here >&2\nexit 3\n', mode: 0o755 } });
      const e = JSON.parse((await invoke(client, exits)).body.toString());
      assert.match(e.errorMessage, /server exited \(code 3\) before it listened on port \d+; its last output: no server here/);

      const missing = await deploy({ 'readme.txt': 'no bootstrap' }, {}, 'custom.debian11');
      const m = JSON.parse((await invoke(client, missing)).body.toString());
      assert.match(m.errorMessage, /no 'bootstrap' file and customRuntimeConfig.command is not set/);

      const notExecutable = await deploy({ bootstrap: '#!/bin/sh\nexit 0\n' });
      const n = JSON.parse((await invoke(client, notExecutable)).body.toString());
      assert.match(n.errorMessage, /chmod \+x bootstrap/);
    });

    test('customRuntimeConfig is validated', async () => {
      const bad = uniqueName('custom');
      await assert.rejects(
        client.createFunction(new $FC.CreateFunctionRequest({
          body: new $FC.CreateFunctionInput({
            functionName: bad, runtime: 'custom', handler: 'index.handler', customRuntimeConfig: new $FC.CustomRuntimeConfig({ port: 70000 }),
            code: new $FC.InputCodeLocation({ zipFile: await zipBase64(CUSTOM_RUNTIME_FUNCTION as never) }),
          }),
        })),
        (e: { code: string; message: string }) => e.code === 'InvalidArgument' && /customRuntimeConfig.port must be an integer from 1 to 65535/.test(e.message),
      );
    });
  });
}

suite('process');
suite('linux');

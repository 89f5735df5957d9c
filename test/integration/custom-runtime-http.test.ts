/**
 * The custom-runtime adapter over the real instance channel, on both sandbox drivers: an INVOKE
 * frame with `httpTrigger: true` carries FC's HTTP event (§10.4) and reaches the user's server as
 * the real request (method, path + query, headers incl. repeated ones, body); the answer comes back
 * as `{statusCode, headers, body (base64), isBase64Encoded: true}` with repeated headers such as
 * set-cookie kept. Plain INVOKE frames still go to POST /invoke; HOOK preStop is GET /pre-stop.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import type { AssignHeader, Sandbox } from '../../src/sandbox/index.js';
import { CUSTOM_RUNTIME_FUNCTION } from '../helpers/custom-server.js';

const WAIT_BOUND_MS = 15_000;

function writeCode(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [file, content] of Object.entries(CUSTOM_RUNTIME_FUNCTION)) {
    const entry = typeof content === 'string' ? { data: content, mode: 0o644 } : content;
    fs.writeFileSync(path.join(dir, file), entry.data, { mode: entry.mode });
    fs.chmodSync(path.join(dir, file), entry.mode);
  }
}

function assignHeader(instanceId: string, codeDir: string): AssignHeader {
  return {
    instanceId, accountId: '1234567890', region: 'cn-local', codeDir,
    env: { FC_FUNCTION_NAME: 'web', FC_CUSTOM_LISTEN_PORT: '9000' },
    function: { name: 'web', handler: 'index.handler', memory: 128, timeout: 10, preStop: 'index.preStop', preStopTimeout: 3, qualifier: 'LATEST', versionId: '0' },
    initRequestId: 'init-1',
    runtime: 'custom.debian12',
    customRuntime: { command: [], args: [], port: 9000, readyTimeoutMs: 10_000 },
  };
}

function suite(sandbox: 'linux' | 'process'): void {
  describe(`custom-runtime adapter over the instance channel (${sandbox} sandbox)`, () => {
    let platform: Platform;
    let box: Sandbox;
    let output = '';
    const waiters: (() => void)[] = [];

    /** Resolves once the instance's output matches `re`; fails after a bound instead of hanging. */
    function outputMatching(re: RegExp): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => re.test(output) && (clearTimeout(timer), resolve(), true);
        const timer = setTimeout(() => reject(new Error(`no output matching ${re} within ${WAIT_BOUND_MS} ms; got: ${output}`)), WAIT_BOUND_MS);
        if (!check()) waiters.push(() => void check());
      });
    }

    before(async () => {
      platform = await createTestPlatform({ sandbox, stemCellPoolSize: 0 });
      const codeDir = path.join(platform.config.dataDir, 'custom-code-' + randomBytes(4).toString('hex'));
      writeCode(codeDir);
      box = await platform.driver.start({
        sandboxId: 'c-' + randomBytes(12).toString('hex'), runtimeFamily: 'custom', memoryMb: 128, cpu: 0.1, diskSizeMb: 512, network: { internet: false }, codeDir,
      });
      box.onOutput((chunk) => {
        output += chunk.toString();
        for (const w of waiters) w();
      });
      const assigned = await box.channel.assign(assignHeader(box.id, box.codeDirInside));
      assert.deepEqual(assigned, { ok: true });
    });
    after(async () => {
      await box?.destroy();
      await platform.close();
    });

    test('an httpTrigger INVOKE reaches the server as the real request and returns its answer with repeated headers intact', async () => {
      const event = {
        version: 'v1',
        rawPath: '/some%20path/x',
        headers: { cookie: 'c=1', 'x-multi': ['one', 'two'], 'x-fc-request-id': 'spoofed', 'content-type': 'application/octet-stream', connection: 'close' },
        queryParameters: { q: '1', r: ['a', 'b'] },
        body: Buffer.from('binary\u0001data').toString('base64'),
        isBase64Encoded: true,
        requestContext: { accountId: '1234567890', requestId: 'req-http-1', http: { method: 'PUT', path: '/some path/x', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' } },
      };
      const out = await box.channel.invoke({ requestId: 'req-http-1', isLogTail: true, deadlineMs: Date.now() + 10_000, httpTrigger: true }, Buffer.from(JSON.stringify(event)));
      assert.equal(out.errorType, undefined, out.body.toString());
      assert.equal(out.contentType, 'application/json');
      const response = JSON.parse(out.body.toString());
      assert.equal(response.statusCode, 201);
      assert.equal(response.isBase64Encoded, true);
      assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2'], 'repeated set-cookie headers survive');
      assert.equal(response.headers['x-custom'], 'yes');
      assert.equal(response.headers['content-length'], undefined);
      const echoed = JSON.parse(Buffer.from(response.body, 'base64').toString());
      assert.equal(echoed.method, 'PUT');
      assert.equal(echoed.path, '/some%20path/x?q=1&r=a&r=b');
      assert.equal(echoed.body, 'binary\u0001data');
      assert.equal(echoed.cookie, 'c=1');
      assert.deepEqual(echoed.multi, ['one', 'two'], 'a header with several values arrives as several header lines');
      assert.equal(echoed.fc['x-fc-request-id'], 'req-http-1', "a client's own x-fc-* headers are dropped");
      assert.equal(echoed.fc['x-fc-control-path'], '/http-invoke');
      assert.equal(echoed.fc['x-fc-function-name'], 'web');
      assert.equal(out.log, 'FC Invoke Start RequestId: req-http-1\necho PUT /some%20path/x?q=1&r=a&r=b\nFC Invoke End RequestId: req-http-1\n');

      const get = await box.channel.invoke({ requestId: 'req-http-2', isLogTail: false, deadlineMs: Date.now() + 10_000, httpTrigger: true }, Buffer.from(JSON.stringify({ rawPath: '/', headers: {}, queryParameters: {}, body: '', isBase64Encoded: false, requestContext: { http: { method: 'GET' } } })));
      const getResponse = JSON.parse(get.body.toString());
      assert.equal(JSON.parse(Buffer.from(getResponse.body, 'base64').toString()).method, 'GET');
    });

    test('without httpTrigger the event goes to POST /invoke; a bad HTTP event is a function error', async () => {
      const plain = await box.channel.invoke({ requestId: 'req-plain', isLogTail: false, deadlineMs: Date.now() + 10_000 }, Buffer.from('{"not":"an http event"}'));
      assert.equal(JSON.parse(plain.body.toString()).event, '{"not":"an http event"}');
      const bad = await box.channel.invoke({ requestId: 'req-bad', isLogTail: false, deadlineMs: Date.now() + 10_000, httpTrigger: true }, Buffer.from('not json'));
      assert.equal(bad.errorType, 'UnhandledInvocationError');
      assert.match(JSON.parse(bad.body.toString()).errorMessage, /the HTTP trigger event is not JSON/);
    });

    test('HOOK preStop is GET /pre-stop, between FC PreStop markers in the output', async () => {
      const r = await box.channel.hook('preStop', 'stop-1');
      assert.deepEqual(r, { ok: true });
      await outputMatching(/FC PreStop Start RequestId: stop-1\npre-stop called\nFC PreStop End RequestId: stop-1\n/);
    });
  });
}

suite('process');
suite('linux');

/**
 * An HTTP trigger in front of a custom-runtime web function, end to end: a real request to the
 * trigger's URL reaches the user's own server (a shell `bootstrap` that execs a small Python HTTP
 * server) as the same request — method, path after the trigger prefix, query, repeated headers,
 * binary body — and the server's answer comes back as it was sent, repeated set-cookie included.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { CUSTOM_RUNTIME_FUNCTION } from '../helpers/custom-server.js';
import { uniqueName, zipBase64 } from '../helpers/functions.js';
import { $FC, createFcClient, type FCClient } from '../helpers/sdk.js';

const REQUEST_BOUND_MS = 60_000;

describe('HTTP trigger → custom runtime (passthrough)', () => {
  let platform: Platform;
  let client: FCClient;
  let url: string;

  before(async () => {
    platform = await createTestPlatform();
    client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const name = uniqueName('web');
    await client.createFunction(new $FC.CreateFunctionRequest({
      body: new $FC.CreateFunctionInput({
        functionName: name, runtime: 'custom.debian12', handler: 'index.handler', timeout: 30,
        code: new $FC.InputCodeLocation({ zipFile: await zipBase64(CUSTOM_RUNTIME_FUNCTION as never) }),
      }),
    }));
    const trigger = await client.createTrigger(name, new $FC.CreateTriggerRequest({
      body: new $FC.CreateTriggerInput({ triggerName: 'web', triggerType: 'http', triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['GET', 'POST', 'PUT'] }) }),
    }));
    url = trigger.body!.httpTrigger!.urlIntranet!;
  });
  after(() => platform.close());

  test('a binary POST with repeated headers reaches the server as sent, and its answer comes back whole', async () => {
    const payload = randomBytes(2048);
    const headers = new Headers({ 'content-type': 'application/octet-stream', cookie: 'session=abc' });
    headers.append('x-multi', 'one');
    headers.append('x-multi', 'two');
    const res = await fetch(`${url}/orders/42?verbose=1&tag=a`, { method: 'POST', body: payload, headers, signal: AbortSignal.timeout(REQUEST_BOUND_MS) });
    assert.equal(res.status, 201, await res.clone().text());
    assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.equal(res.headers.get('x-custom'), 'yes');
    const seen = (await res.json()) as { method: string; path: string; cookie: string; multi: string[]; length: number; sha256: string };
    assert.equal(seen.method, 'POST');
    assert.equal(seen.path, '/orders/42?verbose=1&tag=a');
    assert.equal(seen.cookie, 'session=abc');
    assert.deepEqual(seen.multi.join(',').split(/,\s*/), ['one', 'two']);
    assert.equal(seen.length, payload.length);
    assert.equal(seen.sha256, createHash('sha256').update(payload).digest('hex'), 'the binary body arrived byte for byte');
  });

  test('a GET with no body is passed through too', async () => {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(REQUEST_BOUND_MS) });
    assert.equal(res.status, 201);
    const seen = (await res.json()) as { method: string; path: string; body: string };
    assert.deepEqual([seen.method, seen.path, seen.body], ['GET', '/health', '']);
  });
});

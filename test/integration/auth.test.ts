/** Request authentication and tenant isolation, through the official SDK. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { FakeClock } from '../../src/time/clock.js';
import { $FC, createFcClient, invoke, rejectionOf } from '../helpers/sdk.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { sendRaw, startRecordingProxy } from '../helpers/recording-proxy.js';

describe('request authentication', () => {
  let platform: Platform;
  let host: string;
  before(async () => {
    platform = await createTestPlatform();
    host = platform.endpoints.http!.replace('http://', '');
  });
  after(() => platform.close());

  const rootClient = () => createFcClient({ endpoint: host, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });

  test('a wrong secret is SignatureNotMatch (403)', async () => {
    const client = createFcClient({ endpoint: host, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: 'not-the-right-secret-at-all' });
    const err = await rejectionOf(client.listFunctions(new $FC.ListFunctionsRequest({})));
    assert.equal(err.code, 'SignatureNotMatch');
    assert.equal(err.statusCode, 403);
  });

  test('an unknown AccessKey is InvalidAccessKeyID (403)', async () => {
    const client = createFcClient({ endpoint: host, accessKeyId: 'LTAIunknownunknown00', accessKeySecret: 'whatever-whatever-0000' });
    const err = await rejectionOf(client.listFunctions(new $FC.ListFunctionsRequest({})));
    assert.equal(err.code, 'InvalidAccessKeyID');
    assert.equal(err.statusCode, 403);
  });

  test('an unsigned request is refused with a JSON error', async () => {
    const res = await fetch(`${platform.endpoints.http}/2023-03-30/functions`);
    assert.equal(res.status, 403);
    const body = (await res.json()) as { Code: string; RequestId: string };
    assert.equal(body.Code, 'AccessDenied');
    assert.equal(res.headers.get('x-fc-request-id'), body.RequestId);
  });

  test('an unknown path is PathNotSupported, as JSON', async () => {
    const res = await fetch(`${platform.endpoints.http}/2023-03-30/nothing-here`);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { Code: string }).Code, 'PathNotSupported');
  });

  test('a replayed request is refused because its nonce was used', async () => {
    const proxy = await startRecordingProxy(platform.httpPort);
    try {
      const client = createFcClient({ endpoint: proxy.endpoint, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
      await client.listFunctions(new $FC.ListFunctionsRequest({}));
      const replay = await sendRaw(platform.httpPort, Buffer.concat(proxy.captured[0]!));
      assert.equal(replay.status, 403);
      assert.equal(JSON.parse(replay.body).Code, 'SignatureNonceUsed');
    } finally {
      await proxy.close();
    }
  });

  test('one account never sees or invokes another account\'s functions', async () => {
    const name = uniqueName();
    await rootClient().createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const other = platform.accounts.createAccount();
    const otherClient = createFcClient({ endpoint: host, accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
    assert.equal((await rejectionOf(otherClient.getFunction(name, new $FC.GetFunctionRequest({})))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(invoke(otherClient, name, 'x'))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(otherClient.deleteFunction(name))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(otherClient.getFunctionCode(name, new $FC.GetFunctionCodeRequest({})))).code, 'FunctionNotFound');
    const listed = await otherClient.listFunctions(new $FC.ListFunctionsRequest({}));
    assert.deepEqual(listed.body!.functions, []);
    await otherClient.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': 'exports.handler = async () => "other";' }) }));
    assert.equal((await invoke(rootClient(), name, 'mine')).body.toString(), 'mine');
    assert.equal((await invoke(otherClient, name)).body.toString(), 'other');
  });
});

describe('request freshness', () => {
  test('an x-acs-date more than 15 minutes from the server clock is refused', async () => {
    const clock = new FakeClock(Date.now() + 20 * 60_000);
    await using platform = await createTestPlatform({ clock });
    const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const err = await rejectionOf(client.listFunctions(new $FC.ListFunctionsRequest({})));
    assert.equal(err.code, 'InvalidTimeStamp');
    assert.equal(err.statusCode, 403);
  });

  test('a download URL stops working once it expires', async () => {
    const clock = new FakeClock(Date.now());
    await using platform = await createTestPlatform({ clock });
    const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const { url } = (await client.getFunctionCode(name, new $FC.GetFunctionCodeRequest({}))).body!;
    assert.equal((await fetch(url!)).status, 200);
    clock.advance(platform.config.codeUrlTtlMs + 1000);
    const res = await fetch(url!);
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as { Message: string }).Message, /expired/);
  });
});

/**
 * The AsyncInvokeConfig operations through the official SDK: put, get, list and delete, defaults,
 * validation, not-found errors, account isolation, removal with the function, and openfc's
 * extension fields through the SDK's generic call (its modelled methods drop them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { callFc } from '../../src/cli/fc-client.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, rejectionOf, type FCClient } from '../helpers/sdk.js';

describe('async invoke configs', () => {
  let platform: Platform;
  let client: FCClient;
  let other: FCClient;
  let accountId: string;
  let otherAccountId: string;
  let region: string;
  const fnArn = (acct: string, name: string) => `acs:fc:${region}:${acct}:functions/${name}`;

  before(async () => {
    platform = await createTestPlatform();
    const endpoint = platform.endpoints.http!.replace('http://', '');
    client = createFcClient({ endpoint, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const second = platform.accounts.createAccount();
    other = createFcClient({ endpoint, accessKeyId: second.accessKeyId, accessKeySecret: second.accessKeySecret });
    accountId = platform.defaultAccount.accountId;
    otherAccountId = second.accountId;
    region = platform.config.region;
  });
  after(() => platform.close());

  const createFunction = async (c: FCClient, prefix = 'acfg') => {
    const name = uniqueName(prefix);
    await c.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    return name;
  };
  const put = (c: FCClient, name: string, body: Record<string, unknown>, qualifier?: string) =>
    c.putAsyncInvokeConfig(name, new $FC.PutAsyncInvokeConfigRequest({ qualifier, body: new $FC.PutAsyncInvokeConfigInput(body) }));
  const get = async (c: FCClient, name: string, qualifier?: string) => (await c.getAsyncInvokeConfig(name, new $FC.GetAsyncInvokeConfigRequest({ qualifier }))).body!;
  const del = (c: FCClient, name: string, qualifier?: string) => c.deleteAsyncInvokeConfig(name, new $FC.DeleteAsyncInvokeConfigRequest({ qualifier }));
  const list = async (c: FCClient, query: { functionName?: string; limit?: number; nextToken?: string } = {}) =>
    (await c.listAsyncInvokeConfigs(new $FC.ListAsyncInvokeConfigsRequest(query))).body!;
  const destination = (arn: string) => new $FC.Destination({ destination: arn });

  test('put, get, list and delete round trip', async () => {
    const name = await createFunction(client);
    const sink = await createFunction(client, 'sink');
    const r = await put(client, name, {
      asyncTask: true, maxAsyncRetryAttempts: 1, maxAsyncEventAgeInSeconds: 300,
      destinationConfig: new $FC.DestinationConfig({ onSuccess: destination(fnArn(accountId, sink)), onFailure: destination(`${fnArn(accountId, name)}/LATEST`) }),
    });
    assert.equal(r.statusCode, 200);
    const set = r.body!;
    assert.equal(set.asyncTask, true);
    assert.equal(set.maxAsyncRetryAttempts, 1);
    assert.equal(set.maxAsyncEventAgeInSeconds, 300);
    assert.equal(set.functionArn, fnArn(accountId, name));
    assert.equal(set.destinationConfig?.onSuccess?.destination, fnArn(accountId, sink));
    assert.equal(set.destinationConfig?.onFailure?.destination, `${fnArn(accountId, name)}/LATEST`, 'a function may be its own destination');
    assert.match(set.createdTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(set.lastModifiedTime, set.createdTime);

    const got = await get(client, name);
    assert.deepEqual(got.toMap(), set.toMap());
    assert.deepEqual((await get(client, name, 'LATEST')).toMap(), set.toMap());

    const listed = await list(client, { functionName: name });
    assert.deepEqual(listed.configs!.map((c) => c.toMap()), [set.toMap()]);
    assert.equal(listed.nextToken, undefined);

    const deleted = await del(client, name);
    assert.equal(deleted.statusCode, 204);
    assert.equal((await rejectionOf(get(client, name))).code, 'AsyncConfigNotFound');
    assert.deepEqual((await list(client, { functionName: name })).configs, []);
  });

  test('put fills in the defaults and replaces the whole config', async () => {
    const name = await createFunction(client);
    const empty = (await put(client, name, {})).body!;
    assert.deepEqual([empty.asyncTask, empty.maxAsyncRetryAttempts, empty.maxAsyncEventAgeInSeconds, empty.destinationConfig], [false, 3, 86400, undefined]);
    await put(client, name, { maxAsyncRetryAttempts: 0, destinationConfig: new $FC.DestinationConfig({ onFailure: destination('https://hooks.example.com/fc') }) });
    assert.equal((await get(client, name)).destinationConfig?.onFailure?.destination, 'https://hooks.example.com/fc');
    const replaced = (await put(client, name, { maxAsyncEventAgeInSeconds: 604800 })).body!;
    assert.deepEqual([replaced.maxAsyncRetryAttempts, replaced.maxAsyncEventAgeInSeconds, replaced.destinationConfig], [3, 604800, undefined]);
    assert.equal(replaced.createdTime, empty.createdTime);
  });

  test('lists by function name prefix in pages', async () => {
    const prefix = uniqueName('pg');
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const n of names) {
      await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(n) }));
      await put(client, n, {});
    }
    const p1 = await list(client, { functionName: prefix, limit: 2 });
    assert.deepEqual(p1.configs!.map((c) => c.functionArn), names.slice(0, 2).map((n) => fnArn(accountId, n)));
    assert.ok(p1.nextToken);
    const p2 = await list(client, { functionName: prefix, limit: 2, nextToken: p1.nextToken });
    assert.deepEqual(p2.configs!.map((c) => c.functionArn), [fnArn(accountId, names[2]!)]);
    assert.ok(!p2.nextToken);
    assert.equal((await rejectionOf(list(client, { limit: 0 }))).code, 'InvalidArgument');
  });

  test('refuses out-of-range values and bad destinations with InvalidArgument naming the problem', async () => {
    const name = await createFunction(client);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ maxAsyncRetryAttempts: 9 }, /maxAsyncRetryAttempts must be an integer from 0 to 8/],
      [{ maxAsyncRetryAttempts: -1 }, /maxAsyncRetryAttempts must be an integer from 0 to 8/],
      [{ maxAsyncEventAgeInSeconds: 0 }, /maxAsyncEventAgeInSeconds must be an integer from 1 to 604800/],
      [{ maxAsyncEventAgeInSeconds: 604801 }, /maxAsyncEventAgeInSeconds must be an integer from 1 to 604800/],
      [{ destinationConfig: new $FC.DestinationConfig({ onSuccess: destination('not-an-arn') }) }, /destinationConfig\.onSuccess\.destination 'not-an-arn' must be an FC function ARN/],
      [{ destinationConfig: new $FC.DestinationConfig({ onFailure: destination(`acs:mns:${region}:${accountId}:/queues/q/messages`) }) }, /MNS queue and topic destinations are not available in openfc/],
      [{ destinationConfig: new $FC.DestinationConfig({ onFailure: destination(`acs:eventbridge:${region}:${accountId}:eventbus/default/rule/r`) }) }, /EventBridge destinations are not available in openfc/],
      [{ destinationConfig: new $FC.DestinationConfig({ onFailure: destination(`acs:fc:elsewhere-1:${accountId}:functions/${name}`) }) }, /region 'elsewhere-1'/],
      [{ destinationConfig: new $FC.DestinationConfig({ onFailure: destination(`${fnArn(accountId, '9bad')}`) }) }, /function name must be 1-64 letters/],
      [{ destinationConfig: new $FC.DestinationConfig({ onSuccess: destination(fnArn(otherAccountId, name)) }) }, /cross-account destinations are not allowed/],
    ];
    for (const [body, why] of cases) {
      const e = await rejectionOf(put(client, name, body));
      assert.equal(e.code, 'InvalidArgument', JSON.stringify(body));
      assert.equal(e.statusCode, 400);
      assert.match(String(e.data?.Message ?? ''), why, JSON.stringify(body));
    }
    assert.equal((await rejectionOf(get(client, name))).code, 'AsyncConfigNotFound', 'nothing was stored');
  });

  test('unknown fields and wrong types sent past the SDK are refused', async () => {
    const name = await createFunction(client);
    const raw = (body: Record<string, unknown>) => callFc(client, { action: 'PutAsyncInvokeConfig', method: 'PUT', pathname: `/2023-03-30/functions/${name}/async-invoke-config`, body });
    for (const [body, why] of [
      [{ statefulInvocation: true }, /unknown field 'statefulInvocation'/],
      [{ maxAsyncRetryAttempts: '3' }, /maxAsyncRetryAttempts must be an integer/],
      [{ asyncTask: 'true' }, /asyncTask must be true or false/],
      [{ destinationConfig: { onSuccess: 'acs:fc:x' } }, /destinationConfig\.onSuccess must be an object/],
    ] as const) {
      const e = await rejectionOf(raw(body));
      assert.equal(e.code, 'InvalidArgument', JSON.stringify(body));
      assert.match(String(e.data?.Message ?? ''), why);
    }
  });

  test('FunctionNotFound for a missing function, AsyncConfigNotFound for a missing config, and no versions or aliases yet', async () => {
    const missing = uniqueName('missing');
    assert.equal((await rejectionOf(put(client, missing, {}))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(get(client, missing))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(del(client, missing))).code, 'FunctionNotFound');
    const name = await createFunction(client);
    const e = await rejectionOf(get(client, name));
    assert.deepEqual([e.code, e.statusCode], ['AsyncConfigNotFound', 404]);
    assert.equal((await rejectionOf(del(client, name))).code, 'AsyncConfigNotFound');
    assert.equal((await rejectionOf(put(client, name, {}, '1'))).code, 'VersionNotFound');
    assert.equal((await rejectionOf(get(client, name, 'prod'))).code, 'AliasNotFound');
  });

  test("one account neither sees nor changes another's configs", async () => {
    const name = await createFunction(client);
    await put(client, name, { maxAsyncRetryAttempts: 2 });
    assert.equal((await rejectionOf(get(other, name))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(put(other, name, {}))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(del(other, name))).code, 'FunctionNotFound');
    assert.deepEqual((await list(other)).configs, []);
    // The same name in the other account is a different function with its own config.
    await other.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    assert.equal((await rejectionOf(get(other, name))).code, 'AsyncConfigNotFound');
    assert.equal((await put(other, name, {})).body!.functionArn, fnArn(otherAccountId, name));
    assert.equal((await get(client, name)).maxAsyncRetryAttempts, 2);
  });

  test('the config is removed with its function', async () => {
    const name = await createFunction(client);
    await put(client, name, { maxAsyncRetryAttempts: 1 });
    await client.deleteFunction(name);
    assert.deepEqual((await list(client, { functionName: name })).configs, []);
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    assert.equal((await rejectionOf(get(client, name))).code, 'AsyncConfigNotFound', 'a new function of the same name starts without one');
  });

  test('the openfc extensions maxAsyncConcurrency and dedicatedQueue go through the generic call', async () => {
    const name = await createFunction(client);
    const pathname = `/2023-03-30/functions/${name}/async-invoke-config`;
    const set = (await callFc(client, { action: 'PutAsyncInvokeConfig', method: 'PUT', pathname, body: { maxAsyncConcurrency: 5, dedicatedQueue: true, destinationConfig: { onSuccess: { destination: 'http://127.0.0.1:9/done' } } } })) as Record<string, unknown>;
    assert.equal(set.maxAsyncConcurrency, 5);
    assert.equal(set.dedicatedQueue, true);
    assert.deepEqual(await callFc(client, { action: 'GetAsyncInvokeConfig', method: 'GET', pathname }), set);
    const e = await rejectionOf(callFc(client, { action: 'PutAsyncInvokeConfig', method: 'PUT', pathname, body: { maxAsyncConcurrency: 1001 } }));
    assert.match(String(e.data?.Message ?? ''), /maxAsyncConcurrency must be an integer from 1 to 1000/);
    // The SDK's modelled get still works; it just drops the fields it does not know.
    assert.equal((await get(client, name)).maxAsyncRetryAttempts, 3);
  });

});


/**
 * Triggers through the official SDK against the real platform: CRUD with validation, and HTTP
 * triggers end to end (binary bodies and repeated headers round-trip through a Node handler,
 * methods, authType function, disableURLInternet, async via header, function errors).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { request, within } from '../helpers/http-client.js';
import { $dara, $FC, createFcClient, rejectionOf, type FCClient } from '../helpers/sdk.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const Ram = ((m: unknown) => (typeof m === 'function' ? m : (m as { default: unknown }).default))(RamModule) as Ctor<RamModule.default>;

/** Echoes the request back: the body inverted byte by byte, facts about the request as headers, two cookies. */
const HTTP_ECHO = {
  'index.js': `exports.handler = async (event) => {
  const e = JSON.parse(event.toString());
  if (e.rawPath === '/fail') throw new Error('asked to fail');
  if (e.rawPath === '/plain') return 'just text';
  const body = e.isBase64Encoded ? Buffer.from(e.body, 'base64') : Buffer.from(e.body, 'utf8');
  return {
    statusCode: e.rawPath === '/created' ? 201 : 200,
    headers: {
      'content-type': 'application/octet-stream', 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
      'x-multi': e.headers['X-Multi'] || '', 'x-raw-path': e.rawPath, 'x-path': e.requestContext.http.path, 'x-query': JSON.stringify(e.queryParameters),
      'x-method': e.requestContext.http.method, 'x-was-base64': String(e.isBase64Encoded), 'x-trigger': e.requestContext.triggerId,
    },
    isBase64Encoded: true,
    body: Buffer.from(body.map((b) => 255 - b)).toString('base64'),
  };
};\n`,
};

describe('triggers', () => {
  let platform: Platform;
  let client: FCClient;
  let endpoint: string;
  let ca: Buffer;

  before(async () => {
    platform = await createTestPlatform({});
    endpoint = platform.endpoints.http!.replace('http://', '');
    client = createFcClient({ endpoint, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    ca = fs.readFileSync(platform.tlsCertFile);
  });
  after(() => platform.close());

  async function fn(files: Record<string, string> = HTTP_ECHO): Promise<string> {
    const name = uniqueName('trg');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, files, { timeout: 30 }) }));
    return name;
  }
  const create = (name: string, input: Record<string, unknown>) => client.createTrigger(name, new $FC.CreateTriggerRequest({ body: new $FC.CreateTriggerInput(input) }));
  async function httpTrigger(name: string, config: Record<string, unknown>) {
    const t = (await create(name, { triggerName: 'web', triggerType: 'http', triggerConfig: JSON.stringify(config) })).body!;
    return { t, intranet: t.httpTrigger!.urlIntranet!, internet: t.httpTrigger!.urlInternet! };
  }

  test('creates, gets, lists, updates and deletes triggers; the function takes its triggers with it', async () => {
    const name = await fn();
    const created = (await create(name, { triggerName: 'every5', triggerType: 'timer', description: 'five', triggerConfig: JSON.stringify({ cronExpression: '0 0/5 * * * *', payload: 'p', enable: true }) })).body!;
    assert.match(created.triggerId!, /^[0-9a-f-]{36}$/);
    assert.equal(created.qualifier, 'LATEST');
    assert.equal(created.status, 'OK');
    assert.deepEqual(JSON.parse(created.triggerConfig!), { cronExpression: '0 0/5 * * * *', payload: 'p', enable: true });
    assert.match(created.createdTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(created.targetArn!, new RegExp(`:functions/${name}$`));

    const oss = (await create(name, { triggerName: 'uploads', triggerType: 'oss', sourceArn: 'acs:oss:cn-hangzhou:1:bucket', triggerConfig: JSON.stringify({ events: ['oss:ObjectCreated:*'] }) })).body!;
    assert.equal(oss.status, 'Unsupported');
    const raw = (await client.callApi(
      new $OpenApiUtil.Params({ action: 'GetTrigger', version: '2023-03-30', protocol: 'HTTP', pathname: `/2023-03-30/functions/${name}/triggers/uploads`, method: 'GET', authType: 'AK', style: 'ROA', reqBodyType: 'json', bodyType: 'json' }),
      new $OpenApiUtil.OpenApiRequest({}), new $dara.RuntimeOptions({}),
    )) as { body: { stateReason: string } };
    assert.match(raw.body.stateReason, /nothing fires them/);

    const got = (await client.getTrigger(name, 'every5')).body!;
    assert.equal(got.triggerId, created.triggerId);
    const page1 = (await client.listTriggers(name, new $FC.ListTriggersRequest({ limit: 1 }))).body!;
    assert.deepEqual(page1.triggers!.map((t) => t.triggerName), ['every5']);
    const page2 = (await client.listTriggers(name, new $FC.ListTriggersRequest({ limit: 1, nextToken: page1.nextToken }))).body!;
    assert.deepEqual(page2.triggers!.map((t) => t.triggerName), ['uploads']);
    assert.equal(page2.nextToken, undefined);
    assert.deepEqual((await client.listTriggers(name, new $FC.ListTriggersRequest({ prefix: 'up' }))).body!.triggers!.map((t) => t.triggerName), ['uploads']);

    const updated = (await client.updateTrigger(name, 'every5', new $FC.UpdateTriggerRequest({ body: new $FC.UpdateTriggerInput({ description: 'off', triggerConfig: JSON.stringify({ cronExpression: '@every 1m', enable: false }) }) }))).body!;
    assert.equal(updated.description, 'off');
    assert.equal(updated.status, 'Disabled');
    assert.equal(updated.triggerId, created.triggerId);

    assert.equal((await rejectionOf(create(name, { triggerName: 'every5', triggerType: 'timer', triggerConfig: '{"cronExpression":"@every 1m"}' }))).code, 'TriggerAlreadyExists');
    await client.deleteTrigger(name, 'every5');
    assert.equal((await rejectionOf(client.getTrigger(name, 'every5'))).code, 'TriggerNotFound');
    assert.equal((await rejectionOf(client.deleteTrigger(name, 'every5'))).code, 'TriggerNotFound');

    await client.deleteFunction(name);
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, HTTP_ECHO) }));
    assert.deepEqual((await client.listTriggers(name, new $FC.ListTriggersRequest({}))).body!.triggers, []);
    assert.equal((await rejectionOf(client.listTriggers('no-such-fn', new $FC.ListTriggersRequest({})))).code, 'FunctionNotFound');
  });

  test('refuses invalid triggers with InvalidArgument and a message that says what is wrong', async () => {
    const name = await fn();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ triggerName: '1bad', triggerType: 'http', triggerConfig: '{}' }, /triggerName/],
      [{ triggerName: 'ok', triggerType: 'ftp', triggerConfig: '{}' }, /triggerType must be one of/],
      [{ triggerName: 'ok', triggerType: 'timer', triggerConfig: '{"cronExpression":"0 61 * * * *"}' }, /0-59 in the minutes field/],
      [{ triggerName: 'ok', triggerType: 'timer', triggerConfig: '{"cronExpression":"* * * *"}' }, /six/],
      [{ triggerName: 'ok', triggerType: 'http', triggerConfig: '{"methods":["BREW"]}' }, /methods/],
      [{ triggerName: 'ok', triggerType: 'http', triggerConfig: '{"authType":"magic"}' }, /authType/],
      [{ triggerName: 'ok', triggerType: 'http', triggerConfig: 'nope' }, /not valid JSON/],
      [{ triggerName: 'ok', triggerType: 'timer', triggerConfig: '{"cronExpression":"@every 1m"}', invocationRole: 'role/x' }, /invocationRole/],
      [{ triggerName: 'ok', triggerType: 'timer', triggerConfig: '{"cronExpression":"@every 1m"}', qualifier: 'bad qualifier!' }, /qualifier/],
    ];
    for (const [input, why] of cases) {
      const e = await rejectionOf(create(name, input));
      assert.equal(e.code, 'InvalidArgument', JSON.stringify(input));
      assert.match(e.message, why, JSON.stringify(input));
    }
    const e = await rejectionOf(client.updateTrigger(name, 'missing', new $FC.UpdateTriggerRequest({ body: new $FC.UpdateTriggerInput({ description: 'x' }) })));
    assert.equal(e.code, 'TriggerNotFound');
  });

  test('an anonymous HTTP trigger round-trips a binary body and repeated headers through a Node handler', async () => {
    const name = await fn();
    const { t, intranet, internet } = await httpTrigger(name, { authType: 'anonymous', methods: ['GET', 'POST'] });
    assert.equal(intranet, `${platform.endpoints.http}/http/${t.triggerId}`);
    assert.equal(internet, `${platform.endpoints.https}/http/${t.triggerId}`);
    const body = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const r = await request(`${intranet}/some%20where/deep?x=1&x=2&y=z`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream', 'x-multi': ['one', 'two'] } });
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(r.body, Buffer.from(body.map((b) => 255 - b)));
    assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
    assert.equal(r.headers['x-multi'], 'one,two');
    assert.equal(r.headers['x-raw-path'], '/some%20where/deep');
    assert.equal(r.headers['x-path'], '/some where/deep');
    assert.deepEqual(JSON.parse(r.headers['x-query'] as string), { x: '1,2', y: 'z' });
    assert.equal(r.headers['x-was-base64'], 'true');
    assert.equal(r.headers['x-trigger'], t.triggerId);
    assert.match(r.headers['x-fc-request-id'] as string, /.+/);

    const text = await request(`${internet}/created`, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' }, ca });
    assert.equal(text.status, 201);
    assert.equal(text.headers['x-was-base64'], 'false');
    assert.deepEqual(text.body, Buffer.from(Buffer.from('hello').map((b) => 255 - b)));

    const plain = await request(`${intranet}/plain`);
    assert.deepEqual([plain.status, plain.body.toString()], [200, 'just text']);
  });

  test('methods outside the trigger config get 405; a function error is a 502 with x-fc-error-type; unknown triggers 404', async () => {
    const name = await fn();
    const { intranet } = await httpTrigger(name, { authType: 'anonymous', methods: ['GET'] });
    const refused = await request(`${intranet}/x`, { method: 'DELETE' });
    assert.equal(refused.status, 405);
    assert.equal(JSON.parse(refused.body.toString()).Code, 'MethodNotAllowed');
    const failed = await request(`${intranet}/fail`);
    assert.equal(failed.status, 502);
    assert.equal(failed.headers['x-fc-error-type'], 'UnhandledInvocationError');
    assert.match(JSON.parse(failed.body.toString()).errorMessage, /asked to fail/);
    const unknown = await request(`${platform.endpoints.http}/http/00000000-0000-0000-0000-000000000000/`);
    assert.equal(unknown.status, 404);
  });

  test('disableURLInternet refuses the internet URL and keeps the intranet one', async () => {
    const name = await fn();
    const { intranet, internet } = await httpTrigger(name, { authType: 'anonymous', disableURLInternet: true });
    const refused = await request(`${internet}/`, { ca });
    assert.equal(refused.status, 403);
    assert.match(JSON.parse(refused.body.toString()).Message, /disableURLInternet/);
    assert.equal((await request(`${intranet}/plain`)).status, 200);
  });

  test('a corsConfig answers preflights without invoking and adds CORS headers for allowed origins', async () => {
    const name = await fn();
    const origin = 'https://app.example.com';
    const { intranet } = await httpTrigger(name, { authType: 'anonymous', methods: ['GET', 'POST'], corsConfig: { allowOrigins: [origin], allowHeaders: ['Content-Type'], exposeHeaders: ['X-Path'], maxAge: 60 } });
    const pre = await request(`${intranet}/fail`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], origin);
    assert.equal(pre.headers['access-control-allow-methods'], 'GET, POST');
    assert.equal(pre.headers['access-control-max-age'], '60');
    const real = await request(`${intranet}/x`, { method: 'POST', body: 'hi', headers: { origin, 'content-type': 'text/plain' } });
    assert.equal(real.status, 200);
    assert.equal(real.headers['access-control-allow-origin'], origin);
    assert.equal(real.headers['access-control-expose-headers'], 'X-Path');
    const foreign = await request(`${intranet}/x`, { method: 'POST', body: 'hi', headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.status, 200);
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    const bad = await rejectionOf(create(name, { triggerName: 'cors2', triggerType: 'http', triggerConfig: JSON.stringify({ corsConfig: { maxAge: -5 } }) }));
    assert.match(bad.message, /corsConfig.maxAge/);
  });

  test('x-fc-invocation-type: Async answers 202 and runs the function through the async invoker', async () => {
    const name = await fn();
    const { intranet } = await httpTrigger(name, { authType: 'anonymous' });
    const settled = within(platform.events.next('async:settled', (e) => e.functionName === name), 60_000, 'the async HTTP invocation');
    const r = await request(`${intranet}/created`, { method: 'POST', body: 'later', headers: { 'x-fc-invocation-type': 'Async' } });
    assert.equal(r.status, 202);
    const s = await settled;
    assert.equal(s.status, 'Succeeded');
    assert.equal(s.eventId, r.headers['x-fc-request-id']);
  });

  describe('authType function', () => {
    /** Signs a request to the trigger URL with the official SDK (ACS3), as FC's signed HTTP trigger calls are. */
    async function signedCall(c: FCClient, url: string, body: string): Promise<{ statusCode: number; body: string }> {
      const u = new URL(url);
      const r = (await c.callApi(
        new $OpenApiUtil.Params({ action: 'InvokeHttpTrigger', version: '2023-03-30', protocol: 'HTTP', pathname: `${u.pathname}/plain`, method: 'POST', authType: 'AK', style: 'ROA', reqBodyType: 'json', bodyType: 'string' }),
        new $OpenApiUtil.OpenApiRequest({ body }), new $dara.RuntimeOptions({ readTimeout: 60_000, connectTimeout: 60_000 }),
      )) as { statusCode: number; body: string };
      return r;
    }

    test('accepts requests signed by the own account, refuses other accounts and unsigned requests', async () => {
      const name = await fn();
      const { intranet, t } = await httpTrigger(name, {});
      assert.equal(JSON.parse(t.triggerConfig!).authType, 'function');
      const ok = await signedCall(client, intranet, '{}');
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.body, 'just text');

      const other = platform.accounts.createAccount();
      const stranger = createFcClient({ endpoint, accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
      const e = await rejectionOf(signedCall(stranger, intranet, '{}'));
      assert.equal(e.code, 'AccessDenied');
      assert.equal(e.statusCode, 403);

      const unsigned = await request(`${intranet}/plain`, { method: 'POST' });
      assert.equal(unsigned.status, 403);
      assert.equal(JSON.parse(unsigned.body.toString()).Code, 'AccessDenied');
      const forged = await request(`${intranet}/plain`, { method: 'POST', headers: { authorization: `ACS3-HMAC-SHA256 Credential=${platform.defaultAccount.accessKeyId},SignedHeaders=host,Signature=${'0'.repeat(64)}`, 'x-acs-date': new Date().toISOString().replace(/\.\d+Z$/, 'Z') } });
      assert.equal(forged.status, 403);
    });

    test('a RAM user needs fc:InvokeFunction on the function', async () => {
      const name = await fn();
      const { intranet } = await httpTrigger(name, { authType: 'function' });
      const root = { accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret };
      const ram = new Ram(new $OpenApiUtil.Config({ ...root, endpoint, protocol: 'http' }));
      const keyOf = async (userName: string) => {
        await ram.createUser(new $Ram.CreateUserRequest({ userName }));
        const k = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName }))).body!.accessKey!;
        return createFcClient({ endpoint, accessKeyId: k.accessKeyId!, accessKeySecret: k.accessKeySecret! });
      };
      const allowed = uniqueName('u');
      const allowedClient = await keyOf(allowed);
      const policyName = uniqueName('p');
      await ram.createPolicy(new $Ram.CreatePolicyRequest({
        policyName, policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'fc:InvokeFunction', Resource: `acs:fc:*:*:functions/${name}` }] }),
      }));
      await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyName, policyType: 'Custom', userName: allowed }));
      const deniedClient = await keyOf(uniqueName('u'));
      assert.equal((await signedCall(allowedClient, intranet, '{}')).statusCode, 200);
      assert.equal((await rejectionOf(signedCall(deniedClient, intranet, '{}'))).code, 'AccessDenied');
    });
  });
});

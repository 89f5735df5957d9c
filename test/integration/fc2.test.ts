/**
 * The FC 2.0 API (`/2016-08-15`) through the official `@alicloud/fc2` client against the real
 * platform: services, functions in services (the FC 3.0 functions `<service>$<function>`),
 * invocation (sync, async, log tail, function errors), FC 2.0 errors, signatures, accounts, STS.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { computeFc2Signature, fc2StringToSign } from '../../src/iam/index.js';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import StsModule, * as $Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName, zipBase64 } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';
import { createFc2Client, fc2Rejection, type Fc2Client } from '../helpers/fc2-sdk.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const interop = <T>(m: unknown): Ctor<T> => (typeof m === 'function' ? m : (m as { default: Ctor<T> }).default) as Ctor<T>;
const Ram = interop<RamModule.default>(RamModule);
const Sts = interop<StsModule.default>(StsModule);

const HANDLER = {
  'index.js': [
    'exports.init = async () => { globalThis.initialized = true; };',
    'exports.handler = async (event, context) => {',
    '  const text = event.toString();',
    '  if (text === "fail") throw new Error("asked to fail");',
    '  console.log("log line for " + text);',
    '  return JSON.stringify({ echo: text, initialized: globalThis.initialized === true, fn: context.function.name, service: process.env.FC_SERVICE_NAME });',
    '};',
  ].join('\n'),
};

/** Bounds a wait on a platform event so a missing event fails the test instead of hanging it. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the FC 2.0 API with @alicloud/fc2', () => {
  let platform: Platform;
  let endpoint: string;
  let fc2: Fc2Client;
  let fc3: FCClient;
  let zipFile: string;
  const svc = uniqueName('svc');

  before(async () => {
    platform = await createTestPlatform({});
    endpoint = platform.endpoints.http!;
    const a = platform.defaultAccount;
    fc2 = createFc2Client({ endpoint, accountId: a.accountId, accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret });
    fc3 = createFcClient({ endpoint: endpoint.replace('http://', ''), accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret });
    zipFile = await zipBase64(HANDLER);
    await fc2.createService(svc, { description: 'orders' });
  });
  after(() => platform?.close());

  test('services: create, get, list (prefix, limit, nextToken, startKey), update, delete; duplicates and unknowns are FC 2.0 errors', async () => {
    const prefix = uniqueName('lst');
    for (const n of ['a', 'b', 'c']) await fc2.createService(`${prefix}-${n}`, { description: n, internetAccess: n !== 'b' });
    const got = (await fc2.getService(`${prefix}-a`)).data;
    assert.equal(got.serviceName, `${prefix}-a`);
    assert.equal(got.description, 'a');
    assert.equal(got.internetAccess, true);
    assert.match(got.serviceId, /^[0-9a-f-]{36}$/);
    assert.match(got.createdTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual(Object.keys(got.vpcConfig).sort(), ['securityGroupId', 'vSwitchIds', 'vpcId']);
    assert.equal((await fc2.getService(`${prefix}-a`, {}, 'LATEST')).data.serviceName, `${prefix}-a`);

    const page1 = (await fc2.listServices({ prefix, limit: 2 })).data;
    assert.deepEqual(page1.services.map((s: { serviceName: string }) => s.serviceName), [`${prefix}-a`, `${prefix}-b`]);
    assert.equal(page1.nextToken, `${prefix}-b`);
    const page2 = (await fc2.listServices({ prefix, limit: 2, nextToken: page1.nextToken })).data;
    assert.deepEqual(page2.services.map((s: { serviceName: string }) => s.serviceName), [`${prefix}-c`]);
    assert.equal(page2.nextToken, undefined);
    assert.equal((await fc2Rejection(fc2.listServices({ prefix, tags: { team: 'a' } }))).code, 'InvalidArgument');
    const fromB = (await fc2.listServices({ prefix, startKey: `${prefix}-b` })).data;
    assert.deepEqual(fromB.services.map((s: { serviceName: string }) => s.serviceName), [`${prefix}-b`, `${prefix}-c`]);

    const updated = (await fc2.updateService(`${prefix}-b`, { description: 'changed', internetAccess: true })).data;
    assert.equal(updated.description, 'changed');
    assert.equal(updated.internetAccess, true);
    assert.equal(updated.createdTime, (await fc2.getService(`${prefix}-b`)).data.createdTime);

    const dup = await fc2Rejection(fc2.createService(`${prefix}-a`));
    assert.equal(dup.code, 'ServiceAlreadyExists');
    assert.equal(dup.name, 'FCServiceAlreadyExistsError');
    const bad = await fc2Rejection(fc2.createService('1-not-a-name'));
    assert.equal(bad.code, 'InvalidArgument');
    for (const n of ['a', 'b', 'c']) await fc2.deleteService(`${prefix}-${n}`);
    const gone = await fc2Rejection(fc2.getService(`${prefix}-a`));
    assert.equal(gone.code, 'ServiceNotFound');
    assert.match(gone.message, /^GET \/services\/\S+ failed with 404\. requestid: \S+, message: service '\S+' does not exist\.$/);
  });

  test('functions in a service: create, get, list, update, code, delete; a service with functions cannot be deleted', async () => {
    const fn = 'worker';
    const created = (await fc2.createFunction(svc, {
      functionName: fn, runtime: 'nodejs20', handler: 'index.handler', memorySize: 256, timeout: 30, code: { zipFile },
      environmentVariables: { STAGE: 'test' }, initializer: 'index.init', initializationTimeout: 10, instanceConcurrency: 2,
    })).data;
    assert.equal(created.functionName, fn);
    assert.equal(created.memorySize, 256);
    assert.equal(created.initializer, 'index.init');
    assert.equal(created.initializationTimeout, 10);
    assert.deepEqual(created.environmentVariables, { STAGE: 'test' });
    assert.ok(created.codeChecksum);

    const dup = await fc2Rejection(fc2.createFunction(svc, { functionName: fn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } }));
    assert.equal(dup.code, 'FunctionAlreadyExists');
    const notEmpty = await fc2Rejection(fc2.deleteService(svc));
    assert.equal(notEmpty.code, 'ServiceNotEmpty');

    const got = (await fc2.getFunction(svc, fn)).data;
    assert.equal(got.functionId, created.functionId);
    assert.equal(got.instanceConcurrency, 2);
    assert.equal((await fc2.getFunction(svc, fn, {}, 'LATEST')).data.functionName, fn);

    await fc2.createFunction(svc, { functionName: 'other', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    const listed = (await fc2.listFunctions(svc, { limit: 1 })).data;
    assert.deepEqual(listed.functions.map((f: { functionName: string }) => f.functionName), ['other']);
    assert.equal(listed.nextToken, 'other');
    const rest = (await fc2.listFunctions(svc, { nextToken: 'other' })).data;
    assert.deepEqual(rest.functions.map((f: { functionName: string }) => f.functionName), [fn]);
    assert.deepEqual((await fc2.listFunctions(svc, { prefix: 'wor' })).data.functions.map((f: { functionName: string }) => f.functionName), [fn]);
    assert.deepEqual((await fc2.listFunctions(svc, { startKey: fn })).data.functions.map((f: { functionName: string }) => f.functionName), [fn]);

    const updated = (await fc2.updateFunction(svc, fn, { memorySize: 512, environmentVariables: { STAGE: 'prod' } })).data;
    assert.equal(updated.memorySize, 512);
    assert.deepEqual(updated.environmentVariables, { STAGE: 'prod' });
    assert.equal(updated.initializer, 'index.init', 'fields the update does not name are kept');

    const code = (await fc2.getFunctionCode(svc, fn)).data;
    assert.equal(code.checksum, created.codeChecksum);
    const download = await fetch(code.url);
    assert.equal(download.status, 200);
    assert.equal(Buffer.from(await download.arrayBuffer()).toString('base64'), zipFile);

    await fc2.deleteFunction(svc, 'other');
    const missing = await fc2Rejection(fc2.getFunction(svc, 'other'));
    assert.equal(missing.code, 'FunctionNotFound');
    assert.match(missing.message, /function 'other' does not exist in service '\S+'/);
    const noService = await fc2Rejection(fc2.getFunction(uniqueName('nosvc'), fn));
    assert.equal(noService.code, 'ServiceNotFound');
  });

  test('invokeFunction: sync with a qualifier, log tail, a function error, and async (202)', async () => {
    const fn = 'invoked';
    await fc2.createFunction(svc, { functionName: fn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile }, initializer: 'index.init' });
    const sync = await fc2.invokeFunction(svc, fn, 'hello', { 'x-fc-log-type': 'Tail' }, 'LATEST');
    assert.deepEqual(JSON.parse(String(sync.data)), { echo: 'hello', initialized: true, fn: `${svc}$${fn}`, service: svc });
    assert.ok(sync.headers['x-fc-request-id']);
    assert.ok(sync.headers['x-fc-code-checksum']);
    assert.match(Buffer.from(sync.headers['x-fc-log-result']!, 'base64').toString('utf8'), /log line for hello/);
    assert.equal(sync.headers['x-fc-error-type'], undefined);

    const failed = await fc2.invokeFunction(svc, fn, 'fail');
    assert.equal(failed.headers['x-fc-error-type'], 'UnhandledInvocationError');
    assert.match(String((failed.data as { errorMessage: string }).errorMessage), /asked to fail/);

    const settled = platform.events.next('async:settled', (e) => e.functionName === `${svc}$${fn}`);
    const queued = await fc2.invokeFunction(svc, fn, 'later', { 'x-fc-invocation-type': 'Async' });
    assert.equal(queued.headers['x-fc-request-id']!.length > 0, true);
    const done = await within(settled, 60_000, 'the async invocation to settle');
    assert.equal(done.status, 'Succeeded');

    const newCode = await zipBase64({ 'index.js': 'exports.handler = async (event) => "v2:" + event.toString();' });
    const redeployed = (await fc2.updateFunction(svc, fn, { code: { zipFile: newCode }, initializer: '' })).data;
    assert.equal(redeployed.initializer, '', 'an empty initializer removes it');
    assert.notEqual(redeployed.codeChecksum, sync.headers['x-fc-code-checksum']);
    const again = await fc2.invokeFunction(svc, fn, 'again');
    assert.equal(again.headers['x-fc-error-type'], undefined, JSON.stringify(again.data));
    assert.equal(String(again.data), 'v2:again');

    const unknownVersion = await fc2Rejection(fc2.invokeFunction(svc, fn, 'x', {}, '7'));
    assert.equal(unknownVersion.code, 'VersionNotFound');
    const unknownFn = await fc2Rejection(fc2.invokeFunction(svc, 'nope', 'x'));
    assert.equal(unknownFn.code, 'FunctionNotFound');
  });

  test('a service\'s shared settings reach its functions, on create and on UpdateService; its VPC must exist', async () => {
    const shared = uniqueName('shared');
    await fc2.createService(shared, { internetAccess: false, logConfig: { project: 'p', logstore: 'l' } });
    await fc2.createFunction(shared, { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    const before = (await fc3.getFunction(`${shared}$f`, new $FC.GetFunctionRequest({}))).body!;
    assert.equal(before.internetAccess, false);
    assert.equal(before.logConfig?.project, 'p');
    await fc2.updateService(shared, { internetAccess: true });
    const after = (await fc3.getFunction(`${shared}$f`, new $FC.GetFunctionRequest({}))).body!;
    assert.equal(after.internetAccess, true);
    assert.equal((await fc2.getService(shared)).data.internetAccess, true);
    const noVpc = await fc2Rejection(fc2.createService(uniqueName('vpc'), { vpcConfig: { vpcId: 'vpc-does-not-exist', vSwitchIds: [], securityGroupId: '' } }));
    assert.equal(noVpc.code, 'VpcNotFound');
    await fc2.deleteFunction(shared, 'f');
    await fc2.deleteService(shared);
  });

  test('the FC 3.0 SDK sees function f of service s as s$f, and cannot create that form itself', async () => {
    const fn = 'seen';
    await fc2.createFunction(svc, { functionName: fn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    const listed = await fc3.listFunctions(new $FC.ListFunctionsRequest({ prefix: `${svc}$` }));
    assert.ok(listed.body!.functions!.some((f) => f.functionName === `${svc}$${fn}`));
    const got = await fc3.getFunction(`${svc}$${fn}`, new $FC.GetFunctionRequest({}));
    assert.equal(got.body!.functionName, `${svc}$${fn}`);
    const r = await invoke(fc3, `${svc}$${fn}`, 'via-fc3');
    assert.equal(JSON.parse(r.body.toString()).echo, 'via-fc3');
    const refused = await rejectionOf(fc3.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(`${uniqueName('x')}$y`) })));
    assert.equal(refused.code, 'InvalidArgument');
  });

  test('errors: bad signature, stale date, unknown path, and a body in FC 2.0 format', async () => {
    const a = platform.defaultAccount;
    const wrong = createFc2Client({ endpoint, accountId: a.accountId, accessKeyId: a.accessKeyId, accessKeySecret: 'not-the-secret' });
    const e = await fc2Rejection(wrong.getService(svc));
    assert.equal(e.code, 'SignatureNotMatch');
    assert.match(e.message, /failed with 403/);
    const unknownKey = await fc2Rejection(createFc2Client({ endpoint, accountId: a.accountId, accessKeyId: 'LTAInope', accessKeySecret: 'x' }).listServices());
    assert.equal(unknownKey.code, 'InvalidAccessKeyID');
    const unknownPath = await fc2Rejection(fc2.get('/no-such-thing'));
    assert.equal(unknownPath.code, 'PathNotSupported');

    const raw = await fetch(`${endpoint}/2016-08-15/services/${svc}`, { headers: { date: new Date().toUTCString(), authorization: `FC ${a.accessKeyId}:AAAA` } });
    assert.equal(raw.status, 403);
    assert.match(raw.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await raw.json()) as Record<string, unknown>;
    assert.equal(body.ErrorCode, 'SignatureNotMatch');
    assert.equal(typeof body.ErrorMessage, 'string');
    assert.ok(raw.headers.get('x-fc-request-id'));
    const stale = await fetch(`${endpoint}/2016-08-15/services`, { headers: { date: new Date(Date.now() - 3_600_000).toUTCString(), authorization: `FC ${a.accessKeyId}:AAAA` } });
    assert.equal(((await stale.json()) as Record<string, unknown>).ErrorCode, 'InvalidTimeStamp');
  });

  test('an FC 2.0 signature covers its body through content-md5 and is refused outside /2016-08-15', async () => {
    const a = platform.defaultAccount;
    const signed = (method: string, path: string, body: string) => {
      const headers: Record<string, string> = {
        date: new Date().toUTCString(), 'content-type': 'application/octet-stream', 'x-fc-account-id': a.accountId,
        'content-md5': Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64'),
      };
      headers.authorization = `FC ${a.accessKeyId}:${computeFc2Signature(a.accessKeySecret, fc2StringToSign(method, path, headers, ''))}`;
      return headers;
    };
    const fn = 'md5-checked';
    await fc2.createFunction(svc, { functionName: fn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    const invokePath = `/2016-08-15/services/${svc}/functions/${fn}/invocations`;
    const headers = signed('POST', invokePath, 'original');
    const ok = await fetch(`${endpoint}${invokePath}`, { method: 'POST', headers, body: 'original' });
    assert.equal(ok.status, 200, await ok.clone().text());
    const swapped = await fetch(`${endpoint}${invokePath}`, { method: 'POST', headers, body: 'replaced' });
    assert.equal(swapped.status, 403);
    assert.equal(((await swapped.json()) as Record<string, unknown>).ErrorCode, 'SignatureNotMatch');
    const { 'content-md5': _md5, ...noMd5 } = signed('POST', invokePath, '');
    assert.equal((await fetch(`${endpoint}${invokePath}`, { method: 'POST', headers: noMd5, body: 'unsigned body' })).status, 403, 'a body without content-md5 is refused');
    const v3Path = '/2023-03-30/functions';
    const onV3 = await fetch(`${endpoint}${v3Path}`, { headers: signed('GET', v3Path, '') });
    assert.equal(onV3.status, 403);
    assert.equal(((await onV3.json()) as Record<string, unknown>).Code, 'SignatureNotMatch');
  });

  test('another account sees none of this account\'s services, and may not act in its name', async () => {
    const other = platform.accounts.createAccount();
    const theirs = createFc2Client({ endpoint, accountId: other.accountId, accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
    const listed = (await theirs.listServices({ prefix: svc })).data;
    assert.deepEqual(listed.services, []);
    assert.equal((await fc2Rejection(theirs.getService(svc))).code, 'ServiceNotFound');
    const posing = createFc2Client({ endpoint, accountId: platform.defaultAccount.accountId, accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
    assert.equal((await fc2Rejection(posing.getService(svc))).code, 'AccessDenied');
  });

  test('a RAM user is authorized on the ARN of the API it calls: services/s/functions/f for FC 2.0, functions/s$f for FC 3.0', async () => {
    const a = platform.defaultAccount;
    const cfg = new $OpenApiUtil.Config({ accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret, endpoint: endpoint.replace('http://', ''), protocol: 'http', readTimeout: 60_000, connectTimeout: 60_000 });
    const ram = new Ram(cfg);
    await fc2.createFunction(svc, { functionName: 'perm', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    async function userAllowedOn(resource: string) {
      const userName = uniqueName('u').replace(/-/g, '.');
      await ram.createUser(new $Ram.CreateUserRequest({ userName }));
      const policyName = uniqueName('p');
      await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName, policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'fc:GetFunction', Resource: resource }] }) }));
      await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyName, policyType: 'Custom', userName }));
      const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName }))).body!.accessKey!;
      return {
        v2: createFc2Client({ endpoint, accountId: a.accountId, accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! }),
        v3: createFcClient({ endpoint: endpoint.replace('http://', ''), accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! }),
      };
    }
    const fc2User = await userAllowedOn(`acs:fc:*:${a.accountId}:services/${svc}/functions/*`);
    assert.equal((await fc2User.v2.getFunction(svc, 'perm')).data.functionName, 'perm');
    assert.equal((await rejectionOf(fc2User.v3.getFunction(`${svc}$perm`, new $FC.GetFunctionRequest({})))).code, 'AccessDenied');
    assert.equal((await fc2Rejection(fc2User.v2.deleteFunction(svc, 'perm'))).code, 'AccessDenied');
    const fc3User = await userAllowedOn(`acs:fc:*:${a.accountId}:functions/${svc}$*`);
    assert.equal((await fc3User.v3.getFunction(`${svc}$perm`, new $FC.GetFunctionRequest({}))).body!.functionName, `${svc}$perm`);
    assert.equal((await fc2Rejection(fc3User.v2.getFunction(svc, 'perm'))).code, 'AccessDenied');
  });

  test('every FC 2.0 operation: refused to a RAM user without a policy, allowed by a policy on its action only, and invisible to another account', async () => {
    const a = platform.defaultAccount;
    const cfg = new $OpenApiUtil.Config({ accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret, endpoint: endpoint.replace('http://', ''), protocol: 'http', readTimeout: 60_000, connectTimeout: 60_000 });
    const ram = new Ram(cfg);
    // A service of its own: the allowed calls below really update, invoke and delete it.
    const scratch = uniqueName('matrix');
    await fc2.createService(scratch);
    await fc2.createFunction(scratch, { functionName: 'matrix', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    const routes = platform.routes.filter((r) => r.action.startsWith('FC2.'));
    assert.equal(routes.length, 12);
    const params: Record<string, string> = { serviceName: scratch, functionName: 'matrix' };
    const call = async (client: Fc2Client, route: { method: string; pattern: string }) => {
      const path = route.pattern.slice('/2016-08-15'.length).replace(/:(\w+)/g, (_, p: string) => params[p]!);
      const body = route.method === 'POST' || route.method === 'PUT' ? (route.pattern.endsWith('/invocations') ? 'x' : {}) : null;
      try {
        await client.request(route.method, path, null, body);
        return 'OK';
      } catch (e: unknown) {
        return (e as { code?: string }).code ?? String(e);
      }
    };
    async function userWith(action: string | undefined): Promise<Fc2Client> {
      const userName = uniqueName('m').replace(/-/g, '.');
      await ram.createUser(new $Ram.CreateUserRequest({ userName }));
      if (action) {
        const policyName = uniqueName('mp');
        await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName, policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: `acs:fc:*:${a.accountId}:*` }] }) }));
        await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyName, policyType: 'Custom', userName }));
      }
      const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName }))).body!.accessKey!;
      return createFc2Client({ endpoint, accountId: a.accountId, accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! });
    }
    const nobody = await userWith(undefined);
    for (const route of routes) assert.equal(await call(nobody, route), 'AccessDenied', route.action);
    for (const route of routes) {
      const action = `fc:${route.action.slice('FC2.'.length)}`;
      const only = await userWith(action);
      assert.notEqual(await call(only, route), 'AccessDenied', `${route.action} with its own policy`);
      for (const other of routes.filter((r) => r.action !== route.action)) {
        assert.equal(await call(only, other), 'AccessDenied', `${other.action} with ${route.action}'s policy`);
      }
    }
    const stranger = platform.accounts.createAccount();
    const theirs = createFc2Client({ endpoint, accountId: stranger.accountId, accessKeyId: stranger.accessKeyId, accessKeySecret: stranger.accessKeySecret });
    for (const route of routes.filter((r) => r.pattern.includes(':serviceName'))) {
      assert.equal(await call(theirs, route), 'ServiceNotFound', route.action);
    }
  });

  test('STS credentials of a role work, limited to what the role\'s policy allows on FC 2.0 resources', async () => {
    const a = platform.defaultAccount;
    const cfg = new $OpenApiUtil.Config({ accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret, endpoint: endpoint.replace('http://', ''), protocol: 'http', readTimeout: 60_000, connectTimeout: 60_000 });
    const ram = new Ram(cfg);
    const roleName = uniqueName('fc2role');
    const trust = { Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${a.accountId}:root`] } }] };
    await ram.createRole(new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: JSON.stringify(trust) }));
    const policyName = uniqueName('fc2pol');
    const statement = [{ Effect: 'Allow', Action: ['fc:GetService', 'fc:InvokeFunction'], Resource: [`acs:fc:*:${a.accountId}:services/${svc}`, `acs:fc:*:${a.accountId}:services/${svc}/functions/*`] }];
    await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName, policyDocument: JSON.stringify({ Version: '1', Statement: statement }) }));
    await ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyName, policyType: 'Custom', roleName }));
    const c = (await new Sts(cfg).assumeRole(new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${a.accountId}:role/${roleName}`, roleSessionName: 'fc2-test' }))).body!.credentials!;
    assert.match(c.accessKeyId!, /^STS\./);
    const temp = createFc2Client({ endpoint, accountId: a.accountId, accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! });

    assert.equal((await temp.getService(svc)).data.serviceName, svc);
    await fc2.createFunction(svc, { functionName: 'sts', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    assert.equal(JSON.parse(String((await temp.invokeFunction(svc, 'sts', 'as-role')).data)).echo, 'as-role');
    const denied = await fc2Rejection(temp.createService(uniqueName('nope')));
    assert.equal(denied.code, 'AccessDenied');
    assert.match(denied.message, /fc:CreateService on acs:fc:[\w-]+:\d+:services\//);
    assert.equal((await fc2Rejection(temp.listServices())).code, 'AccessDenied');
    const badToken = createFc2Client({ endpoint, accountId: a.accountId, accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: 'CAISnot-the-token' });
    assert.equal((await fc2Rejection(badToken.getService(svc))).code, 'InvalidSecurityToken');
  });
});

/**
 * Identity and access through the official SDKs: RAM (`@alicloud/ram20150501`) manages users,
 * keys, policies and roles; STS (`@alicloud/sts20150401`) hands out temporary credentials; FC
 * (`@alicloud/fc20230330`) calls are allowed exactly as far as the caller's policies say.
 */
import assert from 'node:assert/strict';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import StsModule, * as $Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { FakeClock } from '../../src/time/clock.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const interop = <T>(m: unknown): Ctor<T> => (typeof m === 'function' ? m : (m as { default: Ctor<T> }).default) as Ctor<T>;
const Ram = interop<RamModule.default>(RamModule);
const Sts = interop<StsModule.default>(StsModule);

interface Keys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

describe('RAM users, policies, roles and STS', () => {
  let platform: Platform;
  let endpoint: string;
  let root: Keys;
  let ram: RamModule.default;
  let rootFc: FCClient;
  const config = (k: Keys) => new $OpenApiUtil.Config({ ...k, endpoint, protocol: 'http', readTimeout: 60_000, connectTimeout: 60_000 });
  const fcAs = (k: Keys) => createFcClient({ endpoint, ...k });
  const prod = uniqueName('prod');
  const dev = uniqueName('dev');

  before(async () => {
    platform = await createTestPlatform({});
    endpoint = platform.endpoints.http!.replace('http://', '');
    root = { accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret };
    ram = new Ram(config(root));
    rootFc = fcAs(root);
    for (const name of [prod, dev]) await rootFc.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
  });
  after(() => platform.close());

  async function userWithPolicy(statement: unknown[] | undefined): Promise<Keys> {
    const userName = uniqueName('user').replace(/-/g, '.');
    await ram.createUser(new $Ram.CreateUserRequest({ userName, displayName: 'a test user' }));
    if (statement) {
      const policyName = uniqueName('pol');
      await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName, policyDocument: JSON.stringify({ Version: '1', Statement: statement }) }));
      await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyName, policyType: 'Custom', userName }));
    }
    const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName }))).body!.accessKey!;
    return { accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! };
  }

  test('the RAM SDK creates, lists, reads and deletes users, keys and policies', async () => {
    const userName = 'ops.alice';
    const made = await ram.createUser(new $Ram.CreateUserRequest({ userName, displayName: 'Alice' }));
    assert.deepEqual([made.body!.user!.userName, made.body!.user!.displayName], [userName, 'Alice']);
    assert.ok(made.body!.requestId);
    assert.ok((await ram.listUsers(new $Ram.ListUsersRequest({}))).body!.users!.user!.some((u) => u.userName === userName));
    const dup = await rejectionOf(ram.createUser(new $Ram.CreateUserRequest({ userName })));
    assert.equal(dup.code, 'EntityAlreadyExists');
    const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName }))).body!.accessKey!;
    assert.match(key.accessKeyId!, /^LTAI/);
    assert.equal((await ram.listAccessKeys(new $Ram.ListAccessKeysRequest({ userName }))).body!.accessKeys!.accessKey!.length, 1);
    await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: 'read-only', policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'fc:Get*', Resource: '*' }] }) }));
    await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyName: 'read-only', policyType: 'Custom', userName }));
    assert.deepEqual((await ram.listPoliciesForUser(new $Ram.ListPoliciesForUserRequest({ userName }))).body!.policies!.policy!.map((p) => p.policyName), ['read-only']);
    const inUse = await rejectionOf(ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: 'read-only' })));
    assert.equal(inUse.code, 'DeleteConflict');
    const bad = await rejectionOf(ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: 'broken', policyDocument: '{"Version":"1","Statement":[{"Effect":"Maybe"}]}' })));
    assert.equal(bad.code, 'InvalidArgument');
    await ram.detachPolicyFromUser(new $Ram.DetachPolicyFromUserRequest({ policyName: 'read-only', policyType: 'Custom', userName }));
    await ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: 'read-only' }));
    await ram.deleteAccessKey(new $Ram.DeleteAccessKeyRequest({ userName, userAccessKeyId: key.accessKeyId }));
    const gone = await rejectionOf(fcAs({ accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! }).listFunctions(new $FC.ListFunctionsRequest({})));
    assert.equal(gone.code, 'InvalidAccessKeyID', 'a deleted key no longer signs');
    await ram.deleteUser(new $Ram.DeleteUserRequest({ userName }));
    assert.equal((await rejectionOf(ram.getUser(new $Ram.GetUserRequest({ userName })))).code, 'EntityNotExist');
  });

  test('a RAM user without a policy is denied everything; its policy allows exactly what it says', async () => {
    const nobody = await userWithPolicy(undefined);
    for (const call of [() => fcAs(nobody).listFunctions(new $FC.ListFunctionsRequest({})), () => invoke(fcAs(nobody), prod), () => fcAs(nobody).getFunction(prod, new $FC.GetFunctionRequest({}))]) {
      const e = await rejectionOf(call());
      assert.deepEqual([e.statusCode, e.code], [403, 'AccessDenied']);
    }
    const invoker = await userWithPolicy([
      { Effect: 'Allow', Action: ['fc:InvokeFunction', 'fc:GetFunction'], Resource: `acs:fc:*:${platform.defaultAccount.accountId}:functions/prod-*` },
    ]);
    const fc = fcAs(invoker);
    assert.equal((await invoke(fc, prod, 'hi')).statusCode, 200);
    assert.equal((await fc.getFunction(prod, new $FC.GetFunctionRequest({}))).body!.functionName, prod);
    for (const call of [() => invoke(fc, dev), () => fc.deleteFunction(prod), () => fc.listFunctions(new $FC.ListFunctionsRequest({})), () => new Ram(config(invoker)).listUsers(new $Ram.ListUsersRequest({}))]) {
      const e = await rejectionOf(call());
      assert.deepEqual([e.statusCode, e.code], [403, 'AccessDenied']);
    }
  });

  test('an explicit Deny wins over an Allow, and conditions are checked', async () => {
    const user = await userWithPolicy([
      { Effect: 'Allow', Action: 'fc:*', Resource: '*' },
      { Effect: 'Deny', Action: 'fc:DeleteFunction', Resource: '*' },
      { Effect: 'Deny', Action: 'fc:InvokeFunction', Resource: '*', Condition: { Bool: { 'acs:SecureTransport': 'false' } } },
    ]);
    const fc = fcAs(user);
    assert.ok((await fc.listFunctions(new $FC.ListFunctionsRequest({}))).body!.functions!.length >= 2);
    assert.equal((await rejectionOf(fc.deleteFunction(dev))).code, 'AccessDenied');
    assert.equal((await rejectionOf(invoke(fc, dev))).code, 'AccessDenied', 'plain HTTP is not secure transport');
    const fromLoopbackOnly = await userWithPolicy([{ Effect: 'Allow', Action: 'fc:ListFunctions', Resource: '*', Condition: { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8'] } } }]);
    assert.equal((await rejectionOf(fcAs(fromLoopbackOnly).listFunctions(new $FC.ListFunctionsRequest({})))).code, 'AccessDenied', '127.0.0.1 is not in 10.0.0.0/8');
  });

  test('STS AssumeRole hands out temporary credentials that carry the role policy, narrowed by the session policy', async () => {
    const accountId = platform.defaultAccount.accountId;
    const roleName = uniqueName('role').replace(/-/g, '.');
    const trust = { Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${accountId}:root`] } }] };
    await ram.createRole(new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: JSON.stringify(trust), maxSessionDuration: 7200 }));
    await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: `${roleName.replace(/\./g, '-')}-p`, policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['fc:InvokeFunction', 'fc:ListFunctions'], Resource: '*' }] }) }));
    await ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyName: `${roleName.replace(/\./g, '-')}-p`, policyType: 'Custom', roleName }));
    const sts = new Sts(config(root));
    const roleArn = `acs:ram::${accountId}:role/${roleName}`;
    const assumed = (await sts.assumeRole(new $Sts.AssumeRoleRequest({ roleArn, roleSessionName: 'ci-job', durationSeconds: 900 }))).body!;
    const c = assumed.credentials!;
    assert.match(c.accessKeyId!, /^STS\./);
    assert.ok(Date.parse(c.expiration!) > Date.now());
    assert.equal(assumed.assumedRoleUser!.arn, `acs:ram::${accountId}:assumed-role/${roleName}/ci-job`);
    const temp = { accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! };
    const fc = createFcClient({ endpoint, ...temp });
    assert.equal((await invoke(fc, dev)).statusCode, 200);
    assert.equal((await rejectionOf(fc.deleteFunction(dev))).code, 'AccessDenied');
    const wrongToken = await rejectionOf(createFcClient({ endpoint, ...temp, securityToken: 'CAISnot-the-token' }).listFunctions(new $FC.ListFunctionsRequest({})));
    assert.deepEqual([wrongToken.statusCode, wrongToken.code], [403, 'InvalidSecurityToken']);
    const noToken = await rejectionOf(createFcClient({ endpoint, accessKeyId: temp.accessKeyId, accessKeySecret: temp.accessKeySecret }).listFunctions(new $FC.ListFunctionsRequest({})));
    assert.equal(noToken.code, 'InvalidSecurityToken');

    const narrowed = (await sts.assumeRole(new $Sts.AssumeRoleRequest({ roleArn, roleSessionName: 'narrow', policy: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'fc:ListFunctions', Resource: '*' }] }) }))).body!.credentials!;
    const nfc = createFcClient({ endpoint, accessKeyId: narrowed.accessKeyId!, accessKeySecret: narrowed.accessKeySecret!, securityToken: narrowed.securityToken! });
    assert.ok((await nfc.listFunctions(new $FC.ListFunctionsRequest({}))).body!.functions);
    assert.equal((await rejectionOf(invoke(nfc, dev))).code, 'AccessDenied', 'the session policy narrows the role');

    const tooLong = await rejectionOf(sts.assumeRole(new $Sts.AssumeRoleRequest({ roleArn, roleSessionName: 'x-long', durationSeconds: 7201 })));
    assert.equal(tooLong.code, 'InvalidArgument');
    const untrusting = uniqueName('closed').replace(/-/g, '.');
    await ram.createRole(new $Ram.CreateRoleRequest({ roleName: untrusting, assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }] }) }));
    const refused = await rejectionOf(sts.assumeRole(new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${accountId}:role/${untrusting}`, roleSessionName: 'nope' })));
    assert.equal(refused.code, 'AccessDenied');
  });

  test("another account's principals never see this account's users, roles or functions", async () => {
    const other = platform.accounts.createAccount();
    const otherRam = new Ram(config({ accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret }));
    assert.ok(!(await otherRam.listUsers(new $Ram.ListUsersRequest({}))).body!.users!.user!.some((u) => u.userName === 'ops.alice'));
    const sts = new Sts(config({ accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret }));
    const e = await rejectionOf(sts.assumeRole(new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${platform.defaultAccount.accountId}:role/anything`, roleSessionName: 'cross' })));
    assert.equal(e.code, 'EntityNotExist');
  });
});

test('temporary credentials are refused once they expire', async (t) => {
  const clock = new FakeClock(Date.now());
  const platform = await createTestPlatform({ clock });
  t.after(() => platform.close());
  const endpoint = platform.endpoints.http!.replace('http://', '');
  const root = { accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret };
  const cfg = (k: Keys) => new $OpenApiUtil.Config({ ...k, endpoint, protocol: 'http' });
  const ram = new Ram(cfg(root));
  const accountId = platform.defaultAccount.accountId;
  await ram.createRole(new $Ram.CreateRoleRequest({ roleName: 'short', assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${accountId}:root`] } }] }) }));
  await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: 'list', policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'fc:ListFunctions', Resource: '*' }] }) }));
  await ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyName: 'list', policyType: 'Custom', roleName: 'short' }));
  const c = (await new Sts(cfg(root)).assumeRole(new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${accountId}:role/short`, roleSessionName: 'brief', durationSeconds: 900 }))).body!.credentials!;
  const fc = createFcClient({ endpoint, accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! });
  assert.ok((await fc.listFunctions(new $FC.ListFunctionsRequest({}))).body!.functions);
  clock.advance(900 * 1000);
  const expired = await rejectionOf(fc.listFunctions(new $FC.ListFunctionsRequest({})));
  assert.deepEqual([expired.statusCode, expired.code], [403, 'InvalidSecurityToken']);
  assert.match(expired.message, /expired/);
});

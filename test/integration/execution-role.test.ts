/**
 * Execution roles: a function whose `role` names a role that trusts the FC service runs with that
 * role's temporary credentials, in its environment and in `context.credentials`; they work for
 * exactly what the role's policies allow. A function without a role gets none, and a role that
 * does not trust FC fails the invocation with a clear error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const Ram = ((m: unknown) => (typeof m === 'function' ? m : (m as { default: unknown }).default))(RamModule) as Ctor<RamModule.default>;

const SHOW_CREDENTIALS = {
  'index.js': `exports.handler = async (event, context) => JSON.stringify({
  context: context.credentials,
  env: { accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID, accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET, securityToken: process.env.ALIBABA_CLOUD_SECURITY_TOKEN },
});\n`,
};

describe('execution roles', () => {
  let platform: Platform;
  let endpoint: string;
  let fc: FCClient;
  let ram: RamModule.default;
  let accountId: string;

  before(async () => {
    platform = await createTestPlatform({});
    endpoint = platform.endpoints.http!.replace('http://', '');
    const root = { accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret };
    fc = createFcClient({ endpoint, ...root });
    ram = new Ram(new $OpenApiUtil.Config({ ...root, endpoint, protocol: 'http' }));
    accountId = platform.defaultAccount.accountId;
  });
  after(() => platform.close());

  async function role(name: string, principal: Record<string, string[]>, actions: string[]): Promise<string> {
    await ram.createRole(new $Ram.CreateRoleRequest({ roleName: name, assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal }] }) }));
    await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: `${name}-policy`, policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
    await ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyName: `${name}-policy`, policyType: 'Custom', roleName: name }));
    return `acs:ram::${accountId}:role/${name}`;
  }
  async function credentialsSeenBy(role?: string) {
    const name = uniqueName('role-fn');
    await fc.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, SHOW_CREDENTIALS, role ? { role } : {}) }));
    const r = await invoke(fc, name);
    return { name, r, seen: r.headers['x-fc-error-type'] ? undefined : (JSON.parse(r.body.toString()) as { context: Record<string, string>; env: Record<string, string | undefined> }) };
  }

  test("a function with a role gets the role's credentials, and they allow what the role allows and nothing more", async () => {
    const arn = await role('fn-reader', { Service: ['fc.aliyuncs.com'] }, ['fc:ListFunctions', 'fc:GetFunction']);
    const { name, seen } = await credentialsSeenBy(arn);
    assert.ok(seen);
    assert.match(seen.context.accessKeyId!, /^STS\./);
    assert.deepEqual(seen.env, seen.context, 'the environment carries the same credentials as context.credentials');
    const asRole = createFcClient({ endpoint, accessKeyId: seen.context.accessKeyId!, accessKeySecret: seen.context.accessKeySecret!, securityToken: seen.context.securityToken! });
    assert.ok((await asRole.listFunctions(new $FC.ListFunctionsRequest({}))).body!.functions!.some((f) => f.functionName === name));
    assert.equal((await rejectionOf(asRole.deleteFunction(name))).code, 'AccessDenied');
    assert.equal((await rejectionOf(invoke(asRole, name))).code, 'AccessDenied');
  });

  test('a RAM user may hand a role to a function only with ram:PassRole on it', async () => {
    const arn = await role('fn-passed', { Service: ['fc.aliyuncs.com'] }, ['fc:ListFunctions']);
    const user = uniqueName('deployer');
    await ram.createUser(new $Ram.CreateUserRequest({ userName: user }));
    const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: user }))).body!.accessKey!;
    const allow = async (policyName: string, statement: Record<string, unknown>) => {
      await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName, policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', ...statement }] }) }));
      await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyName, policyType: 'Custom', userName: user }));
    };
    await allow(`${user}-fc`, { Action: 'fc:*', Resource: '*' });
    const asUser = createFcClient({ endpoint, accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! });
    const name = uniqueName('passed');
    const withRole = async () => createFunctionInput(name, SHOW_CREDENTIALS, { role: arn });
    const refused = await rejectionOf(asUser.createFunction(new $FC.CreateFunctionRequest({ body: await withRole() })));
    assert.equal(refused.code, 'AccessDenied');
    assert.match(String(refused.data?.Message), /ram:PassRole/);
    await asUser.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, SHOW_CREDENTIALS) }));
    const update = () => asUser.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ role: arn }) }));
    assert.equal((await rejectionOf(update())).code, 'AccessDenied', 'fc:UpdateFunction alone does not reach the role');
    await allow(`${user}-pass`, { Action: 'ram:PassRole', Resource: arn });
    await update();
    assert.match((await credentialsSeenBy(arn)).seen!.context.accessKeyId!, /^STS\./);
  });

  test('a function without a role gets no credentials at all', async () => {
    const { seen } = await credentialsSeenBy();
    assert.deepEqual(seen!.context, { accessKeyId: '', accessKeySecret: '', securityToken: '' });
    assert.deepEqual(seen!.env, {});
  });

  test('a role that does not trust the FC service fails the invocation, saying why', async () => {
    const arn = await role('not-for-fc', { RAM: [`acs:ram::${accountId}:root`] }, ['fc:*']);
    const { r } = await credentialsSeenBy(arn);
    assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
    const body = JSON.parse(r.body.toString()) as { errorType: string; errorMessage: string };
    assert.equal(body.errorType, 'ExecutionRoleError');
    assert.match(body.errorMessage, /could not be assumed: the trust policy of role 'not-for-fc' does not allow fc\.aliyuncs\.com/);
  });
});

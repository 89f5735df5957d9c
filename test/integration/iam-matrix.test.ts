/**
 * The denial matrix: for every operation of the API, a RAM user without a policy is refused with
 * AccessDenied before anything happens, a user whose policy allows exactly that operation gets
 * past authorization, and a root key of another account never reaches this account's resources.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { signHeaders } from '../../src/iam/index.js';
import { fcActionFor } from '../../src/iam/policy/index.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient } from '../helpers/sdk.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const Ram = ((m: unknown) => (typeof m === 'function' ? m : (m as { default: unknown }).default))(RamModule) as Ctor<RamModule.default>;

/** Path parameters every route pattern may name. */
const PARAMS: Record<string, string> = {
  functionName: 'matrix-fn', instanceId: 'c-000000000000000000000000', taskId: 'no-task', vpcId: 'vpc-0000000000000000', qualifier: 'LATEST',
  layerName: 'layer', version: '1', triggerName: 'trig', aliasName: 'alias', domainName: 'example.com', arn: 'acs:fc:cn-local:1:layers/x/versions/1', packageKey: 'x',
  versionId: '1',
};

describe('authorization of every operation', () => {
  let platform: Platform;
  let endpoint: string;
  const keys: Record<'none' | 'root', { accessKeyId: string; accessKeySecret: string }> = {} as never;

  before(async () => {
    platform = await createTestPlatform({});
    endpoint = platform.endpoints.http!.replace('http://', '');
    keys.root = { accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret };
    await createFcClient({ endpoint, ...keys.root }).createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(PARAMS.functionName!) }));
    const ram = new Ram(new $OpenApiUtil.Config({ ...keys.root, endpoint, protocol: 'http' }));
    await ram.createUser(new $Ram.CreateUserRequest({ userName: 'nobody' }));
    const k = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'nobody' }))).body!.accessKey!;
    keys.none = { accessKeyId: k.accessKeyId!, accessKeySecret: k.accessKeySecret! };
  });
  after(() => platform.close());

  async function call(route: { method: string; pattern: string; action: string }, creds: { accessKeyId: string; accessKeySecret: string }): Promise<{ status: number; code?: string }> {
    const path = route.pattern.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(PARAMS[p] ?? 'x'));
    const body = route.method === 'GET' || route.method === 'DELETE' ? Buffer.alloc(0) : Buffer.from('{}');
    const headers = signHeaders({ ...creds, host: endpoint }, route.method, path, route.action, body, 'application/json');
    const res = await fetch(`http://${endpoint}${path}`, { method: route.method, headers, ...(body.length && { body }) });
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { Code?: string }).Code;
    } catch {
      code = undefined;
    }
    return { status: res.status, code };
  }

  // FC 2.0 routes (`FC2.*`) are signed and authorized their own way: test/integration/fc2.test.ts runs this matrix for them.
  const signed = () => platform.routes.filter((r) => !r.isPublic && r.action !== 'RPC' && !r.action.startsWith('FC2.'));

  test('covers every signed operation of the API', () => {
    assert.ok(signed().length >= 30, `${signed().length} operations`);
    for (const r of signed()) assert.doesNotThrow(() => fcActionFor(r.action, { region: 'cn-local', accountId: '1', ...PARAMS }), r.action);
  });

  test('a RAM user without a policy is refused every operation with AccessDenied', async () => {
    for (const route of signed()) {
      const r = await call(route, keys.none);
      assert.deepEqual([r.status, r.code], [403, 'AccessDenied'], `${route.action} ${route.method} ${route.pattern}`);
    }
  });

  test('a policy allowing exactly one operation lets that one past authorization and no other', async () => {
    const ram = new Ram(new $OpenApiUtil.Config({ ...keys.root, endpoint, protocol: 'http' }));
    const accountId = platform.defaultAccount.accountId;
    const routes = signed();
    for (const [i, route] of routes.entries()) {
      const userName = `only.${i}`;
      const { action } = fcActionFor(route.action, { region: platform.config.region, accountId, ...PARAMS });
      await ram.createUser(new $Ram.CreateUserRequest({ userName }));
      await ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: `only-${i}`, policyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: `acs:fc:*:${accountId}:*` }] }) }));
      await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyName: `only-${i}`, policyType: 'Custom', userName }));
      const k = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName }))).body!.accessKey!;
      const creds = { accessKeyId: k.accessKeyId!, accessKeySecret: k.accessKeySecret! };
      const allowed = await call(route, creds);
      assert.notEqual(allowed.code, 'AccessDenied', `${route.action} with its own policy: ${allowed.status} ${allowed.code}`);
      const other = routes[(i + 1) % routes.length]!;
      if (fcActionFor(other.action, { region: platform.config.region, accountId, ...PARAMS }).action !== action) {
        const denied = await call(other, creds);
        assert.equal(denied.code, 'AccessDenied', `${other.action} with ${route.action}'s policy`);
      }
      await ram.detachPolicyFromUser(new $Ram.DetachPolicyFromUserRequest({ policyName: `only-${i}`, policyType: 'Custom', userName }));
      await ram.deleteUser(new $Ram.DeleteUserRequest({ userName }));
    }
  });

  test("another account's root never reaches this account's function", async () => {
    const other = platform.accounts.createAccount();
    for (const route of signed().filter((r) => r.pattern.includes(':functionName'))) {
      const r = await call(route, { accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
      assert.ok(r.status === 404 || r.status === 400, `${route.action}: ${r.status} ${r.code}`);
      assert.notEqual(r.code, undefined);
    }
  });
});
void uniqueName;

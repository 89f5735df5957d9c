/**
 * Secrets stay out of every log: after a session that creates functions with secret environment
 * values, RAM users with keys, temporary credentials, refused requests and invocations, neither
 * the platform log (at debug level), nor the audit logs, nor anything else openfc wrote outside its
 * databases and credentials file contains any of those secrets. The control-plane audit records
 * who changed what, from where, including refused attempts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import StsModule, * as $Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { createLogger } from '../../src/observability/logger.js';
import { createTestPlatform } from '../../src/platform.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf } from '../helpers/sdk.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const classOf = <T>(m: unknown) => (typeof m === 'function' ? m : (m as { default: unknown }).default) as Ctor<T>;

/** Files that hold secrets by design (the databases, the credentials file, key material). */
const SECRET_STORES = [/openfc\.db/, /queue\.db/, /credentials\.json$/, /^secrets\//, /^tls\//, /^blobs\//, /^code\//];

function filesUnder(dir: string, root = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(abs, root);
    return e.isFile() ? [path.relative(root, abs)] : [];
  });
}

test('no secret reaches a log or the audit, and every change is audited with who, what and where', async (t) => {
  let platformLog = '';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-hygiene-'));
  const platform = await createTestPlatform({ dataDir, logger: createLogger({ level: 'debug', sink: { write: (l) => void (platformLog += l) } }) });
  t.after(async () => {
    await platform.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const endpoint = platform.endpoints.http!.replace('http://', '');
  const root = { accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret };
  const secrets: string[] = [root.accessKeySecret];
  const fc = createFcClient({ endpoint, ...root });

  const envSecret = 'db-password-' + 'Zq8'.repeat(8);
  secrets.push(envSecret);
  const name = uniqueName('hygiene');
  await fc.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, undefined, { environmentVariables: { DB_PASSWORD: envSecret } }) }));
  await fc.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ environmentVariables: { DB_PASSWORD: envSecret, OTHER: 'x' } }) }));
  assert.equal((await invoke(fc, name, 'hello')).statusCode, 200);

  const cfg = (k: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) => new $OpenApiUtil.Config({ ...k, endpoint, protocol: 'http' });
  const ram = new (classOf<RamModule.default>(RamModule))(cfg(root));
  await ram.createUser(new $Ram.CreateUserRequest({ userName: 'hygiene.user' }));
  const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'hygiene.user' }))).body!.accessKey!;
  secrets.push(key.accessKeySecret!);
  const refused = await rejectionOf(createFcClient({ endpoint, accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! }).deleteFunction(name));
  assert.equal(refused.code, 'AccessDenied');
  const forged = await rejectionOf(createFcClient({ endpoint, accessKeyId: root.accessKeyId, accessKeySecret: 'a-wrong-secret-of-some-length' }).deleteFunction(name));
  assert.equal(forged.code, 'SignatureNotMatch');
  const accountId = platform.defaultAccount.accountId;
  await ram.createRole(new $Ram.CreateRoleRequest({ roleName: 'hygiene.role', assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${accountId}:root`] } }] }) }));
  const c = (await new (classOf<StsModule.default>(StsModule))(cfg(root)).assumeRole(new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${accountId}:role/hygiene.role`, roleSessionName: 'hygiene' }))).body!.credentials!;
  secrets.push(c.accessKeySecret!, c.securityToken!);
  await rejectionOf(createFcClient({ endpoint, accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! }).listFunctions(new $FC.ListFunctionsRequest({})));

  await platform.close();
  const written = filesUnder(dataDir).filter((f) => !SECRET_STORES.some((re) => re.test(f)));
  assert.ok(written.some((f) => f.startsWith('audit/')), `audit files: ${written.join(', ')}`);
  for (const [where, text] of [['platform log', platformLog], ...written.map((f) => [f, fs.readFileSync(path.join(dataDir, f), 'utf8')] as const)] as const) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${where} contains a secret (${secret.slice(0, 4)}…)`);
  }

  const audit = fs.readFileSync(path.join(dataDir, 'audit', 'control-plane.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const calls = audit.filter((e) => e.event === 'api.call');
  const actions = calls.map((e) => `${e.action}:${e.status}`);
  for (const expected of ['CreateFunction:200', 'UpdateFunction:200', 'CreateUser:200', 'CreateAccessKey:200', 'CreateRole:200', 'AssumeRole:200', 'DeleteFunction:403']) {
    assert.ok(actions.includes(expected), `${expected} in ${actions.join(', ')}`);
  }
  assert.ok(!actions.some((a) => a.startsWith('InvokeFunction')), 'invocations are data plane, not audited here');
  const create = calls.find((e) => e.action === 'CreateFunction')!;
  assert.deepEqual([create.accountId, create.accessKeyId, create.principal, create.path], [accountId, root.accessKeyId, `acs:ram::${accountId}:root`, '/2023-03-30/functions']);
  assert.match(String(create.remoteAddress), /127\.0\.0\.1/);
  assert.ok(typeof create.time === 'string' && typeof create.requestId === 'string');
  const denied = calls.find((e) => e.status === 403 && e.code === 'AccessDenied')!;
  assert.equal(denied.principal, `acs:ram::${accountId}:user/hygiene.user`, 'a refusal names who was refused');
  assert.ok(calls.some((e) => e.code === 'SignatureNotMatch' && e.accessKeyId === root.accessKeyId), 'a forged request is on record with the key it claimed');
});

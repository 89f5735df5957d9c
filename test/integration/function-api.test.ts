/** The function control plane through the official FC 3.0 SDK against a real `openfc serve`. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { createZip } from '../../src/functions/index.js';
import { createTestPlatform } from '../../src/platform.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';
import { createFunctionInput, uniqueName, zipBase64 } from '../helpers/functions.js';
import { useServe, type ServeProcess } from '../helpers/serve-process.js';
import { buildRawZip, type RawZipEntry as RawEntry } from '../../src/functions/test-zip-writer.js';

describe('function API through the official SDK', () => {
  let serve: ServeProcess;
  let client: FCClient;
  useServe((s, c) => ((serve = s), (client = c)));

  test('CreateFunction returns the full Function model', async () => {
    const name = uniqueName();
    const r = await client.createFunction(new $FC.CreateFunctionRequest({
      body: await createFunctionInput(name, undefined, { memorySize: 256, timeout: 10, environmentVariables: { GREETING: 'hi' }, description: 'echo' }),
    }));
    const f = r.body!;
    assert.equal(r.statusCode, 200);
    assert.equal(f.functionName, name);
    assert.match(f.functionId!, /^[0-9a-f-]{36}$/);
    assert.equal(f.functionArn, `acs:fc:cn-local:${serve.credentials.accountId}:functions/${name}`);
    assert.match(f.codeChecksum!, /^\d+$/);
    assert.ok(f.codeSize! > 0);
    assert.match(f.createdTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(f.state, 'Active');
    assert.equal(f.lastUpdateStatus, 'Successful');
    assert.equal(f.memorySize, 256);
    assert.equal(f.timeout, 10);
    assert.equal(f.instanceConcurrency, 1);
    assert.equal(f.diskSize, 512);
    assert.equal(f.internetAccess, true);
    assert.deepEqual(f.environmentVariables, { GREETING: 'hi' });
  });

  test('GetFunction finds it and a second CreateFunction with the same name is FunctionAlreadyExists', async () => {
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const got = await client.getFunction(name, new $FC.GetFunctionRequest({}));
    assert.equal(got.body!.functionName, name);
    assert.equal(got.body!.runtime, 'nodejs20');
    const err = await rejectionOf(client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) })));
    assert.equal(err.code, 'FunctionAlreadyExists');
    assert.equal(err.statusCode, 409);
  });

  test('GetFunction of an unknown function is FunctionNotFound with a request id', async () => {
    const err = await rejectionOf(client.getFunction('does-not-exist', new $FC.GetFunctionRequest({})));
    assert.equal(err.code, 'FunctionNotFound');
    assert.equal(err.statusCode, 404);
    assert.match(String(err.data?.RequestId), /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  test('ListFunctions pages with limit and nextToken and filters by prefix', async () => {
    const prefix = uniqueName('ls');
    for (let i = 0; i < 5; i++) await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(`${prefix}-${i}`) }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.listFunctions(new $FC.ListFunctionsRequest({ prefix, limit: 2, nextToken }));
      assert.ok(page.body!.functions!.length <= 2);
      seen.push(...page.body!.functions!.map((f) => f.functionName!));
      nextToken = page.body!.nextToken;
    } while (nextToken);
    assert.deepEqual(seen, [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`));
  });

  test('UpdateFunction changes configuration and code, and invocations see the new code', async () => {
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': 'exports.handler = async () => "v1";' }) }));
    assert.equal((await invoke(client, name)).body.toString(), 'v1');
    const updated = await client.updateFunction(name, new $FC.UpdateFunctionRequest({
      body: new $FC.UpdateFunctionInput({ memorySize: 512, code: new $FC.InputCodeLocation({ zipFile: await zipBase64({ 'index.js': 'exports.handler = async () => "v2";' }) }) }),
    }));
    assert.equal(updated.body!.memorySize, 512);
    assert.equal(updated.body!.runtime, 'nodejs20', 'fields not sent are kept');
    assert.equal((await invoke(client, name)).body.toString(), 'v2');
    const configOnly = await client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ environmentVariables: { X: '1' } }) }));
    assert.equal(configOnly.body!.codeChecksum, updated.body!.codeChecksum);
  });

  test('DeleteFunction removes it', async () => {
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    await client.deleteFunction(name);
    assert.equal((await rejectionOf(client.getFunction(name, new $FC.GetFunctionRequest({})))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(client.deleteFunction(name))).code, 'FunctionNotFound');
  });

  test('GetFunctionCode returns a signed URL that serves exactly that package and nothing else', async () => {
    const name = uniqueName();
    const zip = await createZip({ 'index.js': 'exports.handler = async () => "code";' });
    await client.createFunction(new $FC.CreateFunctionRequest({ body: new $FC.CreateFunctionInput({ functionName: name, runtime: 'nodejs20', handler: 'index.handler', code: new $FC.InputCodeLocation({ zipFile: zip.toString('base64') }) }) }));
    const code = (await client.getFunctionCode(name, new $FC.GetFunctionCodeRequest({}))).body!;
    assert.match(code.checksum!, /^\d+$/);
    const res = await fetch(code.url!);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), zip);
    const tampered = code.url!.replace(/\/code\/([^.]+)\./, (_m, p: string) => `/code/${p.slice(0, -2)}${p.endsWith('AA') ? 'BB' : 'AA'}.`);
    const denied = await fetch(tampered);
    assert.equal(denied.status, 403);
    assert.equal(((await denied.json()) as { Code: string }).Code, 'AccessDenied');
  });
});

describe('function validation (reference §12)', () => {
  let serve: ServeProcess;
  let client: FCClient;
  useServe((s, c) => ((serve = s), (client = c)));

  const invalid: [string, Record<string, unknown>][] = [
    ['a name starting with a digit', { functionName: '1abc' }],
    ['a name longer than 64 characters', { functionName: 'a'.repeat(65) }],
    ['an unknown runtime', { runtime: 'cobol85' }],
    ['a runtime openfc cannot run yet', { runtime: 'java11' }],
    ['a handler without an export', { handler: 'index' }],
    ['a handler escaping the code dir', { handler: '../etc/passwd.x' }],
    ['timeout 0', { timeout: 0 }],
    ['timeout above 86400', { timeout: 86401 }],
    ['memory below 128 MB', { memorySize: 64 }],
    ['memory not a multiple of 64 MB', { memorySize: 200 }],
    ['a cpu:memory ratio above 1:4', { memorySize: 4096, cpu: 0.5 }],
    ['a cpu:memory ratio below 1:1', { memorySize: 1024, cpu: 2 }],
    ['cpu not a multiple of 0.05', { memorySize: 1024, cpu: 0.33 }],
    ['diskSize 1024', { diskSize: 1024 }],
    ['instanceConcurrency 201', { instanceConcurrency: 201 }],
    ['an environment variable with a bad name', { environmentVariables: { '1X': 'v' } }],
    ['an environment variable with the reserved FC_ prefix', { environmentVariables: { FC_NAME: 'v' } }],
    ['environment variables over 4 KB', { environmentVariables: { BIG: 'x'.repeat(4096) } }],
    ['an initializer timeout over 300 s', { instanceLifecycleConfig: { initializer: { handler: 'index.init', timeout: 301 } } }],
  ];
  for (const [what, override] of invalid) {
    test(`CreateFunction refuses ${what} with InvalidArgument`, async () => {
      const input = await createFunctionInput(uniqueName(), undefined);
      const body = Object.assign(input, override);
      const err = await rejectionOf(client.createFunction(new $FC.CreateFunctionRequest({ body })));
      assert.equal(err.code, 'InvalidArgument', err.message);
      assert.equal(err.statusCode, 400);
    });
  }

  test('UpdateFunction validates too and leaves the stored function unchanged', async () => {
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name) }));
    const err = await rejectionOf(client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ memorySize: 100 }) })));
    assert.equal(err.code, 'InvalidArgument');
    assert.equal((await client.getFunction(name, new $FC.GetFunctionRequest({}))).body!.memorySize, 128);
  });

  const malicious: [string, RawEntry[]][] = [
    ['a zip-slip entry', [{ name: 'index.js', data: 'x' }, { name: '../../../../escaped-by-zip-slip.txt', data: 'pwned' }]],
    ['an absolute path', [{ name: '/tmp/escaped-absolute.txt', data: 'pwned' }]],
    ['a symlink escaping the package', [{ name: 'link', data: '/etc', mode: 0o120777 }]],
    ['a write through a symlink', [{ name: 'up', data: '.', mode: 0o120777 }, { name: 'up/../../escaped-through-link.txt', data: 'pwned' }]],
  ];
  for (const [what, entries] of malicious) {
    test(`a code package with ${what} is InvalidArgument and nothing is written outside`, async () => {
      // Sandbox run dirs (run/) come and go with stem cells; everything else must stay put.
      const settledFiles = () => (fs.readdirSync(serve.dataDir, { recursive: true }) as string[]).filter((f) => !f.startsWith('run')).length;
      const before = settledFiles();
      const body = await createFunctionInput(uniqueName());
      body.code = new $FC.InputCodeLocation({ zipFile: buildRawZip(entries).toString('base64') });
      const err = await rejectionOf(client.createFunction(new $FC.CreateFunctionRequest({ body })));
      assert.equal(err.code, 'InvalidArgument', err.message);
      for (const f of ['escaped-by-zip-slip.txt', 'escaped-absolute.txt', 'escaped-through-link.txt']) {
        assert.equal(fs.existsSync(`/tmp/${f}`), false);
        assert.equal(fs.existsSync(`${serve.dataDir}/${f}`), false);
      }
      assert.ok(settledFiles() <= before + 1, 'no stray files in the data dir');
    });
  }

  test('a failed update leaves the function and its code as they were', async () => {
    const name = uniqueName();
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': 'exports.handler = async () => "intact";' }) }));
    const err = await rejectionOf(client.updateFunction(name, new $FC.UpdateFunctionRequest({
      body: new $FC.UpdateFunctionInput({ code: new $FC.InputCodeLocation({ zipFile: buildRawZip([{ name: '../evil', data: 'x' }]).toString('base64') }) }),
    })));
    assert.equal(err.code, 'InvalidArgument');
    assert.equal((await invoke(client, name)).body.toString(), 'intact');
  });

  test('a code package that is not a zip is InvalidArgument', async () => {
    const body = await createFunctionInput(uniqueName());
    body.code = new $FC.InputCodeLocation({ zipFile: Buffer.from('not a zip at all').toString('base64') });
    const err = await rejectionOf(client.createFunction(new $FC.CreateFunctionRequest({ body })));
    assert.equal(err.code, 'InvalidArgument');
  });
});

describe('code package limits', () => {
  test('a zip bomb stops at the configured unpacked limit with EntityTooLarge', async () => {
    await using platform = await createTestPlatform({ maxCodeUnpackedBytes: 8 * 1024 * 1024 });
    const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const body = await createFunctionInput(uniqueName());
    body.code = new $FC.InputCodeLocation({ zipFile: buildRawZip([{ name: 'zeros.bin', data: Buffer.alloc(64 * 1024 * 1024), deflate: true }]).toString('base64') });
    const err = await rejectionOf(client.createFunction(new $FC.CreateFunctionRequest({ body })));
    assert.equal(err.code, 'EntityTooLarge', err.message);
    assert.deepEqual(fs.readdirSync(`${platform.config.dataDir}/code`), [], 'nothing unpacked remains');
  });
});

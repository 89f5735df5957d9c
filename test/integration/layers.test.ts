/**
 * Layers through the official SDK: the seven layer operations, the credential scan of a layer
 * package, functions that `require` modules from their layers (process and linux drivers), the
 * first listed layer winning, read-only /opt, public and private layers across accounts, the
 * 5-layer limit, and functions that keep working after their layer version is deleted.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { crc64ecma, createZip } from '../../src/functions/index.js';
import { buildRawZip, file, symlink } from '../../src/functions/test-zip-writer.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { checkHost } from '../../src/sandbox/index.js';
import { createFunctionInput, uniqueName, zipBase64 } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

const FAKE_AK_ID = ['LTAI', '5tFAKEAKID0000000001'].join('');
const FAKE_AK_SECRET = ['fAkEsEcReT', '0123456789', 'AbCdEfGhIj'].join('');

/** A layer with module `greet` (says `word`) and module `shared` (says which layer it came from). */
function layerFiles(word: string, tag: string): Record<string, string> {
  return {
    'nodejs/node_modules/greet/index.js': `module.exports = () => ${JSON.stringify(word)};\n`,
    'nodejs/node_modules/shared/index.js': `module.exports = ${JSON.stringify(tag)};\n`,
    [`bin/tool-${tag}`]: '#!/bin/sh\necho tool\n',
  };
}

/** Requires modules found only through NODE_PATH, and reports what the instance sees of its layers. */
const LAYER_USER = {
  'index.js': `
const fs = require('fs');
exports.handler = async (event) => {
  const e = JSON.parse(event.toString() || '{}');
  const out = { greet: require('greet')(), shared: require('shared'), nodePath: process.env.NODE_PATH, path: process.env.PATH,
    pythonPath: process.env.PYTHONPATH, ldPath: process.env.LD_LIBRARY_PATH };
  if (e.write) { try { fs.writeFileSync(e.write, 'x'); out.write = 'ok'; } catch (err) { out.write = err.code; } }
  return out;
};
`,
};

async function publish(client: FCClient, name: string, files: Record<string, string>, extra: Record<string, unknown> = {}) {
  const r = await client.createLayerVersion(name, new $FC.CreateLayerVersionRequest({
    body: new $FC.CreateLayerVersionInput({ code: new $FC.InputCodeLocation({ zipFile: await zipBase64(files) }), compatibleRuntime: ['nodejs20'], ...extra }),
  }));
  return { layer: r.body!, headers: (r.headers ?? {}) as Record<string, string> };
}

function clientFor(platform: Platform, key: { accessKeyId: string; accessKeySecret: string }): FCClient {
  return createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), ...key });
}

async function invokeJson(client: FCClient, fn: string, payload: unknown = {}): Promise<Record<string, string>> {
  const r = await invoke(client, fn, JSON.stringify(payload));
  assert.equal(r.headers['x-fc-error-type'], undefined, r.body.toString());
  return JSON.parse(r.body.toString()) as Record<string, string>;
}

describe('layers on the process driver', () => {
  let platform: Platform;
  let client: FCClient;
  let other: FCClient;

  before(async () => {
    platform = await createTestPlatform({ sandbox: 'process', logger: createMemoryLogger() });
    client = clientFor(platform, platform.defaultAccount);
    other = clientFor(platform, platform.accounts.createAccount());
  });
  after(async () => {
    await platform?.close();
  });

  test('CreateLayerVersion returns the Layer model, numbers versions per layer and never reuses a number', async () => {
    const name = uniqueName('lay');
    const files = layerFiles('hello', 'a');
    const zip = await createZip(files);
    const { layer: v1 } = await publish(client, name, files, { description: 'first', license: 'Apache-2.0' });
    assert.equal(v1.layerName, name);
    assert.equal(v1.version, 1);
    assert.equal(v1.layerVersionArn, `acs:fc:${platform.config.region}:${platform.defaultAccount.accountId}:layers/${name}/versions/1`);
    assert.equal(v1.codeChecksum, crc64ecma(zip));
    assert.equal(v1.codeSize, zip.length);
    assert.equal(v1.acl, '0');
    assert.deepEqual(v1.compatibleRuntime, ['nodejs20']);
    assert.equal(v1.description, 'first');
    assert.equal(v1.license, 'Apache-2.0');
    assert.match(v1.createTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const download = await fetch(v1.code!.location!);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip);

    const { layer: v2 } = await publish(client, name, layerFiles('hello2', 'a'));
    assert.equal(v2.version, 2);
    await client.deleteLayerVersion(name, '2');
    const { layer: v3 } = await publish(client, name, layerFiles('hello3', 'a'));
    assert.equal(v3.version, 3, 'version 2 was deleted but its number is not reused');
  });

  test('GetLayerVersion, GetLayerVersionByArn (encoded ARN), ListLayerVersions and DeleteLayerVersion', async () => {
    const name = uniqueName('get');
    const { layer: v1 } = await publish(client, name, layerFiles('x', 'a'));
    await publish(client, name, layerFiles('y', 'a'));
    await publish(client, name, layerFiles('z', 'a'));

    const got = (await client.getLayerVersion(name, '2')).body!;
    assert.equal(got.version, 2);
    assert.equal(got.layerVersionArn, v1.layerVersionArn!.replace(/1$/, '2'));
    const byArn = (await client.getLayerVersionByArn(v1.layerVersionArn!)).body!;
    assert.equal(byArn.version, 1);
    assert.equal(byArn.codeChecksum, v1.codeChecksum);

    const page1 = (await client.listLayerVersions(name, new $FC.ListLayerVersionsRequest({ limit: 2 }))).body!;
    assert.deepEqual(page1.layers!.map((l) => l.version), [1, 2]);
    assert.equal(page1.nextVersion, 3);
    const page2 = (await client.listLayerVersions(name, new $FC.ListLayerVersionsRequest({ limit: 2, startVersion: String(page1.nextVersion) }))).body!;
    assert.deepEqual(page2.layers!.map((l) => l.version), [3]);
    assert.equal(page2.nextVersion, undefined);

    await client.deleteLayerVersion(name, '1');
    const gone = await rejectionOf(client.getLayerVersion(name, '1'));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.code, 'LayerVersionNotFound');
    assert.equal((await rejectionOf(client.getLayerVersionByArn(v1.layerVersionArn!))).code, 'LayerVersionNotFound');
    assert.equal((await rejectionOf(client.deleteLayerVersion(name, '1'))).code, 'LayerVersionNotFound');
    assert.equal((await rejectionOf(client.getLayerVersionByArn('not-an-arn'))).code, 'LayerVersionNotFound');
    assert.equal((await rejectionOf(client.getLayerVersion(name, 'abc'))).code, 'InvalidArgument');
  });

  test('ListLayers shows the newest version of each layer with prefix, limit and nextToken', async () => {
    const prefix = uniqueName('lst');
    for (const suffix of ['a', 'b', 'c']) await publish(client, `${prefix}-${suffix}`, layerFiles(suffix, suffix));
    await publish(client, `${prefix}-b`, layerFiles('b2', 'b'));
    const seen: { name: string; version: number }[] = [];
    let nextToken: string | undefined;
    do {
      const page = (await client.listLayers(new $FC.ListLayersRequest({ prefix, limit: 2, ...(nextToken && { nextToken }) }))).body!;
      assert.ok(page.layers!.length <= 2);
      seen.push(...page.layers!.map((l) => ({ name: l.layerName!, version: l.version! })));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(seen, [{ name: `${prefix}-a`, version: 1 }, { name: `${prefix}-b`, version: 2 }, { name: `${prefix}-c`, version: 1 }]);
    assert.deepEqual((await other.listLayers(new $FC.ListLayersRequest({ prefix }))).body!.layers, [], "another account does not see this account's private layers");
  });

  test('bad layer packages and fields are refused with InvalidArgument', async () => {
    const name = uniqueName('bad');
    const notZip = await rejectionOf(client.createLayerVersion(name, new $FC.CreateLayerVersionRequest({
      body: new $FC.CreateLayerVersionInput({ code: new $FC.InputCodeLocation({ zipFile: Buffer.from('not a zip').toString('base64') }) }),
    })));
    assert.equal(notZip.code, 'InvalidArgument');
    for (const evil of [[file('../escape.js', 'x')], [symlink('nodejs/out', '/etc/passwd')]]) {
      const refused = await rejectionOf(client.createLayerVersion(name, new $FC.CreateLayerVersionRequest({
        body: new $FC.CreateLayerVersionInput({ code: new $FC.InputCodeLocation({ zipFile: buildRawZip(evil).toString('base64') }) }),
      })));
      assert.equal(refused.code, 'InvalidArgument', 'zip-slip and escaping symlinks are refused as for function code');
    }
    assert.equal((await rejectionOf(publish(client, '9starts-with-digit', { 'a.txt': 'a' }))).code, 'InvalidArgument');
    assert.equal((await rejectionOf(client.createLayerVersion(name, new $FC.CreateLayerVersionRequest({ body: new $FC.CreateLayerVersionInput({}) })))).code, 'InvalidArgument');
    assert.equal((await rejectionOf(client.getLayerVersion(name, '1'))).code, 'LayerVersionNotFound', 'nothing was created');
  });

  test('a layer package with credentials in it is published with a warning header and audited', async () => {
    const name = uniqueName('leak');
    const { headers } = await publish(client, name, { 'nodejs/node_modules/cfg/index.js': `module.exports = { id: '${FAKE_AK_ID}', secret: '${FAKE_AK_SECRET}' };\n` });
    assert.match(headers['x-openfc-credential-warning'] ?? '', /nodejs\/node_modules\/cfg\/index\.js/);
    const audit = fs.readFileSync(path.join(platform.config.dataDir, 'audit', 'control-plane.log'), 'utf8');
    assert.match(audit, new RegExp(`"operation":"CreateLayerVersion".*"layerName":"${name}"|"layerName":"${name}".*"operation":"CreateLayerVersion"`));
    assert.ok(!audit.includes(FAKE_AK_SECRET), 'the secret itself is never written');
  });

  test('a Node function requires modules from its layers, the first listed layer wins, and the search paths point at them', async () => {
    const first = (await publish(client, uniqueName('first'), layerFiles('from-first', 'first'))).layer;
    const second = (await publish(client, uniqueName('second'), { ...layerFiles('from-second', 'second'), 'nodejs/node_modules/only2/index.js': 'module.exports = 2;\n' })).layer;
    const fn = uniqueName('uses');
    const created = (await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(fn, LAYER_USER, { layers: [first.layerVersionArn, second.layerVersionArn] }) }))).body!;
    assert.deepEqual(created.layers!.map((l) => ({ arn: l.arn, size: l.size })), [{ arn: first.layerVersionArn, size: first.codeSize }, { arn: second.layerVersionArn, size: second.codeSize }]);
    const out = await invokeJson(client, fn);
    assert.equal(out.greet, 'from-first');
    assert.equal(out.shared, 'first', 'where both layers have a file, the first listed wins');
    const opt = out.nodePath!.split(':').at(-1)!.replace(/\/nodejs\/node_modules$/, '');
    assert.match(out.nodePath!, new RegExp(`${opt}/nodejs/node20/node_modules:${opt}/nodejs/node_modules$`));
    assert.equal(out.pythonPath, `${opt}/python`);
    assert.ok(out.path!.endsWith(`${opt}/bin`));
    assert.ok(out.ldPath!.endsWith(`${opt}/lib`));
    assert.ok(fs.existsSync(path.join(opt, 'bin', 'tool-first')) && fs.existsSync(path.join(opt, 'bin', 'tool-second')), 'directories of both layers merge');
    assert.equal(fs.readFileSync(path.join(opt, 'nodejs/node_modules/only2/index.js'), 'utf8'), 'module.exports = 2;\n');

    const got = (await client.getFunction(fn, new $FC.GetFunctionRequest({}))).body!;
    assert.deepEqual(got.layers!.map((l) => l.arn), [first.layerVersionArn, second.layerVersionArn]);
  });

  test('more than 5 layers, unknown layers and the same layer twice are refused', async () => {
    const { layer } = await publish(client, uniqueName('many'), layerFiles('m', 'm'));
    const arns = Array.from({ length: 6 }, (_, i) => layer.layerVersionArn!.replace(/\d+$/, String(i + 1)));
    const tooMany = await rejectionOf(client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(uniqueName('six'), LAYER_USER, { layers: arns }) })));
    assert.equal(tooMany.code, 'InvalidArgument');
    assert.match(tooMany.message, /at most 5 layers/);
    const missing = await rejectionOf(client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(uniqueName('miss'), LAYER_USER, { layers: [layer.layerVersionArn!.replace(/\d+$/, '99')] }) })));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'LayerVersionNotFound');
    const twice = await rejectionOf(client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(uniqueName('twice'), LAYER_USER, { layers: [layer.layerVersionArn, layer.layerVersionArn] }) })));
    assert.equal(twice.code, 'InvalidArgument');
  });

  test('another account can use a public layer but not a private one, and keeps it after it turns private', async () => {
    const name = uniqueName('pub');
    const { layer } = await publish(client, name, layerFiles('shared-hello', 'pub'));
    const fn = uniqueName('theirs');
    const input = await createFunctionInput(fn, LAYER_USER, { layers: [layer.layerVersionArn] });
    const denied = await rejectionOf(other.createFunction(new $FC.CreateFunctionRequest({ body: input })));
    assert.equal(denied.statusCode, 404);
    assert.equal(denied.code, 'LayerVersionNotFound');
    assert.equal((await rejectionOf(other.getLayerVersionByArn(layer.layerVersionArn!))).code, 'LayerVersionNotFound');

    await client.putLayerACL(name, new $FC.PutLayerACLRequest({ public: 'true' }));
    assert.equal((await client.getLayerVersion(name, '1')).body!.acl, '1');
    assert.equal((await other.getLayerVersionByArn(layer.layerVersionArn!)).body!.layerName, name);
    const publicList = (await other.listLayers(new $FC.ListLayersRequest({ public: 'true', prefix: name }))).body!;
    assert.deepEqual(publicList.layers!.map((l) => l.layerVersionArn), [layer.layerVersionArn]);
    await other.createFunction(new $FC.CreateFunctionRequest({ body: input }));
    assert.equal((await invokeJson(other, fn)).greet, 'shared-hello');

    await client.putLayerACL(name, new $FC.PutLayerACLRequest({ acl: '0' }));
    assert.equal((await rejectionOf(other.getLayerVersionByArn(layer.layerVersionArn!))).code, 'LayerVersionNotFound');
    await other.updateFunction(fn, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ description: 'new revision, new instance' }) }));
    assert.equal((await invokeJson(other, fn)).greet, 'shared-hello', 'the function keeps the layer it was deployed with');
    assert.equal((await rejectionOf(client.putLayerACL(uniqueName('none'), new $FC.PutLayerACLRequest({ public: 'true' })))).code, 'LayerVersionNotFound');
  });

  test('deleting a layer version after deploy keeps the function working', async () => {
    const name = uniqueName('del');
    const { layer } = await publish(client, name, layerFiles('still-here', 'del'));
    const fn = uniqueName('keeps');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(fn, LAYER_USER, { layers: [layer.layerVersionArn] }) }));
    await client.deleteLayerVersion(name, '1');
    await client.updateFunction(fn, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ description: 'new revision, new instance' }) }));
    assert.equal((await invokeJson(client, fn)).greet, 'still-here');
    assert.equal((await client.getFunction(fn, new $FC.GetFunctionRequest({}))).body!.layers![0]!.arn, layer.layerVersionArn);
    const resent = await rejectionOf(client.updateFunction(fn, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ layers: [layer.layerVersionArn!] }) })));
    assert.equal(resent.code, 'LayerVersionNotFound', 'naming the deleted version again in a new deploy is refused');
    await client.updateFunction(fn, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ layers: [] }) }));
    assert.deepEqual((await client.getFunction(fn, new $FC.GetFunctionRequest({}))).body!.layers, []);
  });
});

const host = checkHost();
const linuxSkip = host.isUsable ? false : `the Linux driver cannot run here: ${host.problems.join('; ')}`;

describe('layers on the linux driver', { skip: linuxSkip }, () => {
  let platform: Platform;
  let client: FCClient;

  before(async () => {
    platform = await createTestPlatform({ sandbox: 'linux', logger: createMemoryLogger() });
    client = clientFor(platform, platform.defaultAccount);
  });
  after(async () => {
    await platform?.close();
  });

  test('a Node function requires a module from its layers at /opt, the first listed wins, and /opt is read-only', async () => {
    const first = (await publish(client, uniqueName('lfirst'), layerFiles('linux-first', 'first'))).layer;
    const second = (await publish(client, uniqueName('lsecond'), layerFiles('linux-second', 'second'))).layer;
    const fn = uniqueName('luses');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(fn, LAYER_USER, { layers: [first.layerVersionArn, second.layerVersionArn], internetAccess: false }) }));
    const out = await invokeJson(client, fn, { write: '/opt/nodejs/new-file' });
    assert.equal(out.greet, 'linux-first');
    assert.equal(out.shared, 'first');
    assert.equal(out.nodePath, '/usr/local/lib/node_modules:/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules');
    assert.equal(out.pythonPath, '/opt/python');
    assert.ok(out.path!.endsWith(':/code:/code/bin:/opt/bin'));
    assert.equal(out.ldPath, '/code:/code/lib:/usr/local/lib:/opt/lib');
    assert.equal(out.write, 'EROFS');
  });
});

/**
 * Credential scanning on deploy through the official SDK: `warn` answers with a header and records
 * the find (log and control-plane audit, never the secret), `refuse` answers 400 CredentialsInCode
 * and stores nothing, `off` does not look.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { ECHO_FUNCTION, createFunctionInput, uniqueName, zipBase64 } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

// Fakes are assembled at run time, so this file holds no credential-shaped literal of its own.
const FAKE_AK_ID = ['LTAI', '5tFAKEAKID0000000001'].join('');
const FAKE_AK_SECRET = ['fAkEsEcReT', '0123456789', 'AbCdEfGhIj'].join('');
const LEAKY_CODE = {
  'index.js': 'exports.handler = async () => "v2";\n',
  'lib/config.js': `module.exports = {\n  accessKeyId: '${FAKE_AK_ID}',\n  accessKeySecret: '${FAKE_AK_SECRET}',\n};\n`,
};
const WARNING = 'x-openfc-credential-warning';

async function startWith(options: Parameters<typeof createTestPlatform>[0]) {
  const logger = createMemoryLogger();
  const platform = await createTestPlatform({ logger, ...options });
  const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
  const auditFile = path.join(platform.config.dataDir, 'audit', 'control-plane.log');
  const audit = () => (fs.existsSync(auditFile) ? fs.readFileSync(auditFile, 'utf8') : '');
  const auditEntries = () => audit().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  /** Every file (not directory) under blobs/ and code/, to show that a refused deploy stored nothing. */
  const storedFiles = () => ['blobs', 'code'].flatMap((d) => {
    const dir = path.join(platform.config.dataDir, d);
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => !fs.lstatSync(path.join(dir, f)).isDirectory()).map((f) => `${d}/${f}`);
  }).sort();
  return { platform, client, logger, audit, auditEntries, storedFiles };
}

const create = async (client: FCClient, name: string, files: Record<string, string>, extra: Record<string, unknown> = {}) =>
  client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, files, extra) }));
const updateCode = async (client: FCClient, name: string, files: Record<string, string>) =>
  client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ code: new $FC.InputCodeLocation({ zipFile: await zipBase64(files) }) }) }));

describe('credential scan: warn (the default)', () => {
  let s: Awaited<ReturnType<typeof startWith>>;
  before(async () => (s = await startWith({})));
  after(() => s.platform.close());

  test('a deploy with an AccessKey in its code succeeds with a warning header naming file, line and kind, and no secret', async () => {
    const name = uniqueName('cs');
    const res = await create(s.client, name, LEAKY_CODE);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers![WARNING], '2 finding(s): lib/config.js:2 alibaba-access-key-id LTAI****, lib/config.js:3 alibaba-access-key-secret ****');
    assert.equal((await s.client.getFunction(name, new $FC.GetFunctionRequest({}))).body!.functionName, name, 'the function was created');

    const logged = s.logger.entries.filter((e) => e.msg === 'credentials found in a deploy');
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.level, 'warn');
    assert.equal(logged[0]!.functionName, name);
    assert.equal(logged[0]!.outcome, 'warned');
    const audited = s.auditEntries().filter((e) => e.event === 'credentials.found' && e.functionName === name);
    assert.equal(audited.length, 1);
    assert.equal(audited[0]!.accountId, s.platform.defaultAccount.accountId);
    assert.equal(audited[0]!.operation, 'CreateFunction');
    assert.deepEqual(audited[0]!.findings, [
      { location: 'lib/config.js', line: 2, kind: 'alibaba-access-key-id', masked: 'LTAI****' },
      { location: 'lib/config.js', line: 3, kind: 'alibaba-access-key-secret', masked: '****' },
    ]);
    for (const [where, text] of [['log', JSON.stringify(s.logger.entries)], ['audit', s.audit()]] as const) {
      assert.ok(!text.includes(FAKE_AK_ID) && !text.includes(FAKE_AK_ID.slice(4)) && !text.includes(FAKE_AK_SECRET), `no secret in the ${where}`);
    }
  });

  test('UpdateFunction with leaky code warns the same way; a clean deploy has no header', async () => {
    const name = uniqueName('cs');
    const clean = await create(s.client, name, { 'index.js': 'exports.handler = async () => "v1";' });
    assert.equal(clean.headers![WARNING], undefined);
    const res = await updateCode(s.client, name, LEAKY_CODE);
    assert.equal(res.statusCode, 200);
    assert.match(res.headers![WARNING]!, /^2 finding\(s\): lib\/config.js:2 alibaba-access-key-id/);
    assert.equal((await invoke(s.client, name)).body.toString(), 'v2', 'the update took effect');
    assert.ok(s.auditEntries().some((e) => e.event === 'credentials.found' && e.functionName === name && e.operation === 'UpdateFunction'));
  });

  test('credentials in environment variables are found by value and by name', async () => {
    const name = uniqueName('cs');
    const res = await create(s.client, name, ECHO_FUNCTION, { environmentVariables: { GREETING: 'hi', DB_PASSWORD: FAKE_AK_SECRET } });
    assert.equal(res.headers![WARNING], '1 finding(s): environmentVariables.DB_PASSWORD alibaba-access-key-secret ****');
    const updated = await s.client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ environmentVariables: { AK: FAKE_AK_ID } }) }));
    assert.equal(updated.headers![WARNING], '1 finding(s): environmentVariables.AK alibaba-access-key-id LTAI****');
    const untouched = await s.client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ memorySize: 256 }) }));
    assert.equal(untouched.headers![WARNING], undefined, 'only what the request sends is scanned');
  });
});

describe('credential scan: refuse', () => {
  let s: Awaited<ReturnType<typeof startWith>>;
  before(async () => (s = await startWith({ credentialScan: 'refuse' })));
  after(() => s.platform.close());

  test('CreateFunction with credentials in its code is 400 CredentialsInCode naming file and line, and nothing is stored', async () => {
    const name = uniqueName('cs');
    const before = s.storedFiles();
    const err = await rejectionOf(create(s.client, name, LEAKY_CODE));
    assert.equal(err.code, 'CredentialsInCode');
    assert.equal(err.statusCode, 400);
    assert.match(String(err.data?.Message), /lib\/config.js:2 alibaba-access-key-id LTAI\*\*\*\*, lib\/config.js:3 alibaba-access-key-secret \*\*\*\*/);
    assert.ok(!String(err.data?.Message).includes(FAKE_AK_SECRET));
    assert.equal((await rejectionOf(s.client.getFunction(name, new $FC.GetFunctionRequest({})))).code, 'FunctionNotFound');
    assert.deepEqual(s.storedFiles(), before, 'no blob and no unpacked code left behind');
    const audited = s.auditEntries().filter((e) => e.functionName === name);
    assert.deepEqual(audited.map((e) => [e.event, e.outcome]), [['credentials.found', 'refused']]);
  });

  test('a refused UpdateFunction leaves the previous version intact', async () => {
    const name = uniqueName('cs');
    const v1 = (await create(s.client, name, { 'index.js': 'exports.handler = async () => "v1";' })).body!;
    assert.equal((await invoke(s.client, name)).body.toString(), 'v1');
    const before = s.storedFiles();
    const err = await rejectionOf(updateCode(s.client, name, LEAKY_CODE));
    assert.equal(err.code, 'CredentialsInCode');
    assert.deepEqual(s.storedFiles(), before);
    const now = (await s.client.getFunction(name, new $FC.GetFunctionRequest({}))).body!;
    assert.equal(now.codeChecksum, v1.codeChecksum);
    assert.equal(now.lastModifiedTime, v1.lastModifiedTime);
    assert.equal((await invoke(s.client, name)).body.toString(), 'v1');
  });

  test('credentials in environment variables are refused too, before any code is stored', async () => {
    const name = uniqueName('cs');
    const before = s.storedFiles();
    const err = await rejectionOf(create(s.client, name, { 'index.js': `exports.handler = async () => ${Date.now()};` }, { environmentVariables: { ALIBABA_CLOUD_ACCESS_KEY_SECRET: FAKE_AK_SECRET } }));
    assert.equal(err.code, 'CredentialsInCode');
    assert.match(String(err.data?.Message), /environmentVariables.ALIBABA_CLOUD_ACCESS_KEY_SECRET alibaba-access-key-secret \*\*\*\*/);
    assert.deepEqual(s.storedFiles(), before);
    assert.equal((await rejectionOf(s.client.getFunction(name, new $FC.GetFunctionRequest({})))).code, 'FunctionNotFound');
  });
});

describe('credential scan: off', () => {
  let s: Awaited<ReturnType<typeof startWith>>;
  before(async () => (s = await startWith({ credentialScan: 'off' })));
  after(() => s.platform.close());

  test('nothing is scanned: no header, no log line, no audit entry', async () => {
    const name = uniqueName('cs');
    const res = await create(s.client, name, LEAKY_CODE, { environmentVariables: { DB_PASSWORD: FAKE_AK_SECRET } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers![WARNING], undefined);
    assert.equal(s.logger.entries.filter((e) => e.msg === 'credentials found in a deploy').length, 0);
    assert.equal(s.auditEntries().filter((e) => e.event === 'credentials.found').length, 0);
  });

  test('OPENFC_CREDENTIAL_SCAN sets the mode, and a bad value stops start-up', async () => {
    const { resolveConfig } = await import('../../src/config/index.js');
    assert.equal(resolveConfig({}, { OPENFC_CREDENTIAL_SCAN: 'refuse' }).credentialScan, 'refuse');
    assert.equal(resolveConfig({}, {}).credentialScan, 'warn');
    assert.throws(() => resolveConfig({}, { OPENFC_CREDENTIAL_SCAN: 'loud' }), /credentialScan must be one of warn, refuse, off/);
  });
});

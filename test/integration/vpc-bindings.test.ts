/**
 * VPC-only access: openfc's endpoint inside each VPC, OPENFC_API_ENDPOINT, and VPC bindings.
 * Binding CRUD and validation go through the official SDK. On the linux driver, instances of VPC
 * functions call openfc's API through their VPC's endpoint, signing ACS3 by hand with their
 * execution role's credentials. Every packet stays on bridges openfc creates for this test, in
 * namespaces this test creates, or on loopback: VPC-only instances have no default route.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { callFc } from '../../src/cli/fc-client.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { checkHost } from '../../src/sandbox/index.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { createFc2Client, fc2Rejection } from '../helpers/fc2-sdk.js';
import { Readable } from 'node:stream';
import { $dara, $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';
import { networkSnapshot } from '../helpers/net-diagnostics.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const Ram = ((m: unknown) => (typeof m === 'function' ? m : (m as { default: unknown }).default))(RamModule) as Ctor<RamModule.default>;

const host = checkHost();
/**
 * An openfc from before VPC endpoints, running on this machine at the same time, rejects traffic
 * from every openfc interface to the host (`iifname "ofc*" reject` in its own table; an accept in
 * ours cannot overrule it), so no VPC endpoint of ours is reachable while it runs.
 */
function olderOpenfcOnThisHost(): string | undefined {
  try {
    const rules = execFileSync('nft', ['list', 'ruleset'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return rules.includes('iifname "ofc*" reject') ? 'an older openfc running on this machine rejects all instance traffic to the host (its nftables table has iifname "ofc*" reject)' : undefined;
  } catch {
    return undefined;
  }
}
const networkSkip = host.isUsable && host.hasNetworking ? (olderOpenfcOnThisHost() ?? false) : `the linux driver cannot wire networks here: ${host.problems.join('; ')}`;

interface Vpc {
  vpcId: string;
  gatewayIp: string;
  bridge?: string;
  endpoint?: string;
}

/**
 * A caller inside a VPC. {call: name, type?} invokes `name` through OPENFC_API_ENDPOINT, signed
 * ACS3-HMAC-SHA256 by hand with the execution role's credentials; {probe: url} is a plain GET;
 * {env: true} shows OPENFC_API_ENDPOINT. A probe is bounded by 3 s of silence; a call by 12 s, since
 * the function it invokes may have to start cold on a busy machine (the caller's own timeout is 15 s).
 */
const CALLER = `const crypto = require('crypto'); const http = require('http');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
function request(url, method, headers, body, idleMs = 3000) {
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers, timeout: idleMs }, (res) => {
      const chunks = []; res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, errorType: res.headers['x-fc-error-type'], body: Buffer.concat(chunks).toString() }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => resolve({ blocked: e.code || e.name }));
    req.end(body);
  });
}
exports.handler = async (event) => {
  const e = JSON.parse(event.toString());
  if (e.env) return JSON.stringify({ endpoint: process.env.OPENFC_API_ENDPOINT || null });
  if (e.probe) return JSON.stringify(await request(e.probe, 'GET', {}, undefined));
  const url = new URL('/2023-03-30/functions/' + e.call + '/invocations', process.env.OPENFC_API_ENDPOINT);
  const body = Buffer.from(e.payload || 'ping');
  const h = {
    host: url.host, 'content-type': 'application/octet-stream',
    'x-acs-action': 'InvokeFunction', 'x-acs-version': '2023-03-30',
    'x-acs-date': new Date().toISOString().replace(/\\.\\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': crypto.randomBytes(16).toString('hex'),
    'x-acs-content-sha256': sha256(body),
    'x-acs-accesskey-id': process.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    'x-acs-security-token': process.env.ALIBABA_CLOUD_SECURITY_TOKEN,
  };
  const names = Object.keys(h).sort();
  const canonical = ['POST', url.pathname, '', names.map((n) => n + ':' + String(h[n]).trim() + '\\n').join(''), names.join(';'), h['x-acs-content-sha256']].join('\\n');
  const signature = crypto.createHmac('sha256', process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET).update('ACS3-HMAC-SHA256\\n' + sha256(canonical)).digest('hex');
  h.authorization = 'ACS3-HMAC-SHA256 Credential=' + h['x-acs-accesskey-id'] + ',SignedHeaders=' + names.join(';') + ',Signature=' + signature;
  h['x-fc-invocation-type'] = e.type || 'Sync';
  return JSON.stringify(await request(url, 'POST', h, body, 12000));
};\n`;

const TARGET = { 'index.js': `exports.handler = async (event) => 'target got ' + event.toString();\n` };

interface CallResult {
  status?: number;
  errorType?: string;
  body?: string;
  blocked?: string;
}

/** Runs a Node script in a test-made namespace; resolves to its stdout (bounded by `-e`'s own 3 s fetch timeout and a 10 s kill). */
function inNamespace(ns: string, script: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { timeout: 10_000 }, (err, out, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(out.trim()))),
  );
}

const OPENFC_BIN = fileURLToPath(new URL('../../bin/openfc.js', import.meta.url));

/** Runs the real `openfc` binary (bounded: killed after 60 s); resolves to its exit code and output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [OPENFC_BIN, ...args], { timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

function ip(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('ip', args, (err, _o, stderr) => (err ? reject(new Error(`ip ${args.join(' ')}: ${stderr}`)) : resolve())));
}

/** A test-made namespace joined to the VPC's bridge at `address`: a registered member of the VPC. */
async function createMember(vpc: Vpc, address: string, prefix: number): Promise<{ ns: string; close(): Promise<void> }> {
  const ns = `ofctest-mb-${process.pid % 100000}`;
  const veth = `${vpc.bridge}m`;
  await ip(['netns', 'del', ns]).catch(() => undefined);
  await ip(['netns', 'add', ns]);
  const close = () => ip(['netns', 'del', ns]).catch(() => undefined);
  try {
    await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await ip(['link', 'set', veth, 'master', vpc.bridge!, 'up']);
    await ip(['-n', ns, 'addr', 'add', `${address}/${prefix}`, 'dev', 'eth0']);
    await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
  } catch (e: unknown) {
    await close();
    throw e;
  }
  return { ns, close };
}

/** A GET of `url` as a one-line Node script: prints the status, or `blocked:<code>`. */
const probeScript = (url: string) =>
  `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }).then((r) => console.log(r.status), (e) => console.log('blocked:' + ((e.cause && e.cause.code) || e.name)))`;

describe('VPC bindings', () => {
  let platform: Platform;
  let a: FCClient;
  let b: FCClient;
  let ram: RamModule.default;
  let accountId: string;

  const createVpc = (client: FCClient, cidrBlock: string) => callFc(client, { action: 'CreateVpc', method: 'POST', pathname: '/2023-03-30/vpcs', body: { cidrBlock } }) as Promise<Vpc>;
  const getVpc = (client: FCClient, id: string) => callFc(client, { action: 'GetVpc', method: 'GET', pathname: `/2023-03-30/vpcs/${id}` }) as Promise<Vpc>;
  const deleteVpc = (client: FCClient, id: string) => callFc(client, { action: 'DeleteVpc', method: 'DELETE', pathname: `/2023-03-30/vpcs/${id}` });
  const bind = (client: FCClient, fn: string, vpcId?: string) => client.createVpcBinding(fn, new $FC.CreateVpcBindingRequest({ body: new $FC.CreateVpcBindingInput(vpcId === undefined ? {} : { vpcId }) }));
  const bindings = async (client: FCClient, fn: string) => (await client.listVpcBindings(fn)).body!.vpcIds ?? [];
  const deploy = async (client: FCClient, key: string, files: Record<string, string>, extra: Record<string, unknown> = {}) => {
    const name = uniqueName(key);
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, files, { timeout: 15, ...extra }) }));
    return name;
  };

  before(async () => {
    // Instances stay thawed while the test drives them; the endpoints take free ports.
    platform = await createTestPlatform({ vpcEndpointPort: 0, freezeAfterIdleMs: 600_000 });
    const endpoint = platform.endpoints.http!.replace('http://', '');
    const root = { accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret };
    a = createFcClient({ endpoint, ...root });
    ram = new Ram(new $OpenApiUtil.Config({ ...root, endpoint, protocol: 'http' }));
    const other = platform.accounts.createAccount();
    b = createFcClient({ endpoint, accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
    accountId = platform.defaultAccount.accountId;
  });
  after(() => platform.close());

  test('create, list and delete bindings through the SDK, with validation; a bound VPC cannot be deleted; deleting the function removes its bindings', async () => {
    const v = await createVpc(a, '10.217.8.0/24');
    const foreign = await createVpc(b, '10.217.9.0/24');
    const fn = await deploy(a, 'bound', TARGET);
    assert.deepEqual(await bindings(a, fn), []);
    await bind(a, fn, v.vpcId);
    await bind(a, fn, v.vpcId);
    assert.deepEqual(await bindings(a, fn), [v.vpcId], 'binding twice is one binding');

    const missing = await rejectionOf(bind(a, fn));
    assert.equal(missing.code, 'InvalidArgument');
    assert.match(String(missing.data?.Message), /vpcId is required/);
    assert.equal((await rejectionOf(bind(a, fn, 'vpc-00000000000000000000'))).code, 'VpcNotFound');
    assert.equal((await rejectionOf(bind(a, fn, foreign.vpcId))).code, 'VpcNotFound', "another account's VPC");
    assert.equal((await rejectionOf(bind(a, 'no-such-function', v.vpcId))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(a.listVpcBindings('no-such-function'))).code, 'FunctionNotFound');
    assert.equal((await rejectionOf(b.listVpcBindings(fn))).code, 'FunctionNotFound', "another account's function");
    const notBound = await rejectionOf(a.deleteVpcBinding(fn, foreign.vpcId));
    assert.equal(notBound.code, 'VpcBindingNotFound');
    assert.equal(notBound.statusCode, 404);

    const inUse = await rejectionOf(deleteVpc(a, v.vpcId));
    assert.equal(inUse.code, 'ResourceInUse');
    assert.match(String(inUse.data?.Message), new RegExp(`VPC bindings of the functions ${fn}`));

    await a.deleteVpcBinding(fn, v.vpcId);
    assert.deepEqual(await bindings(a, fn), []);
    await bind(a, fn, v.vpcId);
    await a.deleteFunction(fn);
    await a.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(fn, TARGET) }));
    assert.deepEqual(await bindings(a, fn), [], 'the bindings went with the deleted function');
    await a.deleteFunction(fn);
    await deleteVpc(a, v.vpcId);
    await deleteVpc(b, foreign.vpcId);
  });

  test("a bound function's HTTP trigger and its FC 2.0 invoke path are refused from the public listeners too", async () => {
    const v = await createVpc(a, '10.217.6.0/24');
    const fn = await deploy(a, 'trig-bound', TARGET);
    const t = (await a.createTrigger(fn, new $FC.CreateTriggerRequest({ body: new $FC.CreateTriggerInput({
      triggerName: 'web', triggerType: 'http', triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['POST'] }),
    }) }))).body!;
    const url = t.httpTrigger!.urlIntranet!;
    const post = () => fetch(url, { method: 'POST', body: 'via trigger', signal: AbortSignal.timeout(30_000) });
    const before = await post();
    assert.equal(before.status, 200);
    assert.match(await before.text(), /^target got \{"version":"v1".*"body":"via trigger"/, 'the function got the HTTP event');
    await bind(a, fn, v.vpcId);
    const refused = await post();
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { Code: string }).Code, 'AccessDenied');

    const fc2 = createFc2Client({ endpoint: platform.endpoints.http!, accountId, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const service = uniqueName('svc');
    await fc2.createService(service);
    await fc2.createFunction(service, { functionName: 'pay', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: (await createFunctionInput('x', TARGET)).code!.zipFile } });
    assert.equal(String((await fc2.invokeFunction(service, 'pay', 'v2')).data), 'target got v2');
    await bind(a, `${service}$pay`, v.vpcId);
    const e = await fc2Rejection(fc2.invokeFunction(service, 'pay', 'v2'));
    assert.equal(e.code, 'AccessDenied');

    await a.deleteVpcBinding(fn, v.vpcId);
    assert.equal((await post()).status, 200, 'unbound again, the trigger answers');
    await fc2.deleteFunction(service, 'pay');
    await fc2.deleteService(service);
    await a.deleteFunction(fn);
    await deleteVpc(a, v.vpcId);
  });

  test('openfc vpc bind, bindings and unbind', async () => {
    const v = await createVpc(a, '10.217.7.0/24');
    const fn = await deploy(a, 'cli-bound', TARGET);
    const keys = ['--endpoint', platform.endpoints.http!, '--access-key-id', platform.defaultAccount.accessKeyId, '--access-key-secret', platform.defaultAccount.accessKeySecret];
    const bound = await cli(['vpc', 'bind', fn, v.vpcId, ...keys]);
    assert.equal(bound.code, 0, bound.stderr);
    const listed = await cli(['vpc', 'bindings', fn, '--json', ...keys]);
    assert.deepEqual(JSON.parse(listed.stdout), { vpcIds: [v.vpcId] });
    const refused = await cli(['vpc', 'bind', fn, 'vpc-00000000000000000000', ...keys]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /VpcNotFound/);
    assert.equal((await cli(['vpc', 'unbind', fn, v.vpcId, ...keys])).code, 0);
    assert.deepEqual(await bindings(a, fn), []);
    await a.deleteFunction(fn);
    await deleteVpc(a, v.vpcId);
  });

  describe('through the VPC endpoint (linux driver)', { skip: networkSkip }, () => {
    let v1: Vpc;
    let v2: Vpc;
    const fns: Record<string, string> = {};

    /** Runs the caller function `key` with `event` once; it must not fail itself. */
    const once = async (key: string, event: unknown): Promise<CallResult & { endpoint?: string }> => {
      const r = await invoke(a, fns[key]!, JSON.stringify(event));
      assert.equal(r.headers['x-fc-error-type'], undefined, r.body.toString());
      return JSON.parse(r.body.toString()) as CallResult;
    };
    let retries = 0;
    /**
     * A call that never got an answer (a transport failure, not a refusal) is made once more, from
     * a new caller instance (an update replaces it), after the host's networking is written to the
     * test output. About one full-suite run in three used to lose a VPC instance's connections for
     * tens of seconds (the VPC bridge changed its MAC as ports came and went; fixed: the gateway
     * has a fixed MAC); the snapshot shows any other cause. Probes, which expect to be blocked,
     * are not retried.
     */
    const run = async (key: string, event: unknown): Promise<CallResult & { endpoint?: string }> => {
      const result = await once(key, event);
      const isCall = typeof event === 'object' && event !== null && 'call' in event;
      if (!isCall || !result.blocked) return result;
      process.stderr.write(`vpc-bindings: a call from '${key}' got no answer (${result.blocked}); the network now:\n${networkSnapshot()}\n`);
      await a.updateFunction(fns[key]!, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ description: `retry ${++retries}` }) }));
      return once(key, event);
    };
    const codeOf = (r: CallResult) => (JSON.parse(r.body ?? '{}') as { Code?: string; Message?: string });

    before(async () => {
      v1 = await createVpc(a, '10.217.1.0/24');
      v2 = await createVpc(a, '10.217.2.0/24');
      fns.target = await deploy(a, 'target', TARGET);
      fns.open = await deploy(a, 'open', TARGET);
      fns.conditional = await deploy(a, 'conditional', TARGET);
      fns.unnamed = await deploy(a, 'unnamed', TARGET);
      await bind(a, fns.target, v1.vpcId);
      await bind(a, fns.unnamed, v1.vpcId);
      // The callers' role: the bound target and the open function anywhere; `conditional` only through VPC 1; nothing else.
      const fnArn = (name: string) => `acs:fc:*:${accountId}:functions/${name}`;
      const roleName = `vpc-caller-${process.pid}`;
      await ram.createRole(new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }] }) }));
      await ram.createPolicy(new $Ram.CreatePolicyRequest({
        policyName: `${roleName}-policy`,
        policyDocument: JSON.stringify({
          Version: '1',
          Statement: [
            { Effect: 'Allow', Action: 'fc:InvokeFunction', Resource: [fnArn(fns.target), fnArn(fns.open)] },
            { Effect: 'Allow', Action: 'fc:InvokeFunction', Resource: fnArn(fns.conditional), Condition: { StringEquals: { 'acs:SourceVpc': v1.vpcId } } },
          ],
        }),
      }));
      await ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyName: `${roleName}-policy`, policyType: 'Custom', roleName }));
      const role = `acs:ram::${accountId}:role/${roleName}`;
      fns.in1 = await deploy(a, 'caller-v1', { 'index.js': CALLER }, { role, vpcConfig: { vpcId: v1.vpcId }, internetAccess: false });
      fns.in2 = await deploy(a, 'caller-v2', { 'index.js': CALLER }, { role, vpcConfig: { vpcId: v2.vpcId }, internetAccess: false });
    });

    test("GetVpc shows the VPC's endpoint, and its instances get it as OPENFC_API_ENDPOINT", async () => {
      const got = await getVpc(a, v1.vpcId);
      assert.match(got.endpoint ?? '', /^http:\/\/10\.217\.1\.1:\d+$/);
      assert.equal((await run('in1', { env: true })).endpoint, got.endpoint);
      assert.equal((await run('in2', { env: true })).endpoint, (await getVpc(a, v2.vpcId)).endpoint);
    });

    test('an instance invokes a bound function through its VPC endpoint, signing with its execution role (sync and async)', async () => {
      const sync = await run('in1', { call: fns.target, payload: 'from v1' });
      assert.equal(sync.status, 200, JSON.stringify(sync));
      assert.equal(sync.body, 'target got from v1');
      const queued = await run('in1', { call: fns.target, type: 'Async' });
      assert.equal(queued.status, 202, JSON.stringify(queued));
    });

    test('the same role is refused a function its policy does not name, even a bound one', async () => {
      const r = await run('in1', { call: fns.unnamed });
      assert.equal(r.status, 403);
      assert.equal(codeOf(r).Code, 'AccessDenied');
    });

    test('a caller from another VPC is refused a bound function; the public listener is refused it too', async () => {
      const r = await run('in2', { call: fns.target });
      assert.equal(r.status, 403);
      assert.equal(codeOf(r).Code, 'AccessDenied');
      assert.match(codeOf(r).Message!, new RegExp(`not bound to VPC '${v2.vpcId}'`));
      for (const type of ['Sync', 'Async']) {
        const e = await rejectionOf(invoke(a, fns.target, 'x', { type }));
        assert.equal(e.code, 'AccessDenied', type);
        assert.match(String(e.data?.Message), /only through the openfc endpoint of a bound VPC, not through a public endpoint/);
      }
      const forged = await rejectionOf(a.invokeFunctionWithOptions(
        fns.target!, new $FC.InvokeFunctionRequest({ body: Readable.from([Buffer.from('x')]) }),
        new $FC.InvokeFunctionHeaders({ commonHeaders: { 'x-acs-source-vpc': v1.vpcId, 'x-openfc-source-vpc': v1.vpcId, 'x-forwarded-for': '10.217.1.2' } }), new $dara.RuntimeOptions({}),
      ));
      assert.equal(forged.code, 'AccessDenied', 'no header makes a request come from a VPC');
      assert.equal((await run('in2', { call: fns.open, payload: 'from v2' })).body, 'target got from v2', 'a function without bindings answers every VPC');
    });

    test('an acs:SourceVpc condition follows the VPC the request came through', async () => {
      assert.equal((await run('in1', { call: fns.conditional, payload: 'v1' })).body, 'target got v1');
      const refused = await run('in2', { call: fns.conditional });
      assert.equal(refused.status, 403);
      assert.equal(codeOf(refused).Code, 'AccessDenied');
    });

    test("only the VPC's members reach its endpoint: not another VPC, not the host", async () => {
      const fromV2 = await run('in2', { probe: `${v1.endpoint ?? (await getVpc(a, v1.vpcId)).endpoint}/` });
      assert.ok(fromV2.blocked, JSON.stringify(fromV2));
      const own = (await getVpc(a, v1.vpcId)).endpoint!;
      const fromHost = await fetch(`${own}/`, { signal: AbortSignal.timeout(3000) }).then((r) => `status:${r.status}`, (e: { cause?: { code?: string } }) => `blocked:${e.cause?.code ?? 'error'}`);
      assert.match(fromHost, /^blocked:/);
      const otherPort = new URL(platform.endpoints.http!).port;
      assert.ok((await run('in1', { probe: `http://${v1.gatewayIp}:${otherPort}/` })).blocked, 'other ports of the gateway stay closed');
    });

    test('deleting the binding makes the function reachable from outside again', async () => {
      await a.deleteVpcBinding(fns.target, v1.vpcId);
      const r = await invoke(a, fns.target, 'from loopback');
      assert.equal(r.body.toString(), 'target got from loopback');
      assert.equal((await run('in2', { call: fns.target, payload: 'v2' })).body, 'target got v2');
    });
  });
});

describe('VPC endpoints across a restart (linux driver)', { skip: networkSkip }, () => {
  test('the endpoint is reopened at start, for the members of the VPC only; vpcEndpointPort -1 opens none', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-vpc-endpoint-'));
    let member: { ns: string; close(): Promise<void> } | undefined;
    let platform: Platform | undefined;
    try {
      platform = await createTestPlatform({ dataDir, vpcEndpointPort: 0 });
      const client = () => createFcClient({ endpoint: platform!.endpoints.http!.replace('http://', ''), accessKeyId: platform!.defaultAccount.accessKeyId, accessKeySecret: platform!.defaultAccount.accessKeySecret });
      const v = (await callFc(client(), { action: 'CreateVpc', method: 'POST', pathname: '/2023-03-30/vpcs', body: { cidrBlock: '10.217.5.0/24' } })) as Vpc;
      await platform.close();
      platform = await createTestPlatform({ dataDir, vpcEndpointPort: 0 });
      const again = (await callFc(client(), { action: 'GetVpc', method: 'GET', pathname: `/2023-03-30/vpcs/${v.vpcId}` })) as Vpc;
      assert.match(again.endpoint ?? '', /^http:\/\/10\.217\.5\.1:\d+$/);
      member = await createMember(again, '10.217.5.200', 24);
      // An unsigned request reaches the API, which answers with FC's error (not a refused connection).
      assert.match(await inNamespace(member.ns, probeScript(`${again.endpoint}/2023-03-30/functions`)), /^4\d\d$/);
      const fromHost = await fetch(`${again.endpoint}/`, { signal: AbortSignal.timeout(3000) }).then((r) => `status:${r.status}`, () => 'blocked');
      assert.equal(fromHost, 'blocked');
      await platform.close();
      platform = await createTestPlatform({ dataDir, vpcEndpointPort: -1 });
      const disabled = (await callFc(client(), { action: 'GetVpc', method: 'GET', pathname: `/2023-03-30/vpcs/${v.vpcId}` })) as Vpc;
      assert.equal(disabled.endpoint, undefined, 'vpcEndpointPort -1: no endpoint');
    } finally {
      await member?.close();
      await platform?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

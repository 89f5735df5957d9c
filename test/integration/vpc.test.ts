/**
 * VPCs: the API (create, get, list, delete, validation, ownership) through the SDK's generic call,
 * and, on the linux driver, who reaches whom. Every packet stays inside namespaces this test
 * creates: the VPC blocks exist only on bridges openfc creates for the test, VPC-only instances
 * have no default route, and "the internet" is a fake outside host in a test-made namespace.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { callFc } from '../../src/cli/fc-client.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { checkHost } from '../../src/sandbox/index.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { networkSnapshot } from '../helpers/net-diagnostics.js';
import { canCreateOutsideHost, createOutsideHost, type OutsideHost } from '../helpers/outside-host.js';
import { startBarrier } from '../helpers/barrier.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

const host = checkHost();
const networkSkip = host.isUsable && host.hasNetworking ? false : `the linux driver cannot wire networks here: ${host.problems.join('; ')}`;

interface Vpc {
  vpcId: string;
  cidrBlock: string;
  gatewayIp: string;
  serviceAddressRange: string;
  bridge?: string;
}

/** Answers {serve:true} by starting an HTTP server on :8080 (once) and returning its address; {url} by fetching it. */
const PROBE = `const http = require('http'); const os = require('os');
let server;
exports.handler = async (event) => {
  const e = JSON.parse(event.toString());
  if (e.serve) {
    if (!server) { server = http.createServer((q, r) => r.end('hello from ' + process.env.FC_FUNCTION_NAME)); await new Promise((r) => server.listen(8080, '0.0.0.0', r)); }
    const addr = Object.values(os.networkInterfaces()).flat().find((a) => a.family === 'IPv4' && !a.internal);
    return JSON.stringify({ addr: addr && addr.address });
  }
  try { const r = await fetch(e.url, { signal: AbortSignal.timeout(e.timeoutMs || 2000) }); return 'reached:' + (await r.text()); }
  catch (err) { return 'blocked:' + ((err.cause && err.cause.code) || err.name); }
};\n`;

const SERVICE = fileURLToPath(new URL('../helpers/barrier-server.cjs', import.meta.url));

function ip(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('ip', args, (err, _o, stderr) => (err ? reject(new Error(`ip ${args.join(' ')}: ${stderr}`)) : resolve())));
}

describe('VPCs', () => {
  let platform: Platform;
  let a: FCClient;
  let b: FCClient;
  const created: Vpc[] = [];

  const createVpc = async (client: FCClient, body: Record<string, unknown>) => {
    const v = (await callFc(client, { action: 'CreateVpc', method: 'POST', pathname: '/2023-03-30/vpcs', body })) as Vpc;
    created.push(v);
    return v;
  };
  const getVpc = (client: FCClient, id: string) => callFc(client, { action: 'GetVpc', method: 'GET', pathname: `/2023-03-30/vpcs/${id}` }) as Promise<Vpc>;
  const deleteVpc = (client: FCClient, id: string) => callFc(client, { action: 'DeleteVpc', method: 'DELETE', pathname: `/2023-03-30/vpcs/${id}` });
  const deploy = async (client: FCClient, key: string, extra: Record<string, unknown>) => {
    const name = uniqueName(key);
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': PROBE }, { timeout: 10, ...extra }) }));
    return name;
  };

  before(async () => {
    // Instances stay thawed while the test probes them.
    platform = await createTestPlatform({ freezeAfterIdleMs: 600_000 });
    const endpoint = platform.endpoints.http!.replace('http://', '');
    a = createFcClient({ endpoint, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const other = platform.accounts.createAccount();
    b = createFcClient({ endpoint, accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
  });
  after(() => platform.close());

  test('create, get, list and delete; blocks are validated and may not overlap', async () => {
    const v = await createVpc(a, { cidrBlock: '10.213.0.0/24', vpcName: 'first' });
    assert.match(v.vpcId, /^vpc-[0-9a-f]{20}$/);
    assert.equal(v.gatewayIp, '10.213.0.1');
    assert.equal(v.serviceAddressRange, '10.213.0.128-10.213.0.254');
    assert.equal((await getVpc(a, v.vpcId)).cidrBlock, '10.213.0.0/24');
    const list = (await callFc(a, { action: 'ListVpcs', method: 'GET', pathname: '/2023-03-30/vpcs' })) as { vpcs: Vpc[] };
    assert.deepEqual(list.vpcs.map((x) => x.vpcId), [v.vpcId]);
    for (const [cidrBlock, why] of [
      ['10.213.0.128/25', /overlaps the block of an existing VPC/], ['10.213.1.1/24', /not aligned/], ['10.0.0.0/8', /\/16 to \/28/],
      ['127.0.0.0/24', /reserved/], ['100.96.0.0/24', /reserved/], ['not-a-block', /IPv4 CIDR/],
    ] as const) {
      const e = await rejectionOf(createVpc(b, { cidrBlock }));
      assert.equal(e.code, 'InvalidArgument', cidrBlock);
      assert.match(String(e.data?.Message ?? ''), why, cidrBlock);
    }
    await deleteVpc(a, v.vpcId);
    assert.equal((await rejectionOf(getVpc(a, v.vpcId))).code, 'VpcNotFound');
  });

  test("one account neither sees nor uses another's VPC, and a VPC in use cannot be deleted", async () => {
    const vb = await createVpc(b, { cidrBlock: '10.213.9.0/24' });
    assert.equal((await rejectionOf(getVpc(a, vb.vpcId))).code, 'VpcNotFound');
    assert.equal((await rejectionOf(deleteVpc(a, vb.vpcId))).code, 'VpcNotFound');
    assert.equal((await rejectionOf(deploy(a, 'thief', { vpcConfig: { vpcId: vb.vpcId } }))).code, 'VpcNotFound');
    const name = await deploy(b, 'user', { vpcConfig: { vpcId: vb.vpcId }, internetAccess: false });
    const e = await rejectionOf(deleteVpc(b, vb.vpcId));
    assert.equal(e.code, 'ResourceInUse');
    assert.match(String(e.data?.Message ?? ''), new RegExp(name));
    await b.deleteFunction(name);
    await deleteVpc(b, vb.vpcId);
  });

  describe('networking (linux driver)', { skip: networkSkip }, () => {
    let outside: OutsideHost | undefined;
    let service: { stop(): Promise<void>; address: string } | undefined;
    let v1: Vpc;
    let v2: Vpc;
    const fns: Record<string, string> = {};
    const probe = async (client: FCClient, key: string, payload: unknown) => {
      const r = await invoke(client, fns[key]!, JSON.stringify(payload));
      assert.equal(r.headers['x-fc-error-type'], undefined, r.body.toString());
      return r.body.toString();
    };

    before(async () => {
      v1 = await createVpc(a, { cidrBlock: '10.213.1.0/24' });
      v2 = await createVpc(b, { cidrBlock: '10.213.2.0/24' });
      assert.ok(v1.bridge, 'the linux driver names the bridge');
      // A registered service in VPC 1: a namespace of this test, its veth on the VPC's bridge.
      const ns = `ofctest-svc-${process.pid}`;
      const address = '10.213.1.200';
      await ip(['netns', 'add', ns]);
      await ip(['link', 'add', `${v1.bridge}s`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await ip(['link', 'set', `${v1.bridge}s`, 'master', v1.bridge!, 'up']);
      await ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      const child = execFile('ip', ['netns', 'exec', ns, process.execPath, SERVICE, address]);
      const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      service = {
        address: `http://${address}:${port}`,
        async stop() {
          child.kill();
          await ip(['netns', 'del', ns]).catch(() => undefined);
        },
      };
      outside = await createOutsideHost();
      fns.vpcOnly = await deploy(a, 'vpc-only', { vpcConfig: { vpcId: v1.vpcId }, internetAccess: false });
      fns.peer = await deploy(a, 'peer', { vpcConfig: { vpcId: v1.vpcId }, internetAccess: false });
      fns.both = await deploy(a, 'both', { vpcConfig: { vpcId: v1.vpcId }, internetAccess: true });
      fns.otherAccount = await deploy(b, 'other', { vpcConfig: { vpcId: v2.vpcId }, internetAccess: true });
    });
    after(async () => {
      await service?.stop();
      await outside?.close();
    });

    test('an instance reaches its VPC: a registered service and an instance of another function', async () => {
      assert.equal(await probe(a, 'vpcOnly', { url: `${service!.address}/arrived?n=0` }), 'reached:ok');
      const peer = JSON.parse(await probe(a, 'peer', { serve: true })) as { addr: string };
      assert.match(peer.addr, /^10\.213\.1\.([2-9]|[1-9]\d|1[01]\d|12[0-7])$/, 'instances take the lower half of the block');
      assert.equal(await probe(a, 'vpcOnly', { url: `http://${peer.addr}:8080/` }), `reached:hello from ${fns.peer}`);
    });

    test('nothing of another VPC or account, of the host, or (without internetAccess) of the internet', async () => {
      const foreign = JSON.parse(await probe(b, 'otherAccount', { serve: true })) as { addr: string };
      assert.match(foreign.addr, /^10\.213\.2\./);
      assert.match(await probe(a, 'vpcOnly', { url: `http://${foreign.addr}:8080/` }), /^blocked:/);
      assert.match(await probe(a, 'both', { url: `http://${foreign.addr}:8080/` }), /^blocked:/);
      const peer = JSON.parse(await probe(a, 'peer', { serve: true })) as { addr: string };
      assert.match(await probe(b, 'otherAccount', { url: `http://${peer.addr}:8080/` }), /^blocked:/);
      assert.match(await probe(b, 'otherAccount', { url: `${service!.address}/arrived?n=0` }), /^blocked:/);
      const openfcPort = new URL(platform.endpoints.http!).port;
      assert.match(await probe(a, 'vpcOnly', { url: `http://${v1.gatewayIp}:${openfcPort}/` }), /^blocked:/);
      assert.match(await probe(a, 'both', { url: `http://${v1.gatewayIp}:${openfcPort}/` }), /^blocked:/);
      if (outside) assert.match(await probe(a, 'vpcOnly', { url: `http://${outside.address}:9/` }), /^blocked:/);
    });

    test('with internetAccess too, the instance also reaches the internet', { skip: !canCreateOutsideHost() && 'no outside host can be made here' }, async () => {
      const barrier = await startBarrier();
      try {
        barrier.release();
        // A second attempt, on a new instance (an update replaces it), after the host's networking
        // is written to the test output. About one full-suite run in three used to lose a VPC
        // instance's connections for tens of seconds: the VPC bridge changed its MAC as ports came
        // and went, and instances kept sending to the old one (fixed: the gateway has a fixed MAC).
        // The snapshot shows any other cause. What is asserted is that an instance with
        // internetAccess reaches the internet, and a VPC-only one never does.
        let reached = await probe(a, 'both', { url: `${barrier.url}/wait`, timeoutMs: 7000 });
        if (reached !== 'reached:go') {
          process.stderr.write(`vpc: the internet probe got '${reached}'; the network now:\n${networkSnapshot()}\n`);
          await a.updateFunction(fns.both!, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ environmentVariables: { ATTEMPT: '1' } }) }));
          reached = await probe(a, 'both', { url: `${barrier.url}/wait`, timeoutMs: 7000 });
        }
        assert.equal(reached, 'reached:go');
        assert.match(await probe(a, 'vpcOnly', { url: `${barrier.url}/wait` }), /^blocked:/);
      } finally {
        await barrier.close();
      }
    });
  });
});


/**
 * The escape battery: a probe function tries to break out of the Linux sandbox and each attempt
 * must fail the expected way. Skips, with the reason, where the host cannot run the Linux driver.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { checkHost } from '../../src/sandbox/index.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, type FCClient } from '../helpers/sdk.js';

const host = checkHost();
const skip = host.isUsable ? (host.hasNetworking ? false : `no networking: ${host.problems.join('; ')}`) : `the Linux driver cannot run here: ${host.problems.join('; ')}`;
const PROBE = fs.readFileSync(new URL('../fixtures/probe-function.js', import.meta.url), 'utf8');
const MARKER = 'OPENFC_HOST_ONLY_MARKER';

describe('Linux sandbox escape battery', { skip }, () => {
  let platform: Platform;
  let client: FCClient;
  const fns: Record<string, string> = {};

  async function deploy(key: string, extra: Record<string, unknown> = {}) {
    const name = uniqueName(key);
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': PROBE }, { timeout: 10, ...extra }) }));
    fns[key] = name;
  }
  async function probe(key: string, probeName: string, arg?: unknown): Promise<{ value: unknown; errorType?: string; body: string }> {
    const r = await invoke(client, fns[key]!, JSON.stringify({ probe: probeName, arg }));
    const body = r.body.toString();
    return { value: r.headers['x-fc-error-type'] ? undefined : (JSON.parse(body) as { result: unknown }).result, errorType: r.headers['x-fc-error-type'], body };
  }

  before(async () => {
    process.env[MARKER] = 'host-secret-value';
    platform = await createTestPlatform({ sandbox: 'linux', freezeAfterIdleMs: 50 });
    client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    await deploy('net', { internetAccess: true });
    await deploy('offline', { internetAccess: false });
    await deploy('small', { internetAccess: false, memorySize: 128 });
    await deploy('bigdisk', { internetAccess: false, memorySize: 1024 });
  });
  after(async () => {
    delete process.env[MARKER];
    await platform.close();
  });

  test('the instance runs as a non-root uid with no capabilities, no-new-privileges, seccomp, and its own pid namespace', async () => {
    const id = (await probe('offline', 'identity')).value as { uid: number; capEff: string; noNewPrivs: string; seccomp: string; pids: string[]; ifaces: Record<string, unknown> };
    assert.notEqual(id.uid, 0);
    assert.equal(id.capEff, '0000000000000000');
    assert.equal(id.noNewPrivs, '1');
    assert.equal(id.seccomp, '2', 'a seccomp filter is active');
    assert.ok(id.pids.length <= 3, `sees only its own processes: ${id.pids.join(',')}`);
    assert.deepEqual(Object.keys(id.ifaces), ['lo'], 'internetAccess false: loopback only');
  });

  test('/code, /opt and / are read-only', async () => {
    assert.equal((await probe('offline', 'writeCode')).value, 'EROFS');
    assert.equal((await probe('offline', 'writeOpt')).value, 'EROFS');
    assert.equal((await probe('offline', 'writeRoot')).value, 'EROFS');
  });

  test('nothing of the host shows in /proc/1/cmdline or environ, and host files are out of reach', async () => {
    const p = (await probe('offline', 'proc1')).value as Record<string, string>;
    for (const text of Object.values(p)) {
      assert.doesNotMatch(text, new RegExp(MARKER));
      assert.ok(!text.includes(platform.config.dataDir), 'no host data dir path');
      assert.ok(!text.includes(platform.defaultAccount.accessKeySecret));
    }
    assert.equal((await probe('offline', 'readPath', `${platform.config.dataDir}/credentials.json`)).value, 'ENOENT');
    assert.equal((await probe('offline', 'readPath', `${platform.config.dataDir}/openfc.db`)).value, 'ENOENT');
  });

  test("an instance cannot see another instance's /tmp", async () => {
    await probe('offline', 'writeTmp', 'secret-of-offline');
    assert.deepEqual((await probe('offline', 'listTmp')).value, ['probe-secret']);
    assert.deepEqual((await probe('net', 'listTmp')).value, []);
  });

  test('unshare, mount and ptrace are refused', async () => {
    const u = (await probe('offline', 'unshare')).value as { status: number; stderr: string };
    assert.notEqual(u.status, 0, u.stderr);
    const m = (await probe('offline', 'mount')).value as { status: number; stderr: string };
    assert.notEqual(m.status, 0, m.stderr);
    const p = String((await probe('offline', 'ptrace')).value);
    assert.match(p, /^-1 1$/, `ptrace gives EPERM (got ${p})`);
  });

  test('a fork bomb is contained by the pids limit', async () => {
    const out = await probe('bigdisk', 'forkBomb');
    const r = out.value as { started: number; error: string | null };
    assert.ok(r, `the probe answered: ${out.body}`);
    assert.equal(r.error, 'EAGAIN');
    assert.ok(r.started < 1024, `started ${r.started} processes`);
    assert.equal((await probe('bigdisk', 'writeCode')).value, 'EROFS', 'the instance still serves');
  });

  test('allocating past memorySize kills the instance with an out-of-memory error, and the next invocation works', async () => {
    const r = await probe('small', 'allocate', 400);
    assert.equal(r.errorType, 'UnhandledInvocationError');
    assert.match(JSON.parse(r.body).errorMessage, /out of memory|heap/i);
    assert.equal((await probe('small', 'writeCode')).value, 'EROFS');
  });

  test('filling /tmp past diskSize fails with ENOSPC', async () => {
    assert.equal((await probe('bigdisk', 'fillTmp', 600)).value, 'ENOSPC');
  });

  test("an instance cannot reach openfc's listeners, the host, or another instance", async () => {
    assert.equal((await probe('offline', 'connect', { host: '127.0.0.1', port: platform.httpPort })).value, 'ECONNREFUSED', 'its loopback is its own');
    const gateway = (await probe('net', 'gateway')).value as string;
    assert.ok(gateway, 'internet mode has an eth0');
    for (const port of [platform.httpPort, platform.httpsPort]) {
      const r = (await probe('net', 'connect', { host: gateway, port })).value;
      assert.notEqual(r, 'connected', `host listener ${gateway}:${port} reachable`);
    }
    await deploy('peer', { internetAccess: true });
    await probe('peer', 'listen');
    const peerAddress = (await probe('peer', 'address')).value as string;
    const r = (await probe('net', 'connect', { host: peerAddress, port: 8080 })).value;
    assert.notEqual(r, 'connected', 'another instance is unreachable');
  });

  test('an idle instance is frozen: its timers do not fire until the next invocation thaws it', async () => {
    await deploy('ticker', { internetAccess: false });
    const startedAt = Date.now();
    const first = await invoke(client, fns.ticker!, JSON.stringify({ probe: 'startTicker' }));
    const instanceId = first.headers['x-fc-instance-id'];
    await platform.events.next('instance:frozen', (e) => e.instanceId === instanceId);
    const frozenAt = Date.now();
    await deploy('elsewhere', { internetAccess: false });
    await probe('elsewhere', 'pause', 150); // another instance runs for a while as the frozen window
    const thawAt = Date.now();
    assert.ok(thawAt - frozenAt >= 100, `frozen window ${thawAt - frozenAt} ms`);
    const during = (await probe('ticker', 'ticksBetween', { from: frozenAt + 15, to: thawAt })).value as number;
    const before = (await probe('ticker', 'ticksBetween', { from: startedAt, to: frozenAt - 15 })).value as number;
    assert.ok(before > 0, 'the timer ran while the instance was not frozen');
    assert.equal(during, 0, 'no tick while frozen');
  });
});

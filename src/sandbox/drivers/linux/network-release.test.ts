/**
 * Releasing a VPC instance's network removes its address from the bridge at once, even while its
 * namespace lives on (the kernel tears a namespace down only when the last process and socket in
 * it are gone), and the next instance gets another address.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { createNetworkManager, macOfAddress } from './network.js';
import { MAX_NODE_LEASES } from './node-lease.js';
import { canRunNetworkTests, sh } from './network-test-host.js';

test('a released VPC instance leaves no address on the bridge while its namespace lingers, and its address is not handed out next', { skip: !canRunNetworkTests && 'needs root, nft and ip' }, async () => {
  const lease = MAX_NODE_LEASES - 3; // no running openfc holds it in tests
  const network = createNetworkManager({ lease, subnetBase: '100.96.0.0', bandwidth: '1gbit' });
  const vpc = { vpcId: 'vpc-release-test', cidrBlock: '10.251.0.0/24', bridgeIndex: 0 };
  let holder: ReturnType<typeof spawn> | undefined;
  try {
    const a = await network.attach(5, { vpc, internet: false });
    const ns = a.netnsPath!.split('/').at(-1)!;
    // A process still in the namespace keeps it (and, without the fix, its eth0 and address) alive.
    holder = spawn('ip', ['netns', 'exec', ns, 'sleep', '600'], { stdio: 'ignore' });
    await once(holder, 'spawn');
    for (let i = 0; i < 200 && !sh('ip', ['netns', 'pids', ns]).trim(); i++) await new Promise((r) => setImmediate(r));
    assert.ok(sh('ip', ['netns', 'pids', ns]).trim(), 'the holder runs in the namespace');
    await a.release();

    const hostIf = `ofc${lease}v0p5`;
    assert.doesNotMatch(sh('ip', ['-o', 'link', 'show']), new RegExp(`: ${hostIf}[@:]`), 'the host end of the veth is gone');
    const inside = sh('nsenter', [`--net=/proc/${holder.pid}/ns/net`, 'ip', '-o', 'addr', 'show']);
    assert.doesNotMatch(inside, new RegExp(a.address!.replace(/\./g, '\\.')), `the lingering namespace keeps no address: ${inside}`);

    const b = await network.attach(6, { vpc, internet: false });
    const bNs = b.netnsPath!.split('/').at(-1)!;
    assert.match(sh('ip', ['-n', bNs, 'link', 'show', 'eth0']), new RegExp(`link/ether ${macOfAddress(b.address!)} `), 'the MAC encodes the address');
    assert.notEqual(b.address, a.address, 'a just-released address is not handed out next');
    await b.release();
  } finally {
    holder?.kill('SIGKILL');
    network.close();
  }
});

test("a VPC's gateway keeps one MAC while instances come and go (a bridge would otherwise take its lowest port's)", { skip: !canRunNetworkTests && 'needs root, nft and ip' }, async () => {
  const lease = MAX_NODE_LEASES - 3;
  const network = createNetworkManager({ lease, subnetBase: '100.96.0.0', bandwidth: '1gbit' });
  const vpc = { vpcId: 'vpc-gateway-mac-test', cidrBlock: '10.252.0.0/24', bridgeIndex: 1 };
  const bridgeMac = () => /link\/ether (\S+)/.exec(sh('ip', ['link', 'show', `ofc${lease}v1`]))![1];
  try {
    const attached = [];
    for (let slot = 0; slot < 6; slot++) attached.push(await network.attach(slot, { vpc, internet: false }));
    assert.equal(bridgeMac(), macOfAddress('10.252.0.1'));
    for (const a of attached.splice(0, 3)) await a.release();
    assert.equal(bridgeMac(), macOfAddress('10.252.0.1'), 'still the same after ports left');
    for (const a of attached) await a.release();
  } finally {
    network.close();
  }
});

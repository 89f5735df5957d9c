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

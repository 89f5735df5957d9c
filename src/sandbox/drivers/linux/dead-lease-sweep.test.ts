/** sweepDeadLeaseNetworks removes a dead lease's table, namespaces and links, and nothing of a held lease. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepDeadLeaseNetworks } from './network.js';
import { MAX_NODE_LEASES } from './node-lease.js';
import { canRunNetworkTests, sh } from './network-test-host.js';

test('a dead lease loses its nftables table, namespaces, veths and bridges; a held one keeps them', { skip: !canRunNetworkTests && 'needs root, nft and ip' }, () => {
  const dead = MAX_NODE_LEASES - 1;
  const held = MAX_NODE_LEASES - 2;
  const made = (lease: number) => ({ table: `openfc_${lease}`, ns: `openfc-${lease}-0`, bridge: `ofc${lease}v0`, link: `ofc${lease}x0` });
  const create = (lease: number) => {
    const m = made(lease);
    sh('nft', ['add', 'table', 'inet', m.table]);
    sh('ip', ['netns', 'add', m.ns]);
    sh('ip', ['link', 'add', m.bridge, 'type', 'bridge']);
    sh('ip', ['link', 'add', m.link, 'type', 'veth', 'peer', 'name', `${m.link}p`]);
  };
  const exists = (lease: number) => {
    const m = made(lease);
    return {
      table: sh('nft', ['list', 'tables']).includes(`table inet ${m.table}\n`),
      ns: sh('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === m.ns),
      bridge: new RegExp(`: ${m.bridge}[@:]`).test(sh('ip', ['-o', 'link', 'show'])),
      link: new RegExp(`: ${m.link}[@:]`).test(sh('ip', ['-o', 'link', 'show'])),
    };
  };
  const cleanup = (lease: number) => {
    const m = made(lease);
    for (const args of [['nft', 'delete', 'table', 'inet', m.table], ['ip', 'netns', 'del', m.ns], ['ip', 'link', 'del', m.bridge], ['ip', 'link', 'del', m.link]]) {
      try {
        sh(args[0]!, args.slice(1));
      } catch {
        /* not there */
      }
    }
  };
  try {
    create(dead);
    create(held);
    // Every other lease counts as held, so nothing a running openfc owns is touched by this test.
    const swept = sweepDeadLeaseNetworks((lease) => lease !== dead, -1);
    assert.deepEqual(swept, [dead]);
    assert.deepEqual(exists(dead), { table: false, ns: false, bridge: false, link: false });
    assert.deepEqual(exists(held), { table: true, ns: true, bridge: true, link: true });
  } finally {
    cleanup(dead);
    cleanup(held);
  }
});

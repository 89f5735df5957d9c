/**
 * @module sandbox/drivers/linux/network
 * Network namespaces for Linux-driver instances. Mode `none` is bwrap's own empty namespace
 * (loopback only). Mode `internet` gets a namespace of its own with a veth pair to the host,
 * a /30 from `subnet`, a default route, NAT out through the host, and bandwidth shaping. nftables
 * rules drop every packet from an instance to the host itself (openfc's listeners and anything
 * else bound on the host) and to any other instance.
 */
import { execFile, execFileSync } from 'node:child_process';

export type NetworkMode = 'none' | 'internet';
/** Host-side interfaces of every openfc platform start with this (rules match all platforms' instances). */
const IFACE_PREFIX = 'ofc';

export interface NetworkOptions {
  /** The node lease index: names the table, namespaces and interfaces, and picks the /16. */
  readonly lease: number;
  /** The first of the /16s for instance links, e.g. 100.96.0.0: lease n uses the n-th /16 from it (each instance takes a /30). */
  readonly subnetBase: string;
  /** Egress and ingress rate per instance, e.g. "1gbit". */
  readonly bandwidth: string;
}

export interface InstanceNetwork {
  /** Path for `nsenter --net=`; undefined for mode none (bwrap --unshare-net). */
  readonly netnsPath?: string;
  readonly address?: string;
  release(): Promise<void>;
}

export interface NetworkManager {
  /** Wires the namespace without blocking the event loop (the commands run as child processes). */
  attach(slot: number, mode: NetworkMode): Promise<InstanceNetwork>;
  close(): void;
}

function run(cmd: string, args: string[], input?: string): void {
  execFileSync(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], input });
}

/** Runs a command asynchronously: network setup must never block the request path. */
function runAsync(cmd: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, (err, _out, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve()));
    if (input !== undefined) child.stdin!.end(input);
  });
}

function ipv4(base: string, offset: number): string {
  const n = (base.split('.').reduce((a, b) => a * 256 + Number(b), 0) + offset) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function createNetworkManager(options: NetworkOptions): NetworkManager {
  const base = ipv4(options.subnetBase, options.lease * 65536);
  const subnet = `${base}/16`;
  const TABLE = `openfc_${options.lease}`;
  const ifacePrefix = `${IFACE_PREFIX}${options.lease}x`;
  run('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  run('nft', ['-f', '-'], `table inet ${TABLE}
delete table inet ${TABLE}
table inet ${TABLE} {
  chain input { type filter hook input priority -10; policy accept; iifname "${IFACE_PREFIX}*" reject; }
  chain forward {
    type filter hook forward priority -10; policy accept;
    iifname "${IFACE_PREFIX}*" oifname "${IFACE_PREFIX}*" reject;
    iifname "${IFACE_PREFIX}*" ip daddr 127.0.0.0/8 reject;
  }
  chain postrouting { type nat hook postrouting priority 100; policy accept; ip saddr ${subnet} oifname != "${IFACE_PREFIX}*" masquerade; }
}
`);
  const live = new Set<string>();
  return {
    async attach(slot, mode) {
      if (mode === 'none') return { release: async () => undefined };
      const ns = `openfc-${options.lease}-${slot}`;
      const host = `${ifacePrefix}${slot}`;
      const hostIp = ipv4(base, slot * 4 + 1);
      const instIp = ipv4(base, slot * 4 + 2);
      await runAsync('ip', ['netns', 'del', ns]).catch(() => undefined);
      await runAsync('ip', ['netns', 'add', ns]);
      await runAsync('ip', ['-b', '-'], [
        `link add ${host} type veth peer name eth0 netns ${ns}`,
        `addr add ${hostIp}/30 dev ${host}`,
        `link set ${host} up`,
      ].join('\n') + '\n');
      await runAsync('ip', ['-n', ns, '-b', '-'], ['link set lo up', `addr add ${instIp}/30 dev eth0`, 'link set eth0 up', `route add default via ${hostIp}`].join('\n') + '\n');
      const tbf = ['root', 'tbf', 'rate', options.bandwidth, 'burst', '1mb', 'latency', '50ms'];
      await Promise.all([runAsync('tc', ['qdisc', 'add', 'dev', host, ...tbf]), runAsync('tc', ['-n', ns, 'qdisc', 'add', 'dev', 'eth0', ...tbf])]);
      live.add(ns);
      return {
        netnsPath: `/run/netns/${ns}`,
        address: instIp,
        async release() {
          live.delete(ns);
          await runAsync('ip', ['netns', 'del', ns]).catch(() => undefined);
        },
      };
    },
    close() {
      for (const ns of live) {
        try {
          run('ip', ['netns', 'del', ns]);
        } catch {
          /* already gone */
        }
      }
      live.clear();
      try {
        run('nft', ['delete', 'table', 'inet', TABLE]);
      } catch {
        /* already gone */
      }
    },
  };
}

/**
 * @module sandbox/drivers/linux/network
 * Network namespaces for Linux-driver instances. No network is bwrap's own empty namespace
 * (loopback only). Internet access alone gets a namespace of its own with a veth pair to the host,
 * a /30 from `subnet`, a default route and NAT out through the host. A VPC instance's veth joins
 * the VPC's bridge (gateway = the CIDR's first address) and takes an address from the lower half
 * of the CIDR; it gets a default route only when it also has internet access. Every veth is
 * shaped to the instance's bandwidth. nftables rules drop every packet from an instance to the
 * host itself (openfc's listeners and anything else bound on the host), to any other instance
 * outside its own VPC, and between VPCs; same-VPC traffic stays on the bridge. The one exception
 * is a VPC's openfc endpoint: the set `vpc_endpoints` holds (bridge, gateway address, port) triples,
 * and only a packet arriving on that bridge for exactly that address and TCP port is accepted;
 * the same address and port are refused from anywhere else (`vpc_endpoint_sockets`), the host's
 * own processes and other machines included, so only the VPC's members reach its endpoint.
 * The input chain rejects only this lease's interfaces (`ofc<lease>x*` links, `ofc<lease>v*`
 * bridges): another openfc on the same machine guards its own, and does not reject (an accept here
 * cannot overrule another table's reject) this lease's VPC endpoint traffic.
 */
import { execFile, execFileSync } from 'node:child_process';
import { PlatformError } from '../../../errors/index.js';
import type { NetworkSpec, VpcAttachment } from '../../types.js';
import { MAX_NODE_LEASES } from './node-lease.js';

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
  /** Path for `nsenter --net=`; undefined for loopback only (bwrap --unshare-net). */
  readonly netnsPath?: string;
  readonly address?: string;
  release(): Promise<void>;
}

/** A VPC's bridge on this host: registered services join the VPC by attaching a veth to it. */
export interface VpcBridge {
  readonly bridge: string;
  readonly gatewayIp: string;
}

export interface NetworkManager {
  /** Wires the namespace without blocking the event loop (the commands run as child processes). */
  attach(slot: number, spec: NetworkSpec, bandwidth?: string): Promise<InstanceNetwork>;
  /** Creates the VPC's bridge (idempotent). */
  ensureVpc(vpc: VpcAttachment): Promise<VpcBridge>;
  /** Removes the VPC's bridge (and its endpoint opening); its instances must be gone. */
  removeVpc(vpc: VpcAttachment): Promise<void>;
  /**
   * Lets members of the VPC (and only them: packets that arrive on its bridge) reach TCP `port`
   * on its gateway address, where openfc's VPC endpoint listens. Idempotent.
   */
  allowEndpoint(vpc: VpcAttachment, port: number): Promise<void>;
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

/**
 * Runs network commands as one shell script, stopping at the first failure: one fork of openfc's
 * large process instead of one per command (the shell's own forks of ip, tc and nft are cheap).
 * Names are openfc's own and addresses checked (VPC blocks by vpc/cidr), so no script holds free
 * user input.
 */
function runScript(lines: string[]): Promise<void> {
  return runAsync('/bin/sh', ['-c', ['set -e', ...lines].join('\n')]);
}


function ipv4(base: string, offset: number): string {
  const n = (base.split('.').reduce((a, b) => a * 256 + Number(b), 0) + offset) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The /16 instance-link blocks every possible lease may use, starting at `subnetBase` (for overlap checks). */
export function instanceLinkBlocks(subnetBase: string): string[] {
  return Array.from({ length: MAX_NODE_LEASES }, (_, lease) => `${ipv4(subnetBase, lease * 65536).split('.').slice(0, 2).join('.')}.0.0/16`);
}

interface LiveVpc {
  readonly bridge: VpcBridge;
  readonly prefix: number;
  readonly network: string;
  /** Host offsets in use; instances take the lower half of the block, the upper half is for registered services. */
  readonly used: Set<number>;
  readonly maxInstanceOffset: number;
  /** Ports opened on the gateway by allowEndpoint. */
  readonly endpointPorts: Set<number>;
  /** Where the round-robin search for a free instance offset starts. */
  nextOffset: number;
}

/**
 * Deletes what the network managers of leases whose owner is gone (an openfc killed before it could
 * clean up) left in the kernel: their nftables tables, instance namespaces, veths and VPC bridges.
 * A dead lease's reject rules would otherwise outlive it, and its bridges keep VPC addresses that a
 * live openfc may give out again (two bridges with one gateway address lose replies). Leases that
 * are held are never touched. Returns the lease indexes swept.
 */
export function sweepDeadLeaseNetworks(isHeld: (lease: number) => boolean, ownLease: number): number[] {
  const list = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  };
  const isDead = (lease: number) => lease !== ownLease && !isHeld(lease);
  const swept = new Set<number>();
  const attempt = (lease: number, cmd: string, args: string[]) => {
    try {
      run(cmd, args);
      swept.add(lease);
    } catch {
      /* gone already, or taken over meanwhile: its owner manages it */
    }
  };
  for (const m of list('nft', ['list', 'tables']).matchAll(/^table inet openfc_(\d+)$/gm)) {
    if (isDead(Number(m[1]))) attempt(Number(m[1]), 'nft', ['delete', 'table', 'inet', `openfc_${m[1]}`]);
  }
  for (const m of list('ip', ['netns', 'list']).matchAll(/^(openfc-(\d+)-\d+)\b/gm)) {
    if (isDead(Number(m[2]))) attempt(Number(m[2]), 'ip', ['netns', 'del', m[1]!]);
  }
  for (const m of list('ip', ['-o', 'link', 'show']).matchAll(new RegExp(`^\\d+: (${IFACE_PREFIX}(\\d+)[xv][0-9a-z]*)[@:]`, 'gm'))) {
    if (isDead(Number(m[2]))) attempt(Number(m[2]), 'ip', ['link', 'del', m[1]!]);
  }
  return [...swept];
}

/** A locally administered MAC that encodes an instance's IPv4 address (02:0f:a:b:c:d). */
export function macOfAddress(ipv4Address: string): string {
  return ['02', '0f', ...ipv4Address.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
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
  set vpc_endpoints { type ifname . ipv4_addr . inet_service; }
  set vpc_endpoint_sockets { type ipv4_addr . inet_service; }
  chain vpc_same { }
  chain input {
    type filter hook input priority -10; policy accept;
    iifname . ip daddr . tcp dport @vpc_endpoints accept;
    ip daddr . tcp dport @vpc_endpoint_sockets reject with tcp reset;
    iifname "${ifacePrefix}*" reject;
    iifname "${IFACE_PREFIX}${options.lease}v*" reject;
  }
  chain forward {
    type filter hook forward priority -10; policy accept;
    jump vpc_same;
    iifname "${IFACE_PREFIX}*" oifname "${IFACE_PREFIX}*" reject;
    iifname "${IFACE_PREFIX}*" ip daddr 127.0.0.0/8 reject;
  }
  chain postrouting { type nat hook postrouting priority 100; policy accept; ip saddr ${subnet} oifname != "${IFACE_PREFIX}*" masquerade; }
}
`);
  const live = new Set<string>();
  const vpcs = new Map<string, Promise<LiveVpc>>();
  const bridges = new Set<string>();
  /** Adds or deletes a VPC endpoint's elements: accepted from its bridge, refused from anywhere else. */
  const endpointElements = (verb: 'add' | 'delete', b: VpcBridge, port: number) =>
    `${verb} element inet ${TABLE} vpc_endpoints { "${b.bridge}" . ${b.gatewayIp} . ${port} }\n${verb} element inet ${TABLE} vpc_endpoint_sockets { ${b.gatewayIp} . ${port} }\n`;
  const bridgeName = (vpc: VpcAttachment) => `${IFACE_PREFIX}${options.lease}v${vpc.bridgeIndex.toString(36)}`;

  function createVpc(vpc: VpcAttachment): Promise<LiveVpc> {
    const [network, bits] = vpc.cidrBlock.split('/') as [string, string];
    const prefix = Number(bits);
    const bridge = bridgeName(vpc);
    const gatewayIp = ipv4(network, 1);
    bridges.add(bridge);
    const size = 2 ** (32 - prefix);
    return runScript([
      `ip link del ${bridge} 2>/dev/null || true`,
      // A bridge without a MAC of its own takes the lowest of its ports' MACs, and changes it as
      // instances come and go: instances that cached the gateway's old MAC then send into the void
      // until their neighbour entry expires (tens of seconds). The gateway gets a fixed MAC.
      `ip -b - <<'EOF'`, `link add ${bridge} address ${macOfAddress(gatewayIp)} type bridge`, `addr add ${gatewayIp}/${prefix} dev ${bridge}`, `link set ${bridge} up`, 'EOF',
      // Same-VPC traffic is bridged; where br_netfilter shows it to the forward hook, it is accepted here.
      `nft add rule inet ${TABLE} vpc_same iifname '"${bridge}*"' oifname '"${bridge}*"' accept`,
      `nft add rule inet ${TABLE} postrouting ip saddr ${vpc.cidrBlock} oifname != '"${IFACE_PREFIX}*"' masquerade`,
    ]).then(() => ({ bridge: { bridge, gatewayIp }, prefix, network, used: new Set([0, 1]), maxInstanceOffset: Math.max(2, Math.floor(size / 2) - 1), endpointPorts: new Set<number>(), nextOffset: 2 }));
  }

  function ensure(vpc: VpcAttachment): Promise<LiveVpc> {
    let p = vpcs.get(vpc.vpcId);
    if (!p) {
      vpcs.set(vpc.vpcId, (p = createVpc(vpc)));
      p.catch(() => vpcs.delete(vpc.vpcId));
    }
    return p;
  }

  /**
   * The next free instance address of a VPC, round-robin from the last one handed out, so an
   * address just released is the last to be handed out again.
   */
  function takeOffset(vpc: LiveVpc, attachment: VpcAttachment): number {
    const span = vpc.maxInstanceOffset - 1; // offsets 2..maxInstanceOffset
    for (let i = 0; i < span; i++) {
      const offset = 2 + ((vpc.nextOffset - 2 + i) % span);
      if (vpc.used.has(offset)) continue;
      vpc.used.add(offset);
      vpc.nextOffset = offset + 1 > vpc.maxInstanceOffset ? 2 : offset + 1;
      return offset;
    }
    throw new PlatformError('ResourceExhausted', `VPC ${attachment.vpcId} (${attachment.cidrBlock}) has no free instance address left`);
  }

  const nsName = (slot: number) => `openfc-${options.lease}-${slot}`;

  /** Creates and wires one instance's namespace. */
  async function attachNamespace(slot: number, hostIf: string, hostSide: string[], nsSide: string[], bandwidth: string, eth0Mac?: string): Promise<string> {
    const ns = nsName(slot);
    const tbf = `root tbf rate ${bandwidth} burst 1mb latency 50ms`;
    live.add(ns);
    await runScript([
      `ip netns add ${ns} 2>/dev/null || { ip netns del ${ns}; ip netns add ${ns}; }`,
      // The slot's previous veth may still exist: deleting a namespace removes its links asynchronously.
      `ip link del ${hostIf} 2>/dev/null || true`,
      `ip -b - <<'EOF'`, `link add ${hostIf} type veth peer name eth0${eth0Mac ? ` address ${eth0Mac}` : ''} netns ${ns}`, ...hostSide, `link set ${hostIf} up`, 'EOF',
      `ip -n ${ns} -b - <<'EOF'`, 'link set lo up', ...nsSide, 'EOF',
      `tc qdisc add dev ${hostIf} ${tbf}`,
      `tc -n ${ns} qdisc add dev eth0 ${tbf}`,
    ]);
    return ns;
  }

  /**
   * Deleting a namespace only unmounts it: the kernel tears it down (and with it the instance's
   * eth0 and its address) later, when the last process and socket in it are gone. Deleting the
   * host end of the veth removes both ends now, so a dying namespace never keeps an address on a
   * bridge after its instance is gone (a later instance may get that address).
   */
  const releaseNamespace = async (ns: string, hostIf: string) => {
    live.delete(ns);
    await runScript([`ip link del ${hostIf} 2>/dev/null || true`, `ip netns del ${ns} 2>/dev/null || true`]).catch(() => undefined);
  };

  return {
    async attach(slot, spec, bandwidth = options.bandwidth) {
      if (!spec.vpc && !spec.internet) return { release: async () => undefined };
      if (!spec.vpc) {
        const hostIp = ipv4(base, slot * 4 + 1);
        const instIp = ipv4(base, slot * 4 + 2);
        const ns = await attachNamespace(slot, `${ifacePrefix}${slot}`, [`addr add ${hostIp}/30 dev ${ifacePrefix}${slot}`],
          [`addr add ${instIp}/30 dev eth0`, 'link set eth0 up', `route add default via ${hostIp}`], bandwidth);
        return { netnsPath: `/run/netns/${ns}`, address: instIp, release: () => releaseNamespace(ns, `${ifacePrefix}${slot}`) };
      }
      const vpc = await ensure(spec.vpc);
      const offset = takeOffset(vpc, spec.vpc);
      const instIp = ipv4(vpc.network, offset);
      const hostIf = `${vpc.bridge.bridge}p${slot.toString(36)}`;
      try {
        // The address may have been another instance's. Its MAC is derived from the address, so
        // neighbours that still cache the old pairing stay right; the gateway's entry is flushed anyway.
        const ns = await attachNamespace(slot, hostIf, [`link set ${hostIf} master ${vpc.bridge.bridge}`, `neigh flush to ${instIp} dev ${vpc.bridge.bridge}`],
          [`addr add ${instIp}/${vpc.prefix} dev eth0`, 'link set eth0 up', ...(spec.internet ? [`route add default via ${vpc.bridge.gatewayIp}`] : [])], bandwidth, macOfAddress(instIp));
        return {
          netnsPath: `/run/netns/${ns}`,
          address: instIp,
          async release() {
            await releaseNamespace(ns, hostIf);
            vpc.used.delete(offset);
          },
        };
      } catch (e: unknown) {
        // A half-made attachment may hold the address on the bridge: it goes before the address is free.
        await releaseNamespace(nsName(slot), hostIf);
        vpc.used.delete(offset);
        throw e;
      }
    },
    async ensureVpc(vpc) {
      return (await ensure(vpc)).bridge;
    },
    async removeVpc(vpc) {
      const p = vpcs.get(vpc.vpcId);
      if (!p) return;
      vpcs.delete(vpc.vpcId);
      const v = await p.catch(() => undefined);
      if (!v) return;
      bridges.delete(v.bridge.bridge);
      for (const port of v.endpointPorts) await runAsync('nft', ['-f', '-'], endpointElements('delete', v.bridge, port)).catch(() => undefined);
      await runAsync('ip', ['link', 'del', v.bridge.bridge]).catch(() => undefined);
    },
    async allowEndpoint(vpc, port) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`not a TCP port: ${port}`);
      const v = await ensure(vpc);
      if (v.endpointPorts.has(port)) return;
      await runAsync('nft', ['-f', '-'], endpointElements('add', v.bridge, port));
      v.endpointPorts.add(port);
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
      for (const bridge of bridges) {
        try {
          run('ip', ['link', 'del', bridge]);
        } catch {
          /* already gone */
        }
      }
      try {
        run('nft', ['delete', 'table', 'inet', TABLE]);
      } catch {
        /* already gone */
      }
    },
  };
}

/**
 * @module sandbox/drivers/linux/host-check
 * What this machine lets the Linux driver enforce: root, bubblewrap with working user namespaces,
 * setpriv, cgroups (v1 or v2), and nftables/iproute2 for network modes. Each missing piece is
 * reported with what it costs, so `openfc serve` can say exactly what it cannot enforce.
 */
import { execFileSync } from 'node:child_process';
import { detectCgroups, type CgroupLayout } from './cgroups.js';

export interface HostCheck {
  /** The driver can start isolated instances at all. */
  readonly isUsable: boolean;
  readonly cgroups?: CgroupLayout;
  /** Network mode `internet` can be wired (nft, ip, tc present and working). */
  readonly hasNetworking: boolean;
  /** Human-readable findings: each thing that cannot be enforced, and why. */
  readonly problems: string[];
}

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function checkHost(): HostCheck {
  const problems: string[] = [];
  if (process.platform !== 'linux') return { isUsable: false, hasNetworking: false, problems: ['not Linux'] };
  if (process.getuid?.() !== 0) problems.push('openfc is not running as root (needed for cgroups, per-instance uids and network namespaces)');
  if (!works('bwrap', ['--version'])) problems.push('bubblewrap (bwrap) is not installed: apt-get install bubblewrap');
  else if (!works('bwrap', ['--unshare-user', '--ro-bind', '/', '/', 'true'])) problems.push('bwrap cannot create a user namespace (user namespaces are disabled on this kernel)');
  if (!works('setpriv', ['--version'])) problems.push('setpriv (util-linux) is missing');
  const cg = detectCgroups();
  if (!cg.layout) problems.push(`cgroups: ${cg.problem}`);
  const isUsable = problems.length === 0;
  const hasNetworking = works('nft', ['--version']) && works('ip', ['-V']) && works('tc', ['-V']) && works('nsenter', ['--version']);
  if (!hasNetworking) problems.push('nftables, iproute2 (ip, tc) or nsenter is missing: functions with internetAccess cannot get a network; apt-get install nftables iproute2');
  return { isUsable, cgroups: cg.layout, hasNetworking, problems };
}

/**
 * A fake host "on the internet" for tests: a network namespace the test creates, joined to the
 * host by a veth pair with a /30 from 198.18.0.0/15 (reserved for benchmarking, never routed on
 * the real internet). Test traffic to it never leaves the machine. Needs root and iproute2;
 * `createOutsideHost()` resolves to undefined where that is missing.
 */
import { execFile, execFileSync } from 'node:child_process';

export interface OutsideHost {
  readonly netns: string;
  /** The outside host's address, reachable from the host and from instances with internet access. */
  readonly address: string;
  close(): Promise<void>;
}

let counter = 0;

function ip(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('ip', args, (err, _o, stderr) => (err ? reject(new Error(`ip ${args.join(' ')}: ${stderr}`)) : resolve())));
}

export function canCreateOutsideHost(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Outside hosts of test processes that died without cleaning up (killed by a timeout, say) keep
 * their /30: a later process whose pid maps to the same block would get an address conflict.
 * Their namespaces and links go before a new one is made.
 */
function sweepDeadOutsideHosts(): void {
  let names: string[];
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^ofctest-(\d+)x(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let isAlive = true;
    try {
      process.kill(pid, 0);
    } catch (e: unknown) {
      isAlive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (isAlive) continue;
    for (const args of [['link', 'del', `otst${m[1]}x${m[2]}`.slice(0, 15)], ['netns', 'del', name]]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
  }
}

export async function createOutsideHost(): Promise<OutsideHost | undefined> {
  if (!canCreateOutsideHost()) return undefined;
  if (counter === 0) sweepDeadOutsideHosts();
  const n = counter++;
  // The full pid (interface names allow 15 characters: 'otst' + up to 7 digits + 'x' + n), so the
  // sweep below can tell a live owner from a dead one.
  const tag = `${process.pid}x${n}`;
  const netns = `ofctest-${tag}`;
  const hostIf = `otst${tag}`.slice(0, 15);
  // A /30 per (process, outside host): 198.18.0.0/15 has 32768 of them.
  const block = ((process.pid % 8192) * 4 + (n % 4)) % 32768;
  const a = (block * 4) >>> 0;
  const hostIp = `198.${18 + (a >>> 16)}.${(a >>> 8) & 255}.${(a & 255) + 1}`;
  const address = `198.${18 + (a >>> 16)}.${(a >>> 8) & 255}.${(a & 255) + 2}`;
  await ip(['netns', 'del', netns]).catch(() => undefined);
  await ip(['netns', 'add', netns]);
  // Deleting the veth removes its address at once; a namespace a process still holds would keep it.
  const cleanup = () => {
    for (const args of [['link', 'del', hostIf], ['netns', 'del', netns]]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', cleanup);
  await ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
  await ip(['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
  await ip(['link', 'set', hostIf, 'up']);
  await ip(['-n', netns, 'addr', 'add', `${address}/30`, 'dev', 'eth0']);
  await ip(['-n', netns, 'link', 'set', 'eth0', 'up']);
  await ip(['-n', netns, 'link', 'set', 'lo', 'up']);
  await ip(['-n', netns, 'route', 'add', 'default', 'via', hostIp]);
  return {
    netns,
    address,
    async close() {
      process.off('exit', cleanup);
      await ip(['link', 'del', hostIf]).catch(() => undefined);
      await ip(['netns', 'del', netns]).catch(() => undefined);
    },
  };
}

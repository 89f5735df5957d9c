/**
 * What the host's networking looks like right now, as text for a test's diagnostics: openfc's
 * links and addresses, neighbour and bridge forwarding entries, and each instance namespace's
 * addresses, neighbours and TCP sockets. For faults that only show in full-suite runs.
 */
import { execFileSync } from 'node:child_process';

const run = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e: unknown) {
    return `(${cmd} ${args.join(' ')} failed: ${(e as Error).message.split('\n')[0]})`;
  }
};

export function networkSnapshot(): string {
  const out: string[] = [];
  const section = (title: string, text: string) => out.push(`--- ${title}\n${text}`);
  section('links and addresses (ofc*)', run('ip', ['-br', 'addr', 'show']).split('\n').filter((l) => l.startsWith('ofc')).join('\n'));
  section('host neighbours on ofc*', run('ip', ['neigh', 'show']).split('\n').filter((l) => / dev ofc/.test(l)).join('\n'));
  section('bridge fdb (ofc*)', run('bridge', ['fdb', 'show']).split('\n').filter((l) => / (dev|master) ofc/.test(l) && !l.includes('permanent')).join('\n'));
  const namespaces = run('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith('openfc-'));
  for (const ns of namespaces) {
    section(`netns ${ns}`, [run('ip', ['-n', ns, '-br', 'addr']), run('ip', ['-n', ns, 'neigh']), run('ip', ['-n', ns, 'route']), run('ss', ['-N', ns, '-tnoi'])].join('\n'));
  }
  return out.join('\n');
}

/** For the linux network tests: a quiet command runner, and whether this host lets them run (root, nft, ip). */
import { execFileSync } from 'node:child_process';

export const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

export const canRunNetworkTests: boolean = (() => {
  try {
    return process.getuid?.() === 0 && sh('nft', ['list', 'tables']) !== undefined && Boolean(sh('ip', ['-V']));
  } catch {
    return false;
  }
})();

/**
 * @module sandbox/drivers/linux/node-lease
 * Several `openfc serve` processes may share one machine (a developer's server and a test run,
 * or parallel test files). Each Linux driver leases a small index, and everything machine-wide
 * that it creates is named and numbered by it: its cgroup directory, nftables table, network
 * namespaces and interfaces, instance subnet and host uid range. So one platform never sweeps,
 * routes to or shares a uid with another's instances.
 *
 * A lease is a file `<dir>/<index>.pid` created exclusively and holding the owner's pid. A lease
 * whose owner is dead is taken over (its leftovers are then swept by the new owner).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PlatformError } from '../../../errors/index.js';

export const MAX_NODE_LEASES = 32;
export const DEFAULT_LEASE_DIR = '/run/openfc/leases';

export interface NodeLease {
  readonly index: number;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether lease `index` in `dir` is held by a running process (its file exists and names a live pid). */
export function isLeaseHeld(index: number, dir = DEFAULT_LEASE_DIR): boolean {
  try {
    const owner = Number(fs.readFileSync(path.join(dir, `${index}.pid`), 'utf8').trim());
    return Number.isInteger(owner) && owner > 0 && isAlive(owner);
  } catch {
    return false;
  }
}

export function acquireNodeLease(dir = DEFAULT_LEASE_DIR): NodeLease {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (let index = 0; index < MAX_NODE_LEASES; index++) {
    const file = path.join(dir, `${index}.pid`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o644 });
        let isReleased = false;
        return {
          index,
          release() {
            if (isReleased) return;
            isReleased = true;
            if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
          },
        };
      } catch (e: unknown) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const owner = Number(fs.readFileSync(file, 'utf8').trim());
        if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) break;
        fs.rmSync(file, { force: true });
      }
    }
  }
  throw new PlatformError('ResourceExhausted', `all ${MAX_NODE_LEASES} linux sandbox leases in ${dir} are held by running openfc processes`);
}

/**
 * @module sandbox/drivers/linux/cgroups
 * Per-instance cgroups on cgroup v1 or v2, detected at start. Instance cgroups nest under
 * openfc's own cgroup: `<own>/openfc-<lease>/<instance>` in each v1 hierarchy (memory, cpu, pids,
 * freezer), or in the v2 hierarchy (the lease index keeps platforms sharing a machine apart). Limits: memory (no swap), CPU quota, pids;
 * plus freeze/thaw, the OOM-kill counter, and killing everything inside.
 */
import fs from 'node:fs';
import path from 'node:path';

export type CgroupVersion = 'v1' | 'v2';
const V1_CONTROLLERS = ['memory', 'cpu', 'pids', 'freezer'] as const;
type V1Controller = (typeof V1_CONTROLLERS)[number];
export const CPU_PERIOD_US = 100_000;

export interface CgroupLimits {
  readonly memoryBytes: number;
  /** null: no quota (used for the cold-start boost). */
  readonly cpuQuotaUs: number | null;
  readonly pidsMax: number;
}

export interface InstanceCgroup {
  /** Files a process writes its pid into to join (one per v1 hierarchy, one for v2). */
  readonly procsFiles: readonly string[];
  setCpuQuota(quotaUs: number | null): void;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** OOM kills inside so far; 0 once the cgroup is gone (removed when its last process left). */
  oomKillCount(): number;
  pids(): number[];
  /** SIGKILLs every process inside. */
  killAll(): void;
  /** Removes the cgroup once it is empty. */
  remove(): Promise<void>;
}

export interface CgroupManager {
  readonly version: CgroupVersion;
  create(name: string, limits: CgroupLimits): InstanceCgroup;
  /** Removes instance cgroups a previous openfc process left behind. */
  sweep(): void;
}

export interface CgroupLayout {
  readonly version: CgroupVersion;
  /** v1: controller → openfc's own cgroup in it; v2: openfc's own cgroup. */
  readonly roots: Partial<Record<V1Controller | 'unified', string>>;
}

interface Mount {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly superOptions: string[];
}

function readMounts(): Mount[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [left, right = ''] = line.split(' - ');
      const f = left!.split(' ');
      const g = right.split(' ');
      return { mountPoint: f[4]!, fsType: g[0]!, superOptions: (g[2] ?? '').split(',') };
    });
}

function ownCgroups(): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, controllers, p] = line.split(':');
    if (controllers === '') own.set('unified', p!);
    else for (const c of controllers!.split(',')) own.set(c, p!);
  }
  return own;
}

/** Finds the cgroup hierarchy openfc can manage, or explains why there is none. */
export function detectCgroups(): { layout?: CgroupLayout; problem?: string } {
  const mounts = readMounts();
  const own = ownCgroups();
  const v2 = mounts.find((m) => m.fsType === 'cgroup2');
  const v1 = mounts.filter((m) => m.fsType === 'cgroup');
  const v1Roots: Partial<Record<V1Controller, string>> = {};
  for (const c of V1_CONTROLLERS) {
    const m = v1.find((x) => x.superOptions.includes(c));
    if (m) v1Roots[c] = path.join(m.mountPoint, own.get(c) ?? '/');
  }
  if (V1_CONTROLLERS.every((c) => v1Roots[c])) return { layout: { version: 'v1', roots: v1Roots } };
  if (v2) {
    const base = path.join(v2.mountPoint, own.get('unified') ?? '/');
    const available = fs.readFileSync(path.join(v2.mountPoint, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
    const missing = ['memory', 'cpu', 'pids'].filter((c) => !available.includes(c));
    if (missing.length === 0) return { layout: { version: 'v2', roots: { unified: base } } };
    return { problem: `cgroup v2 at ${v2.mountPoint} lacks the controllers ${missing.join(', ')}` };
  }
  return { problem: `no usable cgroup hierarchy: v1 controllers found: ${Object.keys(v1Roots).join(', ') || 'none'}` };
}

const write = (file: string, value: string | number) => fs.writeFileSync(file, String(value));
const readPids = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);

/**
 * Polls until `check` holds: `eagerTries` times on the next turn (many for a thaw, which a request
 * waits on; few for a freeze, which nobody waits on), then backing off to at most 20 ms, so many
 * instances freezing together do not keep openfc busy reading cgroup files. Gives up after ~10 s.
 */
const FREEZE_EAGER_TRIES = 2;
const THAW_EAGER_TRIES = 200;

async function until(check: () => boolean, what: string, eagerTries: number): Promise<void> {
  let waitedMs = 0;
  for (let i = 0; waitedMs < 10_000; i++) {
    if (check()) return;
    if (i < eagerTries) await new Promise((r) => setImmediate(r));
    else {
      const delay = Math.min(20, 2 ** (i - eagerTries));
      waitedMs += delay;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  throw new Error(`cgroup: ${what} did not happen`);
}

async function rmdirWhenEmpty(dir: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (e: unknown) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/**
 * The `oom_kill` count in a cgroup's memory.oom_control (v1) or memory.events (v2). An instance's
 * exit is often seen after its emptied cgroup was removed (a shutdown removes them as soon as
 * their processes are gone): a missing file counts as no OOM kill, as nothing can be read of it.
 */
function oomKillsIn(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  const m = /oom_kill (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function createV1(roots: Partial<Record<V1Controller, string>>): CgroupManager {
  for (const c of V1_CONTROLLERS) fs.mkdirSync(roots[c]!, { recursive: true });
  return {
    version: 'v1',
    sweep() {
      for (const c of V1_CONTROLLERS) {
        for (const d of fs.readdirSync(roots[c]!, { withFileTypes: true })) {
          if (!d.isDirectory()) continue;
          const dir = path.join(roots[c]!, d.name);
          if (c === 'freezer') write(path.join(dir, 'freezer.state'), 'THAWED');
          killPids(readPids(path.join(dir, 'cgroup.procs')));
          void rmdirWhenEmpty(dir).catch(() => undefined);
        }
      }
    },
    create(name, limits) {
      const dirs = Object.fromEntries(V1_CONTROLLERS.map((c) => [c, path.join(roots[c]!, name)])) as Record<V1Controller, string>;
      for (const d of Object.values(dirs)) fs.mkdirSync(d);
      write(path.join(dirs.memory, 'memory.limit_in_bytes'), limits.memoryBytes);
      const memsw = path.join(dirs.memory, 'memory.memsw.limit_in_bytes');
      if (fs.existsSync(memsw)) write(memsw, limits.memoryBytes);
      write(path.join(dirs.memory, 'memory.swappiness'), 0);
      write(path.join(dirs.cpu, 'cpu.cfs_period_us'), CPU_PERIOD_US);
      const setCpuQuota = (q: number | null) => write(path.join(dirs.cpu, 'cpu.cfs_quota_us'), q === null ? -1 : Math.max(1000, Math.round(q)));
      setCpuQuota(limits.cpuQuotaUs);
      write(path.join(dirs.pids, 'pids.max'), limits.pidsMax);
      const state = path.join(dirs.freezer, 'freezer.state');
      const procs = path.join(dirs.pids, 'cgroup.procs');
      return {
        procsFiles: V1_CONTROLLERS.map((c) => path.join(dirs[c], 'cgroup.procs')),
        setCpuQuota,
        async freeze() {
          write(state, 'FROZEN');
          await until(() => fs.readFileSync(state, 'utf8').trim() === 'FROZEN', 'freeze', FREEZE_EAGER_TRIES);
        },
        async thaw() {
          write(state, 'THAWED');
          await until(() => fs.readFileSync(state, 'utf8').trim() === 'THAWED', 'thaw', THAW_EAGER_TRIES);
        },
        oomKillCount: () => oomKillsIn(path.join(dirs.memory, 'memory.oom_control')),
        pids: () => readPids(procs),
        killAll() {
          setCpuQuota(null);
          write(state, 'THAWED');
          killPids(readPids(procs));
        },
        async remove() {
          for (const d of Object.values(dirs)) await rmdirWhenEmpty(d);
        },
      };
    },
  };
}

function createV2(root: string): CgroupManager {
  fs.mkdirSync(root, { recursive: true });
  write(path.join(root, 'cgroup.subtree_control'), '+memory +cpu +pids');
  return {
    version: 'v2',
    sweep() {
      for (const d of fs.readdirSync(root, { withFileTypes: true })) {
        if (!d.isDirectory()) continue;
        const dir = path.join(root, d.name);
        write(path.join(dir, 'cgroup.kill'), 1);
        void rmdirWhenEmpty(dir).catch(() => undefined);
      }
    },
    create(name, limits) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      write(path.join(dir, 'memory.max'), limits.memoryBytes);
      if (fs.existsSync(path.join(dir, 'memory.swap.max'))) write(path.join(dir, 'memory.swap.max'), 0);
      const setCpuQuota = (q: number | null) => write(path.join(dir, 'cpu.max'), `${q === null ? 'max' : Math.max(1000, Math.round(q))} ${CPU_PERIOD_US}`);
      setCpuQuota(limits.cpuQuotaUs);
      write(path.join(dir, 'pids.max'), limits.pidsMax);
      const events = path.join(dir, 'cgroup.events');
      return {
        procsFiles: [path.join(dir, 'cgroup.procs')],
        setCpuQuota,
        async freeze() {
          write(path.join(dir, 'cgroup.freeze'), 1);
          await until(() => /frozen 1/.test(fs.readFileSync(events, 'utf8')), 'freeze', FREEZE_EAGER_TRIES);
        },
        async thaw() {
          write(path.join(dir, 'cgroup.freeze'), 0);
          await until(() => /frozen 0/.test(fs.readFileSync(events, 'utf8')), 'thaw', THAW_EAGER_TRIES);
        },
        oomKillCount: () => oomKillsIn(path.join(dir, 'memory.events')),
        pids: () => readPids(path.join(dir, 'cgroup.procs')),
        killAll() {
          setCpuQuota(null);
          write(path.join(dir, 'cgroup.kill'), 1);
        },
        remove: () => rmdirWhenEmpty(dir),
      };
    },
  };
}

/** `dirName` is this platform's directory under openfc's own cgroup, e.g. `openfc-0` (see node-lease). */
/** Whether openfc's cgroup directory `dirName` exists (so sweeping it creates nothing). */
export function hasCgroupDir(layout: CgroupLayout, dirName: string): boolean {
  const root = layout.version === 'v2' ? layout.roots.unified : layout.roots.freezer;
  return root !== undefined && fs.existsSync(path.join(root, dirName));
}

export function createCgroupManager(layout: CgroupLayout, dirName: string): CgroupManager {
  if (layout.version === 'v2') return createV2(path.join(layout.roots.unified!, dirName));
  const roots: Partial<Record<V1Controller, string>> = {};
  for (const c of V1_CONTROLLERS) roots[c] = path.join(layout.roots[c]!, dirName);
  return createV1(roots);
}

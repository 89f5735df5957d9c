// CPU time of process trees from /proc (Linux), so a benchmark can report the CPU each side spent per request.
import fs from 'node:fs';

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

export interface ProcCpu {
  readonly pid: number;
  readonly command: string;
  /** user + system CPU time so far, ms. */
  readonly cpuMs: number;
}

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(' ').map(Number));
    }
  } catch {
    /* gone, or not Linux */
  }
  return out;
}

function cpuOf(pid: number): ProcCpu | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const command = cmdline.slice(1).map((a) => a.replace(/^.*\//, '')).join(' ').slice(0, 60);
    return { pid, command, cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** The CPU time of every process in the trees rooted at `roots`. */
export function treeCpu(roots: number[]): ProcCpu[] {
  const out: ProcCpu[] = [];
  const todo = [...roots];
  while (todo.length) {
    const pid = todo.pop()!;
    const c = cpuOf(pid);
    if (c) out.push(c);
    todo.push(...children(pid));
  }
  return out;
}

/** CPU spent per process between two snapshots (processes present in `after`). */
export function cpuDelta(before: ProcCpu[], after: ProcCpu[]): ProcCpu[] {
  const base = new Map(before.map((p) => [p.pid, p.cpuMs]));
  return after.map((p) => ({ ...p, cpuMs: p.cpuMs - (base.get(p.pid) ?? 0) }));
}

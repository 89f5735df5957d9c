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

/** CPU time so far of one thread (`tid` = `pid` is a process's main thread), ms; 0 when it is gone. */
export function threadCpuMs(pid: number, tid = pid): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The machine's busy and total CPU time so far (all cores, from /proc/stat), ms. */
export function machineCpuMs(): { busyMs: number; totalMs: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const totalTicks = fields.reduce((a, b) => a + b, 0);
  const idleTicks = fields[3]! + fields[4]!; // idle + iowait
  return { busyMs: (totalTicks - idleTicks) * TICK_MS, totalMs: totalTicks * TICK_MS };
}

/** Time one thread spent on a CPU and waiting on a run queue (runnable, no CPU free) so far, ms (/proc schedstat). */
export function threadSchedMs(pid: number, tid = pid): { runMs: number; waitMs: number } {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { runMs: run! / 1e6, waitMs: wait! / 1e6 };
  } catch {
    return { runMs: 0, waitMs: 0 };
  }
}

/** Resident memory of a process in MB (VmRSS), or NaN once it is gone. */
export function residentMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

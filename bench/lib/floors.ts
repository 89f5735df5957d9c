// Starts and stops the warm-invoke floors (bench/warm-invoke/floors.cjs) as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './serve.js';

const FLOORS = path.join(ROOT, 'bench/warm-invoke/floors.cjs');
export const FLOOR_KINDS = ['bare', 'http-hop', 'frame-hop'] as const;
export type FloorKind = (typeof FLOOR_KINDS)[number];

export interface BenchFloor {
  readonly port: number;
  /** Every process of the floor (the backend, if any, then the front). */
  readonly pids: number[];
  /** The front: the process the load talks to. */
  readonly frontPid: number;
  stop(): void;
}

function startProcess(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, args, { env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c) => {
      out += c;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

export async function startFloor(kind: FloorKind): Promise<BenchFloor> {
  const sock = path.join(os.tmpdir(), `openfc-bench-${kind}-${process.pid}.sock`);
  const procs: ChildProcess[] = [];
  const stop = () => {
    procs.forEach((p) => p.kill('SIGKILL'));
    fs.rmSync(sock, { force: true });
  };
  try {
    if (kind !== 'bare') procs.push((await startProcess([FLOORS, kind, 'backend', sock])).proc);
    const front = await startProcess([FLOORS, kind, kind === 'bare' ? '-' : 'proxy', sock]);
    procs.push(front.proc);
    return { port: front.port, pids: procs.map((p) => p.pid!), frontPid: front.proc.pid!, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

// Starts a real `openfc serve` for a benchmark and stops it afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCredentials } from './acs3.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BenchServe {
  readonly dataDir: string;
  readonly creds: BenchCredentials;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startBenchServe(args: string[], env: Record<string, string> = {}, logLevel = 'error', nodeArgs: string[] = []): Promise<BenchServe> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-bench-'));
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin/openfc.js'), 'serve', '--data-dir', dataDir, '--port', '0', '--http-port', '0', '--log-level', logLevel, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('openfc ready')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`openfc serve exited with ${code}`)));
  });
  const c = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as { accessKeyId: string; accessKeySecret: string; endpoints: { http: string } };
  const host = c.endpoints.http.replace('http://', '');
  if (!/^(127\.0\.0\.1|localhost):\d+$/.test(host)) throw new Error(`openfc serve advertises a non-loopback HTTP endpoint: ${c.endpoints.http}`);
  const port = Number(host.split(':')[1]);
  return {
    // The host header is signed, so it is exactly what the benchmarks connect to.
    creds: { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, host: `127.0.0.1:${port}` },
    port,
    dataDir,
    pid: proc.pid!,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

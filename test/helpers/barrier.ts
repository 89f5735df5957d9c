/**
 * A barrier: an HTTP server that holds requests until the test releases them, so tests can keep
 * invocations in flight without sleeping. Function code calls `GET <url>/wait`.
 *
 * Instances of the linux sandbox cannot reach the host (that is the point), so where the machine
 * allows, the barrier runs on a fake outside host: a network namespace this test creates, with
 * a veth to the host and an address from 198.18.0.0/15 (the benchmarking range). Instances reach
 * it as they would reach the internet. Elsewhere it listens on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createOutsideHost, type OutsideHost } from './outside-host.js';

export interface Barrier {
  readonly url: string;
  /** Resolves once `n` requests are being held. */
  arrived(n: number): Promise<void>;
  /** Answers every held request (and any later one at once). */
  release(): void;
  close(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./barrier-server.cjs', import.meta.url));

function startServer(outside: OutsideHost | undefined): Promise<{ child: ChildProcess; port: number }> {
  const args = [process.execPath, SERVER, outside ? outside.address : '127.0.0.1'];
  const child = outside ? spawn('ip', ['netns', 'exec', outside.netns, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the barrier server exited with ${code}`)));
    child.stdout!.once('data', (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
  });
}

export async function startBarrier(): Promise<Barrier> {
  const outside = await createOutsideHost();
  const { child, port } = await startServer(outside);
  const url = `http://${outside ? outside.address : '127.0.0.1'}:${port}`;
  let released: Promise<unknown> | undefined;
  return {
    url,
    arrived: async (n) => {
      const r = await fetch(`${url}/arrived?n=${n}`);
      await r.text();
    },
    release() {
      released = fetch(`${url}/release`, { method: 'POST' }).then((r) => r.text());
    },
    async close() {
      await released?.catch(() => undefined);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await outside?.close();
    },
  };
}

/** Handler source that waits at the barrier and then answers with its instance id. */
export function barrierHandler(barrierUrl: string): string {
  return `exports.handler = async (event, context) => {
  await fetch(${JSON.stringify(barrierUrl + '/wait')}).then((r) => r.text());
  return process.env.FC_INSTANCE_ID;
};\n`;
}

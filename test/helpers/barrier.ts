/**
 * A loopback HTTP server that holds requests until the test releases them, so tests can keep
 * invocations in flight without sleeping. Function code calls `GET <url>/wait`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Barrier {
  readonly url: string;
  /** Resolves once `n` requests are being held. */
  arrived(n: number): Promise<void>;
  /** Answers every held request (and any later one at once). */
  release(): void;
  close(): Promise<void>;
}

export async function startBarrier(): Promise<Barrier> {
  const held: http.ServerResponse[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let isReleased = false;
  const server = http.createServer((_req, res) => {
    if (isReleased) return void res.end('go');
    held.push(res);
    for (const w of waiters.filter((w) => held.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived: (n) => (held.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    release() {
      isReleased = true;
      for (const res of held.splice(0)) res.end('go');
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of held.splice(0)) res.end('go');
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Handler source that waits at the barrier and then answers with its instance id. */
export function barrierHandler(barrierUrl: string): string {
  return `exports.handler = async (event, context) => {
  await fetch(${JSON.stringify(barrierUrl + '/wait')}).then((r) => r.text());
  return process.env.FC_INSTANCE_ID;
};\n`;
}

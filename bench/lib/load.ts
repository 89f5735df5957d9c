// A lean closed-loop HTTP/1.1 load generator over keep-alive raw sockets, shared by the benchmarks:
// requests are serialized to bytes before the timed loop, N connections each keep one request in
// flight, and responses are parsed only as far as status, content-length and x-fc-error-type.
// (node:http's client costs more CPU than the servers under test on a 2-core machine.)
import net from 'node:net';

export interface LoadRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface LoadResult {
  readonly latenciesMs: number[];
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
}

export function serialize(r: LoadRequest, port: number): Buffer {
  const headers = { host: `127.0.0.1:${port}`, ...r.headers, 'content-length': String(r.body.length), connection: 'keep-alive' };
  let head = `POST ${r.path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(head + '\r\n'), r.body]);
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Parses complete responses from `buf`; returns how many bytes were consumed and the responses. */
function parseResponses(buf: Buffer): { used: number; responses: { status: number; isError: boolean }[] } {
  const responses: { status: number; isError: boolean }[] = [];
  let used = 0;
  for (;;) {
    const end = buf.indexOf(HEADER_END, used);
    if (end < 0) break;
    const head = buf.toString('latin1', used, end);
    const m = /\r\ncontent-length: *(\d+)/i.exec(head);
    const length = m ? Number(m[1]) : 0;
    if (buf.length < end + 4 + length) break;
    responses.push({ status: Number(head.slice(9, 12)), isError: /\r\nx-fc-error-type:/i.test(head) });
    used = end + 4 + length;
  }
  return { used, responses };
}

/** Sends the pre-serialized requests on `concurrency` connections until all are sent or `maxSeconds` pass. */
export async function runLoad(opts: { port: number; concurrency: number; maxRequests: number; maxSeconds: number; next: (i: number) => LoadRequest }): Promise<LoadResult> {
  const total = opts.maxRequests;
  const wire = Array.from({ length: total }, (_, i) => serialize(opts.next(i), opts.port));
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + opts.maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, () =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(opts.port, '127.0.0.1');
        socket.setNoDelay(true);
        let buf: Buffer = Buffer.alloc(0);
        let sentAt = 0;
        const sendNext = () => {
          if (issued >= total || performance.now() >= deadline) {
            socket.end();
            return resolve();
          }
          sentAt = performance.now();
          socket.write(wire[issued++]!);
        };
        socket.on('connect', sendNext);
        socket.on('data', (chunk: Buffer) => {
          buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
          const { used, responses } = parseResponses(buf);
          if (!responses.length) return;
          buf = buf.subarray(used);
          for (const r of responses) {
            latencies.push(performance.now() - sentAt);
            if (r.status !== 200 || r.isError) errors++;
          }
          sendNext();
        });
        socket.on('error', reject);
      }),
    ),
  );
  return { latenciesMs: latencies, requests: latencies.length, seconds: (performance.now() - started) / 1000, errors };
}

export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

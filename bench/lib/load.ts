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
  /** Per-request latency (send of the request bytes to the end of the response), ms. */
  readonly latenciesMs: Float64Array;
  readonly requests: number;
  /** From the first send (all connections already open) to the last response. */
  readonly seconds: number;
  readonly errors: number;
  readonly firstError?: string;
  /** True when the loop stopped because `wire` ran out before `maxRequests` or the deadline. */
  readonly exhausted: boolean;
}

/** Request bytes; `host` defaults to 127.0.0.1:<port> unless the request sets its own (signed) host. */
export function serialize(r: LoadRequest, port: number): Buffer {
  const headers = { host: `127.0.0.1:${port}`, ...r.headers, 'content-length': String(r.body.length), connection: 'keep-alive' };
  let head = `POST ${r.path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), r.body]);
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length: *(\d+)/i;
const ERROR_TYPE = /\r\nx-fc-error-type:/i;
const CHUNKED = /\r\ntransfer-encoding: *chunked/i;

interface Parsed { used: number; statuses: number[]; errorHeads: string[] }

/** Parses complete responses from `buf`; anything but `expectedStatus` without x-fc-error-type is an error. */
function parseResponses(buf: Buffer, expectedStatus: number): Parsed {
  const out: Parsed = { used: 0, statuses: [], errorHeads: [] };
  for (;;) {
    const end = buf.indexOf(HEADER_END, out.used);
    if (end < 0) break;
    const head = buf.toString('latin1', out.used, end);
    const m = CONTENT_LENGTH.exec(head);
    if (!m && CHUNKED.test(head)) throw new Error(`load generator: chunked responses are not supported:\n${head}`);
    const length = m ? Number(m[1]) : 0;
    if (buf.length < end + 4 + length) break;
    const status = Number(head.slice(9, 12));
    if (status !== expectedStatus || ERROR_TYPE.test(head)) out.errorHeads.push(`${head}\r\n\r\n${buf.toString('utf8', end + 4, end + 4 + length)}`);
    out.statuses.push(status);
    out.used = end + 4 + length;
  }
  return out;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/**
 * Closed loop: `concurrency` keep-alive connections to 127.0.0.1:`port`, each with one request in
 * flight, until `maxRequests` were sent, `maxSeconds` passed, or `wire(i)` returns undefined.
 * `wire(i)` must be cheap (pre-serialized bytes): it runs inside the timed loop. A response is a
 * success when its status is `expectedStatus` (default 200; 202 for async invocations).
 */
export async function runLoad(opts: { port: number; concurrency: number; maxRequests: number; maxSeconds: number; wire: (i: number) => Buffer | undefined; expectedStatus?: number }): Promise<LoadResult> {
  const expectedStatus = opts.expectedStatus ?? 200;
  const sockets = await Promise.all(Array.from({ length: opts.concurrency }, () => connect(opts.port)));
  const latencies = new Float64Array(opts.maxRequests);
  let issued = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  let exhausted = false;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(opts.maxSeconds * 1e9));
  let last = started;
  await Promise.all(
    sockets.map((socket) =>
      new Promise<void>((resolve, reject) => {
        let buf: Buffer = Buffer.alloc(0);
        let sentAt = 0n;
        let closing = false;
        const finish = () => {
          closing = true;
          socket.end();
          resolve();
        };
        const sendNext = () => {
          if (issued >= opts.maxRequests || process.hrtime.bigint() >= deadline) return finish();
          const bytes = opts.wire(issued);
          if (!bytes) {
            exhausted = true;
            return finish();
          }
          issued++;
          sentAt = process.hrtime.bigint();
          socket.write(bytes);
        };
        socket.on('data', (chunk: Buffer) => {
          buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
          let parsed: Parsed;
          try {
            parsed = parseResponses(buf, expectedStatus);
          } catch (e) {
            return reject(e);
          }
          if (!parsed.statuses.length) return;
          buf = buf.subarray(parsed.used);
          last = process.hrtime.bigint();
          for (let k = 0; k < parsed.statuses.length; k++) latencies[done++] = Number(last - sentAt) / 1e6;
          if (parsed.errorHeads.length) {
            errors += parsed.errorHeads.length;
            firstError ??= parsed.errorHeads[0];
          }
          sendNext();
        });
        socket.on('error', reject);
        socket.on('close', () => {
          if (!closing) reject(new Error(`load generator: the server closed a connection (${done} responses so far)`));
        });
        sendNext();
      }),
    ),
  );
  return { latenciesMs: latencies.subarray(0, done), requests: done, seconds: Number(last - started) / 1e9, errors, firstError, exhausted };
}

/** Nearest-rank percentile (p in 0..100) of the values. */
export function percentile(xs: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Sends one pre-serialized request on a fresh connection; returns the status, raw head and body. */
export async function sendOnce(port: number, bytes: Buffer): Promise<{ status: number; head: string; body: Buffer }> {
  const socket = await connect(port);
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf(HEADER_END);
      if (end < 0) return;
      const head = buf.toString('latin1', 0, end);
      const m = CONTENT_LENGTH.exec(head);
      if (!m) return reject(new Error(`load generator: response without content-length:\n${head}`));
      if (buf.length < end + 4 + Number(m[1])) return;
      socket.destroy();
      resolve({ status: Number(head.slice(9, 12)), head, body: buf.subarray(end + 4, end + 4 + Number(m[1])) });
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

// The closed-loop keep-alive load of bench/lib/load.ts, for answers that must be 202 Accepted (async
// InvokeFunction); bench/lib/load.ts counts every non-200 as a failure. Same loop, same timing.
import net from 'node:net';
import type { LoadResult } from '../lib/load.js';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length: *(\d+)/i;
const ERROR_TYPE = /\r\nx-fc-error-type:/i;
const CHUNKED = /\r\ntransfer-encoding: *chunked/i;
const ACCEPTED = 202;

interface Parsed { used: number; count: number; errorHeads: string[] }

/** Parses complete responses from `buf`; anything but a 202 without x-fc-error-type is an error. */
function parseResponses(buf: Buffer): Parsed {
  const out: Parsed = { used: 0, count: 0, errorHeads: [] };
  for (;;) {
    const end = buf.indexOf(HEADER_END, out.used);
    if (end < 0) break;
    const head = buf.toString('latin1', out.used, end);
    const m = CONTENT_LENGTH.exec(head);
    if (!m && CHUNKED.test(head)) throw new Error(`load generator: chunked responses are not supported:\n${head}`);
    const length = m ? Number(m[1]) : 0;
    if (buf.length < end + 4 + length) break;
    if (Number(head.slice(9, 12)) !== ACCEPTED || ERROR_TYPE.test(head)) out.errorHeads.push(`${head}\r\n\r\n${buf.toString('utf8', end + 4, end + 4 + length)}`);
    out.count++;
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
 * `concurrency` keep-alive connections to 127.0.0.1:`port`, each with one request in flight, until
 * `maxRequests` were sent, `maxSeconds` passed, or `wire(i)` returns undefined (pre-built bytes only).
 */
export async function runAcceptedLoad(opts: { port: number; concurrency: number; maxRequests: number; maxSeconds: number; wire: (i: number) => Buffer | undefined }): Promise<LoadResult> {
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
            parsed = parseResponses(buf);
          } catch (e: unknown) {
            return reject(e);
          }
          if (!parsed.count) return;
          buf = buf.subarray(parsed.used);
          last = process.hrtime.bigint();
          for (let k = 0; k < parsed.count; k++) latencies[done++] = Number(last - sentAt) / 1e6;
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

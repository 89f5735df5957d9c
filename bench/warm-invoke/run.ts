// Warm sync invocation of an echo function through openfc, against three floors measured in the
// same run: the handler in a bare node:http server, and a one-hop proxy to a second process over
// a unix socket speaking HTTP/1.1 or length-prefixed frames. Latency at concurrency 1, throughput
// at concurrency 32. openfc requests are ACS3-signed ahead of each phase, each with its own nonce.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createZip } from '../../src/functions/index.js';
import { signHeaders } from '../lib/acs3.js';
import { percentile, runLoad, type LoadRequest } from '../lib/load.js';
import { ROOT, startBenchServe } from '../lib/serve.js';

const FLOORS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floors.cjs');
const PAYLOAD = Buffer.from(JSON.stringify({ key: 'value', list: [1, 2, 3], text: 'a warm invocation payload' }));
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 5000);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 5);
const CONCURRENCY = 32;

interface Row {
  scenario: string;
  p50: number;
  p99: number;
  rps: number;
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

async function startFloor(kind: string): Promise<{ port: number; stop(): void }> {
  const sock = path.join(os.tmpdir(), `openfc-bench-${kind}-${process.pid}.sock`);
  const procs: ChildProcess[] = [];
  if (kind !== 'bare') procs.push((await startProcess([FLOORS, kind, 'backend', sock])).proc);
  const front = await startProcess([FLOORS, kind, kind === 'bare' ? '' : 'proxy', sock]);
  procs.push(front.proc);
  return { port: front.port, stop: () => procs.forEach((p) => p.kill('SIGKILL')) };
}

async function measure(scenario: string, port: number, makeRequests: (n: number) => LoadRequest[]): Promise<Row> {
  const warm = makeRequests(2000);
  await runLoad({ port, concurrency: 1, maxRequests: 1000, maxSeconds: 5, next: (i) => warm[i]! });
  const lat = makeRequests(LATENCY_REQUESTS);
  const l = await runLoad({ port, concurrency: 1, maxRequests: LATENCY_REQUESTS, maxSeconds: 30, next: (i) => lat[i]! });
  await runLoad({ port, concurrency: CONCURRENCY, maxRequests: 1000, maxSeconds: 5, next: (i) => warm[1000 + i]! });
  const tp = makeRequests(Math.ceil(THROUGHPUT_SECONDS * 25_000));
  const t = await runLoad({ port, concurrency: CONCURRENCY, maxRequests: tp.length, maxSeconds: THROUGHPUT_SECONDS, next: (i) => tp[i]! });
  if (l.errors || t.errors) throw new Error(`${scenario}: ${l.errors + t.errors} failed requests`);
  return { scenario, p50: percentile(l.latenciesMs, 50), p99: percentile(l.latenciesMs, 99), rps: t.requests / t.seconds };
}

async function createEcho(serve: Awaited<ReturnType<typeof startBenchServe>>): Promise<void> {
  const body = Buffer.from(JSON.stringify({ functionName: 'echo', runtime: 'nodejs20', handler: 'index.handler', instanceConcurrency: 100, code: { zipFile: (await createZip({ 'index.js': 'exports.handler = async (event) => event;' })).toString('base64') } }));
  const headers = signHeaders(serve.creds, 'POST', '/2023-03-30/functions', 'CreateFunction', body, 'application/json');
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: serve.port, method: 'POST', path: '/2023-03-30/functions', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
  if (status !== 200) throw new Error(`CreateFunction answered ${status}`);
}

const rows: Row[] = [];
const plain = (n: number): LoadRequest[] => Array.from({ length: n }, () => ({ path: '/', headers: { 'content-type': 'application/octet-stream' }, body: PAYLOAD }));
for (const kind of ['bare', 'http-hop', 'frame-hop']) {
  const floor = await startFloor(kind);
  try {
    rows.push(await measure(`floor: ${kind}`, floor.port, plain));
  } finally {
    floor.stop();
  }
}

const sandbox = process.env.BENCH_SANDBOX ?? 'process';
const serve = await startBenchServe(['--sandbox', sandbox]);
try {
  await createEcho(serve);
  const invokePath = '/2023-03-30/functions/echo/invocations';
  const signed = (n: number): LoadRequest[] =>
    Array.from({ length: n }, () => ({
      path: invokePath,
      headers: signHeaders(serve.creds, 'POST', invokePath, 'InvokeFunction', PAYLOAD, 'application/octet-stream', { 'x-fc-invocation-type': 'Sync' }),
      body: PAYLOAD,
    }));
  rows.push(await measure(`openfc (${sandbox} sandbox)`, serve.port, signed));
} finally {
  await serve.stop();
}

const byName = (s: string) => rows.find((r) => r.scenario.startsWith(s))!;
const httpHop = byName('floor: http-hop');
const frameHop = byName('floor: frame-hop');
const fastestHop = frameHop.rps >= httpHop.rps ? frameHop : httpHop;
const openfc = byName('openfc');
const ratios = {
  p50OverFasterHopMs: openfc.p50 - Math.min(httpHop.p50, frameHop.p50),
  throughputVsFasterHop: openfc.rps / fastestHop.rps,
  frameHopVsHttpHopThroughput: frameHop.rps / httpHop.rps,
};
console.log(`warm sync invocation, ${PAYLOAD.length}-byte payload; latency at concurrency 1 (${LATENCY_REQUESTS} requests), throughput at concurrency ${CONCURRENCY} (${THROUGHPUT_SECONDS} s)`);
console.log('scenario'.padEnd(32), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'req/s'.padStart(9));
for (const r of rows) console.log(r.scenario.padEnd(32), r.p50.toFixed(3).padStart(8), r.p99.toFixed(3).padStart(8), r.rps.toFixed(0).padStart(9));
console.log(`openfc p50 over the faster one-hop floor: ${ratios.p50OverFasterHopMs.toFixed(3)} ms (target <= 0.3 ms)`);
console.log(`openfc throughput / faster one-hop floor (${fastestHop.scenario}): ${(ratios.throughputVsFasterHop * 100).toFixed(0)} % (target >= 60 %)`);
console.log(`frame hop / HTTP hop throughput: ${ratios.frameHopVsHttpHopThroughput.toFixed(2)}x`);
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/warm-invoke.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, rows, ratios }, null, 2));

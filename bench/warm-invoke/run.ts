// Warm sync invocation of an echo function through openfc against three floors, all in one run (`npm run bench`).
//
// Floors (bench/warm-invoke/floors.cjs, child processes): the handler in a bare node:http server;
// a one-hop node:http proxy to a second process on a unix socket over HTTP/1.1 keep-alive; the
// same proxy speaking length-prefixed frames (u32 length, u32 id, body) over one unix socket.
// openfc: a real `openfc serve` child, the function created with the official SDK, then raw
// HTTP requests ACS3-signed ahead of each phase (each with its own nonce) driven by the shared
// raw-socket load generator (bench/lib/load.ts). Latency at concurrency 1, throughput at 32.
// Knobs (env; any of them but BENCH_SANDBOX sends the JSON to warm-invoke.partial.json): BENCH_LATENCY_REQUESTS (5000), BENCH_THROUGHPUT_SECONDS (5), BENCH_CONCURRENCY (32), BENCH_SANDBOX
// (serve's default), BENCH_ONLY (comma list of scenario names), BENCH_SERVE_NODE_ARGS (e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof", node flags for the serve process; for profiling runs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchCredentials } from '../lib/acs3.js';
import { percentile, runLoad, sendOnce, type LoadResult } from '../lib/load.js';
import { cpuDelta, machineCpuMs, threadCpuMs, threadSchedMs, treeCpu } from '../lib/proc-cpu.js';
import { ROOT, startBenchServe } from '../lib/serve.js';
import { FLOOR_KINDS, startFloor } from '../lib/floors.js';
import { deployEcho, floorRequest, PAYLOAD, signedRequests } from './scenario.js';

const LATENCY_WARMUP = 1000;
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 5000);
const THROUGHPUT_WARMUP = 5000;
const THROUGHPUT_SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Upper bound on requests signed for one throughput window (memory and signing time stay bounded). */
const MAX_SIGNED = 250_000;
const ONLY = process.env.BENCH_ONLY?.split(',');

interface Row {
  scenario: string;
  p50: number;
  p99: number;
  rps: number;
  latencyRequests: number;
  throughputRequests: number;
  throughputSeconds: number;
  /** CPU of the server-side processes (all of them, children included) per request in the throughput window, µs. */
  serverCpuUsPerRequest: number;
  /** CPU of this process (the load generator) per request in the throughput window, µs. */
  loadgenCpuUsPerRequest: number;
  serverProcesses: { command: string; cpuUsPerRequest: number }[];
  /** Share of the window the front process's main thread was on a CPU (1 = one core all the time). */
  frontMainThreadBusy: number;
  /** Share of all cores busy during the window (anything on the machine). */
  machineBusy: number;
  /** Share of the window the front's main thread was runnable but waiting for a CPU. */
  frontMainThreadRunQueueWait: number;
}

/** Supplies the request bytes of one phase; called just before the phase (so signatures are fresh). */
type WireFactory = (count: number) => (i: number) => Buffer | undefined;

/** One request; fails loudly unless it is a 200 echoing the payload without an x-fc-error-type header. */
async function checkEcho(scenario: string, port: number, wire: Buffer): Promise<void> {
  const res = await sendOnce(port, wire);
  if (res.status !== 200 || /\r\nx-fc-error-type:/i.test(res.head) || !res.body.equals(PAYLOAD)) {
    throw new Error(`${scenario}: the first request did not echo the payload:\n${res.head}\n\n${res.body.toString()}`);
  }
}

function assertClean(scenario: string, phase: string, r: LoadResult): void {
  if (r.errors) throw new Error(`${scenario} ${phase}: ${r.errors} failed requests; first:\n${r.firstError}`);
  if (r.exhausted) throw new Error(`${scenario} ${phase}: ran out of pre-built requests before the window ended`);
}

async function measure(scenario: string, port: number, serverPids: number[], makeWire: WireFactory): Promise<Row> {
  await checkEcho(scenario, port, makeWire(1)(0)!);
  const w1 = await runLoad({ port, concurrency: 1, maxRequests: LATENCY_WARMUP, maxSeconds: 20, wire: makeWire(LATENCY_WARMUP) });
  assertClean(scenario, 'latency warm-up', w1);
  const l = await runLoad({ port, concurrency: 1, maxRequests: LATENCY_REQUESTS, maxSeconds: 60, wire: makeWire(LATENCY_REQUESTS) });
  assertClean(scenario, 'latency', l);
  const w2 = await runLoad({ port, concurrency: CONCURRENCY, maxRequests: THROUGHPUT_WARMUP, maxSeconds: 20, wire: makeWire(THROUGHPUT_WARMUP) });
  assertClean(scenario, 'throughput warm-up', w2);
  // Enough pre-built requests for four times the warm-up rate over the window.
  const pool = Math.min(MAX_SIGNED, Math.max(20_000, Math.ceil((w2.requests / w2.seconds) * THROUGHPUT_SECONDS * 4)));
  const wire = makeWire(pool);
  const cpuBefore = treeCpu(serverPids);
  const frontBefore = threadCpuMs(serverPids[serverPids.length - 1]!);
  const schedBefore = threadSchedMs(serverPids[serverPids.length - 1]!);
  const machineBefore = machineCpuMs();
  const loadBefore = process.cpuUsage();
  const t = await runLoad({ port, concurrency: CONCURRENCY, maxRequests: pool, maxSeconds: THROUGHPUT_SECONDS, wire });
  const load = process.cpuUsage(loadBefore);
  const server = cpuDelta(cpuBefore, treeCpu(serverPids));
  const frontMs = threadCpuMs(serverPids[serverPids.length - 1]!) - frontBefore;
  const frontWaitMs = threadSchedMs(serverPids[serverPids.length - 1]!).waitMs - schedBefore.waitMs;
  const machineAfter = machineCpuMs();
  assertClean(scenario, 'throughput', t);
  if (t.seconds < THROUGHPUT_SECONDS * 0.95) throw new Error(`${scenario}: throughput window ended after ${t.seconds.toFixed(2)} s (${pool} requests were built)`);
  const row = { scenario, p50: percentile(l.latenciesMs, 50), p99: percentile(l.latenciesMs, 99), rps: t.requests / t.seconds, latencyRequests: l.requests, throughputRequests: t.requests, throughputSeconds: t.seconds,
    serverCpuUsPerRequest: (server.reduce((a, p) => a + p.cpuMs, 0) * 1000) / t.requests,
    loadgenCpuUsPerRequest: (load.user + load.system) / t.requests,
    serverProcesses: server.map((p) => ({ command: p.command, cpuUsPerRequest: (p.cpuMs * 1000) / t.requests })),
    frontMainThreadBusy: frontMs / (t.seconds * 1000),
    frontMainThreadRunQueueWait: frontWaitMs / (t.seconds * 1000),
    machineBusy: (machineAfter.busyMs - machineBefore.busyMs) / (machineAfter.totalMs - machineBefore.totalMs),
  };
  console.error(`  ${scenario}: p50 ${row.p50.toFixed(3)} ms, p99 ${row.p99.toFixed(3)} ms, ${row.rps.toFixed(0)} req/s; CPU/request: server ${row.serverCpuUsPerRequest.toFixed(0)} µs, load generator ${row.loadgenCpuUsPerRequest.toFixed(0)} µs`);
  console.error(`    front main thread busy ${(row.frontMainThreadBusy * 100).toFixed(0)} % of the window (${((row.frontMainThreadBusy * 1e6) / row.rps).toFixed(0)} µs per request), waiting for a CPU ${(row.frontMainThreadRunQueueWait * 100).toFixed(0)} %; machine busy ${(row.machineBusy * 100).toFixed(0)} % of all cores`);
  for (const p of row.serverProcesses) console.error(`    ${p.cpuUsPerRequest.toFixed(0).padStart(5)} µs/req  ${p.command}`);
  return row;
}

/** Floors take the same bytes every time. */
const plainWire = (port: number): WireFactory => {
  const bytes = floorRequest(port);
  return () => () => bytes;
};

/** openfc: `count` requests signed now (one x-acs-date for the phase, a fresh nonce each). */
const signedWire = (creds: BenchCredentials, port: number): WireFactory => (count) => signedRequests(creds, port, count);

const selected = (name: string) => !ONLY || ONLY.includes(name);
const rows: Row[] = [];
console.error(`warm-invoke: ${PAYLOAD.length}-byte payload, node ${process.version}, ${os.cpus().length} cpus`);
for (const kind of FLOOR_KINDS) {
  if (!selected(`floor-${kind}`)) continue;
  const floor = await startFloor(kind);
  try {
    rows.push(await measure(`floor-${kind}`, floor.port, floor.pids, plainWire(floor.port)));
  } finally {
    floor.stop();
  }
}

if (selected('openfc')) {
  const sandbox = process.env.BENCH_SANDBOX;
  const nodeArgs = process.env.BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const serveEnv = Object.fromEntries((process.env.BENCH_SERVE_ENV ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
  const serve = await startBenchServe(sandbox ? ['--sandbox', sandbox] : [], serveEnv, 'warn', nodeArgs);
  try {
    await deployEcho(serve.creds, CONCURRENCY);
    rows.push(await measure('openfc', serve.port, [serve.pid], signedWire(serve.creds, serve.port)));
  } finally {
    await serve.stop();
  }
}

const byName = (s: string) => rows.find((r) => r.scenario === s);
const httpHop = byName('floor-http-hop');
const frameHop = byName('floor-frame-hop');
const openfc = byName('openfc');
const ratios: Record<string, number | string> = {};
if (httpHop && frameHop) ratios.frameHopVsHttpHopThroughput = frameHop.rps / httpHop.rps;
if (openfc && httpHop && frameHop) {
  const fasterLatency = frameHop.p50 <= httpHop.p50 ? frameHop : httpHop;
  const fasterThroughput = frameHop.rps >= httpHop.rps ? frameHop : httpHop;
  ratios.p50OverFasterHopMs = openfc.p50 - fasterLatency.p50;
  ratios.p50FasterHop = fasterLatency.scenario;
  ratios.throughputVsFasterHop = openfc.rps / fasterThroughput.rps;
  ratios.throughputFasterHop = fasterThroughput.scenario;
}

console.log(`\nwarm sync invocation, ${PAYLOAD.length}-byte JSON payload; latency at concurrency 1 (${LATENCY_WARMUP} warm-up + ${LATENCY_REQUESTS} requests), throughput at concurrency ${CONCURRENCY} (${THROUGHPUT_SECONDS} s window)`);
console.log('scenario'.padEnd(18), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'req/s @32'.padStart(10), 'server CPU µs/req @32'.padStart(22));
for (const r of rows) console.log(r.scenario.padEnd(18), r.p50.toFixed(3).padStart(8), r.p99.toFixed(3).padStart(8), r.rps.toFixed(0).padStart(10), r.serverCpuUsPerRequest.toFixed(0).padStart(22));
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
if (typeof ratios.p50OverFasterHopMs === 'number') {
  console.log(`openfc p50 - faster one-hop p50 (${ratios.p50FasterHop}): ${ratios.p50OverFasterHopMs.toFixed(3)} ms (target <= 0.3 ms: ${verdict(ratios.p50OverFasterHopMs <= 0.3)})`);
}
if (typeof ratios.throughputVsFasterHop === 'number') {
  console.log(`openfc throughput / faster one-hop (${ratios.throughputFasterHop}): ${(ratios.throughputVsFasterHop * 100).toFixed(0)} % (target >= 60 %: ${verdict(ratios.throughputVsFasterHop >= 0.6)})`);
}
if (typeof ratios.frameHopVsHttpHopThroughput === 'number') console.log(`frame-hop / http-hop throughput: ${ratios.frameHopVsHttpHopThroughput.toFixed(2)}x`);
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
// Only a full default run writes warm-invoke.json; exploratory runs (BENCH_ONLY, smaller phases) go to a separate file.
const isFullRun = !ONLY && LATENCY_REQUESTS === 5000 && THROUGHPUT_SECONDS === 5 && CONCURRENCY === 32 && !process.env.BENCH_SERVE_NODE_ARGS;
const out = path.join(ROOT, isFullRun ? 'bench/results/warm-invoke.json' : 'bench/results/warm-invoke.partial.json');
fs.writeFileSync(out, JSON.stringify({
  date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, payloadBytes: PAYLOAD.length, concurrency: CONCURRENCY,
  latencyWarmup: LATENCY_WARMUP, latencyRequests: LATENCY_REQUESTS, throughputWarmup: THROUGHPUT_WARMUP, throughputSeconds: THROUGHPUT_SECONDS,
  targets: { p50OverFasterHopMs: 0.3, throughputVsFasterHop: 0.6 }, rows, ratios,
}, null, 2) + '\n');
console.log(`wrote ${path.relative(ROOT, out)}`);

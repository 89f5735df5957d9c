// Async invocation benchmark (`npm run bench:async`): durable enqueue throughput through the API,
// end-to-end throughput of a no-op function, and the SQLite floor, all in one run.
//
// openfc: real `openfc serve` children; the function created with the official SDK; raw
// `InvokeFunction` requests with `x-fc-invocation-type: Async`, ACS3-signed ahead of each phase
// (each with its own nonce), driven over 64 keep-alive connections (bench/lib/load.ts expecting 202,
// the loop of bench/lib/load.ts expecting 202). Three servers: A has dispatch concurrency 1 and its
// one slot held by a parked attempt (the enqueue path alone), B dispatch concurrency 1 running the
// no-op, C the default 64 (end-to-end, then enqueue while dispatching).
// bench/async/queue-tx-counter.cjs is preloaded into each to count the queue's transactions.
// Floor (bench/async/sqlite-floor.ts): raw better-sqlite3 inserts of the same rows, same durability.
// Knobs (any of them sends the JSON to async.partial.json): BENCH_ENQUEUE_SECONDS (5),
// BENCH_E2E_EVENTS (5000), BENCH_CONNECTIONS (64), BENCH_SERVE_NODE_ARGS (e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof", node flags for the serve processes).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createFcClient, $FC } from '../../test/helpers/sdk.js';
import { createFunctionInput } from '../../test/helpers/functions.js';
import { presignInvocations, type BenchCredentials } from '../lib/acs3.js';
import { percentile, runLoad, sendOnce, type LoadResult } from '../lib/load.js';
import { cpuDelta, treeCpu } from '../lib/proc-cpu.js';
import { ROOT, startBenchServe, type BenchServe } from '../lib/serve.js';
import { runSqliteFloor, type FloorResult, type SampleRow } from './sqlite-floor.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TX_COUNTER = path.join(HERE, 'queue-tx-counter.cjs');
const PAYLOAD = Buffer.from(JSON.stringify({ key: 'value', list: [1, 2, 3], text: 'warm invocation payload!' })); // 64 bytes
const FUNCTION = 'noop';
const INVOKE_PATH = `/2023-03-30/functions/${FUNCTION}/invocations`;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const LATENCY_WARMUP = 500;
const LATENCY_REQUESTS = 2000;
const ENQUEUE_WARMUP = 5000;
const ENQUEUE_SECONDS = Number(process.env.BENCH_ENQUEUE_SECONDS ?? 5);
const E2E_WARMUP = 500;
const E2E_EVENTS = Number(process.env.BENCH_E2E_EVENTS ?? 5000);
const E2E_TIMEOUT_MS = 120_000;
const METRICS_POLL_MS = 50;
const FLOOR_SECONDS = 2;
const FIXED_BATCHES = [1, 8, 32, 128];
const TARGET_EVENTS_PER_S = 5000;
/** Upper bound on requests signed for one window. */
const MAX_SIGNED = 250_000;
const NODE_ARGS = process.env.BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

interface TxCounts { enqueueTx: number; enqueuedEvents: number; claimTx: number; claimedEvents: number; recoverTx: number; otherTx: number }

interface EnqueueRow {
  scenario: string;
  /** The dispatcher meanwhile: `parked` (claims nothing), or its concurrency running the no-op. */
  dispatch: string;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  seconds: number;
  /** Enqueue transactions in the window and the events per transaction (group commit). */
  enqueueTx: number;
  meanBatch: number;
  /** Other queue commits in the window: claims that leased events, and settles/retries. */
  claimTx: number;
  settleTx: number;
  settledInWindow: number;
  serverCpuUsPerEvent: number;
  loadgenCpuUsPerEvent: number;
  /** CPU used by everything else on the machine during the window, % of all cores (disturbance). */
  otherCpuPercent: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time all cores spent busy so far, from /proc/stat, ms. */
function machineBusyMs(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return (f.reduce((a, b) => a + b, 0) - f[3]! - f[4]!) * 10;
}

/** What the rest of the machine used in a window, as % of all cores. */
const otherCpuPercent = (busyMs: number, ownMs: number, seconds: number) => Math.max(0, ((busyMs - ownMs) / (seconds * 1000 * os.cpus().length)) * 100);

/** The no-op handler; the event `park` holds its attempt (and so a dispatch slot) for 10 minutes instead. */
const HANDLER = "exports.handler = async (event) => {\n  if (String(event) === 'park') await new Promise((r) => setTimeout(r, 600000));\n  return 'ok';\n};\n";

async function startServe(opts: { dispatchConcurrency?: number; timeoutS?: number }): Promise<BenchServe & { counterFile: string }> {
  const counterFile = path.join(os.tmpdir(), `openfc-bench-async-tx-${process.pid}-${opts.dispatchConcurrency ?? 'default'}-${opts.timeoutS ?? 3}.json`);
  const env: Record<string, string> = { BENCH_QUEUE_TX_COUNTER_FILE: counterFile };
  if (opts.dispatchConcurrency !== undefined) env.OPENFC_ASYNC_DISPATCH_CONCURRENCY = String(opts.dispatchConcurrency);
  const serve = await startBenchServe([], env, 'warn', [...NODE_ARGS, '--require', TX_COUNTER]);
  try {
    const client = createFcClient({ endpoint: serve.creds.host, accessKeyId: serve.creds.accessKeyId, accessKeySecret: serve.creds.accessKeySecret });
    // instanceConcurrency 100: one instance takes every attempt the dispatcher runs at once (64 by
    // default); memorySize 2048 gives it 1 vCPU (the linux sandbox caps 128 MB at 0.1 vCPU, as FC does).
    // The timeout stays at FC's default 3 s except where an attempt is parked (a longer timeout
    // makes the dispatcher renew every lease before its attempt: one more commit per event).
    await client.createFunction(new $FC.CreateFunctionRequest({
      body: await createFunctionInput(FUNCTION, { 'index.js': HANDLER }, { instanceConcurrency: 100, memorySize: 2048, ...(opts.timeoutS !== undefined && { timeout: opts.timeoutS }) }),
    }));
  } catch (e: unknown) {
    await serve.stop();
    fs.rmSync(counterFile, { force: true });
    throw e;
  }
  return {
    ...serve, counterFile,
    async stop() {
      await serve.stop();
      fs.rmSync(counterFile, { force: true });
    },
  };
}

/** Sends the `park` event and waits until its attempt runs: with dispatch concurrency 1 the dispatcher then claims nothing more. */
async function parkDispatcher(serve: BenchServe): Promise<void> {
  const park = presignInvocations(serve.creds, serve.port, { path: INVOKE_PATH, payload: Buffer.from('park'), invocationType: 'Async', count: 1 });
  const res = await sendOnce(serve.port, park(0)!);
  if (res.status !== 202) throw new Error(`park: ${res.status} ${res.body.toString()}`);
  const deadline = performance.now() + 30_000;
  while ((await asyncMetrics(serve.port)).byStatus.Running !== 1) {
    if (performance.now() > deadline) throw new Error('the parked attempt did not start within 30 s');
    await sleep(20);
  }
}

/** Asks the preloaded counter in the serve process for the queue's transaction counts. */
async function txCounts(serve: { pid: number; counterFile: string }): Promise<TxCounts> {
  fs.rmSync(serve.counterFile, { force: true });
  process.kill(serve.pid, 'SIGUSR2');
  for (let waited = 0; waited < 5000; waited += 5) {
    try {
      return JSON.parse(fs.readFileSync(serve.counterFile, 'utf8')) as TxCounts;
    } catch {
      await sleep(5);
    }
  }
  throw new Error('the serve process did not report its queue transaction counts (is bench/async/queue-tx-counter.cjs preloaded?)');
}

/** The async gauges of GET /metrics (loopback listener, unsigned). */
function asyncMetrics(port: number): Promise<{ enqueued: number; settled: number; byStatus: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`/metrics: ${res.statusCode} ${text}`));
        const num = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
        const byStatus: Record<string, number> = {};
        for (const m of text.matchAll(/^openfc_async_events\{status="(\w+)"\} (\d+)$/gm)) byStatus[m[1]!] = Number(m[2]);
        resolve({ enqueued: num('openfc_async_events_enqueued_total'), settled: num('openfc_async_events_settled_total'), byStatus });
      });
    }).on('error', reject);
  });
}

/** `count` async InvokeFunction requests signed now (one x-acs-date for the phase, a fresh nonce each). */
const signedWire = (creds: BenchCredentials, port: number, count: number) => presignInvocations(creds, port, { path: INVOKE_PATH, payload: PAYLOAD, invocationType: 'Async', count });

function assertClean(phase: string, r: LoadResult): void {
  if (r.errors) throw new Error(`${phase}: ${r.errors} requests were not answered 202; first:\n${r.firstError}`);
  if (r.exhausted) throw new Error(`${phase}: ran out of pre-built requests before the window ended`);
}

const load = (serve: BenchServe, concurrency: number, count: number, maxSeconds: number) =>
  runLoad({ port: serve.port, concurrency, maxRequests: count, maxSeconds, wire: signedWire(serve.creds, serve.port, count), expectedStatus: 202 });

/** One check request, then latency at concurrency 1 (each request is its own commit). */
async function latencyAtOne(serve: BenchServe): Promise<{ p50: number; p99: number }> {
  const res = await sendOnce(serve.port, signedWire(serve.creds, serve.port, 1)(0)!);
  if (res.status !== 202 || /\r\nx-fc-error-type:/i.test(res.head)) throw new Error(`the first async invocation was not accepted:\n${res.head}\n\n${res.body.toString()}`);
  assertClean('latency warm-up', await load(serve, 1, LATENCY_WARMUP, 30));
  const l = await load(serve, 1, LATENCY_REQUESTS, 60);
  assertClean('latency', l);
  return { p50: percentile(l.latenciesMs, 50), p99: percentile(l.latenciesMs, 99) };
}

/** Warm-up, then a fixed window of async invocations over CONNECTIONS connections. */
async function enqueueWindow(scenario: string, serve: BenchServe & { counterFile: string }, dispatch: string): Promise<EnqueueRow> {
  const w = await load(serve, CONNECTIONS, ENQUEUE_WARMUP, 30);
  assertClean(`${scenario} warm-up`, w);
  const pool = Math.min(MAX_SIGNED, Math.max(20_000, Math.ceil((w.requests / w.seconds) * ENQUEUE_SECONDS * 4)));
  const wire = signedWire(serve.creds, serve.port, pool);
  const [tx0, m0] = [await txCounts(serve), await asyncMetrics(serve.port)];
  const cpu0 = treeCpu([serve.pid]);
  const loadCpu0 = process.cpuUsage();
  const busy0 = machineBusyMs();
  const t = await runLoad({ port: serve.port, concurrency: CONNECTIONS, maxRequests: pool, maxSeconds: ENQUEUE_SECONDS, wire, expectedStatus: 202 });
  const busy = machineBusyMs() - busy0;
  const loadCpu = process.cpuUsage(loadCpu0);
  const server = cpuDelta(cpu0, treeCpu([serve.pid]));
  const [tx1, m1] = [await txCounts(serve), await asyncMetrics(serve.port)];
  assertClean(scenario, t);
  if (t.seconds < ENQUEUE_SECONDS * 0.95) throw new Error(`${scenario}: the window ended after ${t.seconds.toFixed(2)} s (${pool} requests were built)`);
  const enqueueTx = tx1.enqueueTx - tx0.enqueueTx;
  const row: EnqueueRow = {
    scenario, dispatch, eventsPerSecond: t.requests / t.seconds, p50: percentile(t.latenciesMs, 50), p99: percentile(t.latenciesMs, 99),
    requests: t.requests, seconds: t.seconds, enqueueTx, meanBatch: (tx1.enqueuedEvents - tx0.enqueuedEvents) / enqueueTx,
    claimTx: tx1.claimTx - tx0.claimTx, settleTx: tx1.otherTx - tx0.otherTx, settledInWindow: m1.settled - m0.settled,
    serverCpuUsPerEvent: (server.reduce((a, p) => a + p.cpuMs, 0) * 1000) / t.requests, loadgenCpuUsPerEvent: (loadCpu.user + loadCpu.system) / t.requests,
    otherCpuPercent: otherCpuPercent(busy, server.reduce((a, p) => a + p.cpuMs, 0) + (loadCpu.user + loadCpu.system) / 1000, t.seconds),
  };
  console.error(`  ${scenario}: ${row.eventsPerSecond.toFixed(0)} events/s, 202 p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms; ${enqueueTx} queue commits (mean ${row.meanBatch.toFixed(1)} writes each), ` +
    `${row.settledInWindow} settled; CPU/event: server ${row.serverCpuUsPerEvent.toFixed(0)} µs, load generator ${row.loadgenCpuUsPerEvent.toFixed(0)} µs; other processes ${row.otherCpuPercent.toFixed(0)} % of the machine`);
  for (const p of server) if (p.cpuMs > 0) console.error(`    ${((p.cpuMs * 1000) / t.requests).toFixed(0).padStart(5)} µs/event  ${p.command}`);
  return row;
}

/** Polls /metrics until `settled` reaches `target`; returns when it saw it. */
async function waitSettled(port: number, target: number, onSample?: (ms: number, settled: number) => void): Promise<number> {
  const deadline = performance.now() + E2E_TIMEOUT_MS;
  for (;;) {
    const m = await asyncMetrics(port);
    const at = performance.now();
    onSample?.(at, m.settled);
    if (m.settled >= target) return at;
    if (at > deadline) throw new Error(`only ${m.settled} of ${target} async events settled within ${E2E_TIMEOUT_MS / 1000} s`);
    await sleep(METRICS_POLL_MS);
  }
}

/** N events enqueued as fast as CONNECTIONS connections go; time until /metrics shows all settled. */
async function endToEnd(serve: BenchServe) {
  assertClean('e2e warm-up', await load(serve, CONNECTIONS, E2E_WARMUP, 30));
  await waitSettled(serve.port, E2E_WARMUP);
  const base = await asyncMetrics(serve.port);
  const wire = signedWire(serve.creds, serve.port, E2E_EVENTS);
  const cpu0 = treeCpu([serve.pid]);
  const loadCpu0 = process.cpuUsage();
  const busy0 = machineBusyMs();
  const t0 = performance.now();
  const l = await runLoad({ port: serve.port, concurrency: CONNECTIONS, maxRequests: E2E_EVENTS, maxSeconds: 60, wire, expectedStatus: 202 });
  assertClean('e2e enqueue', l);
  if (l.requests !== E2E_EVENTS) throw new Error(`e2e: only ${l.requests} of ${E2E_EVENTS} events were enqueued`);
  const enqueuedAt = performance.now();
  const doneAt = await waitSettled(serve.port, base.settled + E2E_EVENTS);
  const busy = machineBusyMs() - busy0;
  const loadCpu = process.cpuUsage(loadCpu0);
  const server = cpuDelta(cpu0, treeCpu([serve.pid]));
  const end = await asyncMetrics(serve.port);
  const succeeded = (end.byStatus.Succeeded ?? 0) - (base.byStatus.Succeeded ?? 0);
  if (succeeded !== E2E_EVENTS) throw new Error(`e2e: ${succeeded} of ${E2E_EVENTS} events Succeeded (${JSON.stringify(end.byStatus)})`);
  const seconds = (doneAt - t0) / 1000;
  const row = {
    events: E2E_EVENTS, seconds, eventsPerSecond: E2E_EVENTS / seconds, enqueueSeconds: (enqueuedAt - t0) / 1000, enqueueEventsPerSecond: E2E_EVENTS / l.seconds,
    serverCpuUsPerEvent: (server.reduce((a, p) => a + p.cpuMs, 0) * 1000) / E2E_EVENTS,
    serverProcesses: server.filter((p) => p.cpuMs > 0).map((p) => ({ command: p.command, cpuUsPerEvent: (p.cpuMs * 1000) / E2E_EVENTS })),
    otherCpuPercent: otherCpuPercent(busy, server.reduce((a, p) => a + p.cpuMs, 0) + (loadCpu.user + loadCpu.system) / 1000, seconds),
  };
  console.error(`  end-to-end: ${E2E_EVENTS} events all settled (Succeeded) in ${seconds.toFixed(2)} s = ${row.eventsPerSecond.toFixed(0)} events/s (enqueue done at ${row.enqueueSeconds.toFixed(2)} s); server CPU ${row.serverCpuUsPerEvent.toFixed(0)} µs/event; other processes ${row.otherCpuPercent.toFixed(0)} % of the machine`);
  for (const p of row.serverProcesses) console.error(`    ${p.cpuUsPerEvent.toFixed(0).padStart(5)} µs/event  ${p.command}`);
  return row;
}

/** A stored event row, to give the floor the same bytes (read-only; the server keeps running). */
function sampleRow(serve: BenchServe): SampleRow {
  const db = new Database(path.join(serve.dataDir, 'queue.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT * FROM async_events WHERE kind = 'invoke' ORDER BY seq DESC LIMIT 1").get() as SampleRow | undefined;
    if (!row) throw new Error('no async event in the server queue');
    return row;
  } finally {
    db.close();
  }
}

console.error(`async: ${PAYLOAD.length}-byte payload, ${CONNECTIONS} connections, node ${process.version}, ${os.cpus().length} cpus`);
const enqueueRows: EnqueueRow[] = [];
let sample: SampleRow;
let single: { p50: number; p99: number };

// A: dispatch concurrency 1, its one slot held by a parked attempt: the enqueue path alone.
const parked = await startServe({ dispatchConcurrency: 1, timeoutS: 600 });
try {
  await parkDispatcher(parked);
  single = await latencyAtOne(parked);
  console.error(`  lone async invocation (concurrency 1): 202 p50 ${single.p50.toFixed(3)} ms, p99 ${single.p99.toFixed(3)} ms`);
  enqueueRows.push(await enqueueWindow('enqueue, parked', parked, 'parked'));
  sample = sampleRow(parked);
} finally {
  await parked.stop();
}

// B: dispatch concurrency 1, running the no-op events while they arrive.
const one = await startServe({ dispatchConcurrency: 1 });
try {
  enqueueRows.push(await enqueueWindow('enqueue, dispatch 1', one, '1'));
} finally {
  await one.stop();
}

// C: the default dispatch concurrency (64): end-to-end first, on a small table, then enqueue while dispatching.
const normal = await startServe({});
let e2e;
try {
  e2e = await endToEnd(normal);
  enqueueRows.push(await enqueueWindow('enqueue, dispatch 64', normal, '64'));
} finally {
  await normal.stop();
}

const achievedBatch = Math.max(1, Math.round(enqueueRows[0]!.meanBatch));
const floors: (FloorResult & { otherCpuPercent: number })[] = [];
for (const batch of [...new Set([...FIXED_BATCHES, achievedBatch])].sort((a, b) => a - b)) {
  const [busy0, own0] = [machineBusyMs(), process.cpuUsage()];
  const f = { ...runSqliteFloor(sample, batch, FLOOR_SECONDS), otherCpuPercent: 0 };
  const own = process.cpuUsage(own0);
  f.otherCpuPercent = otherCpuPercent(machineBusyMs() - busy0, (own.user + own.system) / 1000, f.seconds);
  floors.push(f);
  console.error(`  floor, ${batch} rows/transaction: ${f.rowsPerSecond.toFixed(0)} rows/s (${f.transactions} commits in ${f.seconds.toFixed(2)} s); other processes ${f.otherCpuPercent.toFixed(0)} % of the machine`);
}

const floorAt = (b: number) => floors.find((f) => f.batch === b)!;
const main = enqueueRows[0]!;
const ratios = {
  enqueueVsFloorOnePerCommit: main.eventsPerSecond / floorAt(1).rowsPerSecond,
  enqueueVsFloorAtAchievedBatch: main.eventsPerSecond / floorAt(achievedBatch).rowsPerSecond,
  achievedBatch,
  endToEndVsEnqueue: e2e.eventsPerSecond / main.eventsPerSecond,
};
const rowBytes = sample.payload.length + sample.history.length + sample.event_id.length + sample.account_id.length + sample.function_name.length + sample.queue_key.length + sample.kind.length + sample.qualifier.length;

console.log(`\nasync invocation, ${PAYLOAD.length}-byte payload, ${CONNECTIONS} keep-alive connections, ${ENQUEUE_SECONDS} s windows; queue rows of ~${rowBytes} bytes of values, WAL + synchronous=FULL`);
console.log(`lone async invocation (concurrency 1, dispatcher parked): 202 p50 ${single.p50.toFixed(3)} ms, p99 ${single.p99.toFixed(3)} ms`);
console.log('scenario'.padEnd(24), 'events/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'commits'.padStart(8), 'batch'.padStart(6), 'settled'.padStart(8), 'server µs/ev'.padStart(13), 'other %'.padStart(8));
for (const r of enqueueRows) {
  console.log(r.scenario.padEnd(24), r.eventsPerSecond.toFixed(0).padStart(9), r.p50.toFixed(2).padStart(8), r.p99.toFixed(2).padStart(8), String(r.enqueueTx).padStart(8), r.meanBatch.toFixed(1).padStart(6), String(r.settledInWindow).padStart(8), r.serverCpuUsPerEvent.toFixed(0).padStart(13), r.otherCpuPercent.toFixed(0).padStart(8));
}
console.log(`end-to-end, no-op, dispatch 64: ${e2e.events} events settled in ${e2e.seconds.toFixed(2)} s = ${e2e.eventsPerSecond.toFixed(0)} events/s (enqueue alone done at ${e2e.enqueueSeconds.toFixed(2)} s; other processes ${e2e.otherCpuPercent.toFixed(0)} %)`);
console.log('floor rows/transaction'.padEnd(24), 'rows/s'.padStart(9), 'other %'.padStart(8));
for (const f of floors) console.log(`  ${f.batch}${f.batch === achievedBatch ? ' (achieved)' : ''}`.padEnd(24), f.rowsPerSecond.toFixed(0).padStart(9), f.otherCpuPercent.toFixed(0).padStart(8));
console.log(`openfc enqueue / floor at 1 row per commit: ${(ratios.enqueueVsFloorOnePerCommit * 100).toFixed(0)} %`);
console.log(`openfc enqueue / floor at the achieved batch (${achievedBatch}): ${(ratios.enqueueVsFloorAtAchievedBatch * 100).toFixed(0)} %`);
console.log(`end-to-end / enqueue: ${(ratios.endToEndVsEnqueue * 100).toFixed(0)} %`);
for (const r of enqueueRows) console.log(`durable enqueues/s, ${r.scenario}: ${r.eventsPerSecond.toFixed(0)} vs target ${TARGET_EVENTS_PER_S}: ${r.eventsPerSecond >= TARGET_EVENTS_PER_S ? 'meets target' : 'MISSES target'}`);

fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
const isFullRun = ENQUEUE_SECONDS === 5 && E2E_EVENTS === 5000 && CONNECTIONS === 64 && NODE_ARGS.length === 0;
const out = path.join(ROOT, isFullRun ? 'bench/results/async.json' : 'bench/results/async.partial.json');
fs.writeFileSync(out, JSON.stringify({
  date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, payloadBytes: PAYLOAD.length, connections: CONNECTIONS, enqueueSeconds: ENQUEUE_SECONDS,
  rowBytes, targets: { eventsPerSecond: TARGET_EVENTS_PER_S }, single, enqueue: enqueueRows, endToEnd: e2e, floors, ratios,
}, null, 2) + '\n');
console.log(`wrote ${path.relative(ROOT, out)}`);

// A/B of serve variants for the warm-invoke throughput (exploratory; not a benchmark of record).
// `node --import tsx bench/warm-invoke/ab.ts floor-frame-hop 'inline:' 'worker:OPENFC_SIGNATURE_THREADS=1'` starts
// one `openfc serve` per variant (its environment: comma-separated K=V after the colon), then
// measures the variants in turns (BENCH_AB_ROUNDS, default 3, of BENCH_AB_SECONDS, default 4, at concurrency 32), so
// the machine's drift hits every variant alike. It prints req/s and the serve main thread's CPU
// per request for each turn, and the medians. A variant spelled `floor-<kind>` (`floor-frame-hop`,
// `floor-bare`, `floor-http-hop`) is that floor instead of a serve, measured in the same turns, so
// that each serve variant also gets a ratio to the floor that the machine's drift cannot skew.
import { runLoad } from '../lib/load.js';
import { residentMb, threadCpuMs, treeCpu } from '../lib/proc-cpu.js';
import { startBenchServe } from '../lib/serve.js';
import { FLOOR_KINDS, startFloor, type FloorKind } from '../lib/floors.js';
import { deployEcho, floorRequest, signedRequests } from './scenario.js';

const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_AB_SECONDS ?? 4);
const variants = process.argv.slice(2).map((arg) => {
  const [name, envText = ''] = arg.split(/:(.*)/s) as [string, string?];
  return { name, env: Object.fromEntries(envText.split(',').filter(Boolean).map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string])) };
});
if (variants.length < 2) throw new Error("usage: ab.ts 'name:K=V,K=V' 'name2:' …");

/** One measured target: where the load goes, the requests of one turn, the front's pid. */
interface Target {
  readonly name: string;
  readonly port: number;
  readonly frontPid: number;
  /** Every server-side process tree (for a serve: itself, its threads and its instances). */
  readonly pids: number[];
  wire(count: number): (i: number) => Buffer | undefined;
  stop(): Promise<void> | void;
}

async function startTarget(v: { name: string; env: Record<string, string> }): Promise<Target> {
  const floorKind = v.name.startsWith('floor-') ? v.name.slice('floor-'.length) : undefined;
  if (floorKind !== undefined) {
    if (!(FLOOR_KINDS as readonly string[]).includes(floorKind)) throw new Error(`unknown floor '${v.name}'; floors: ${FLOOR_KINDS.map((k) => `floor-${k}`).join(', ')}`);
    const floor = await startFloor(floorKind as FloorKind);
    const bytes = floorRequest(floor.port);
    return { name: v.name, port: floor.port, frontPid: floor.frontPid, pids: floor.pids, wire: () => () => bytes, stop: () => floor.stop() };
  }
  const serve = await startBenchServe([], v.env, 'warn');
  try {
    await deployEcho(serve.creds, 32);
  } catch (e) {
    await serve.stop();
    throw e;
  }
  return {
    name: v.name, port: serve.port, frontPid: serve.pid, pids: [serve.pid], stop: () => serve.stop(),
    wire: (count) => signedRequests(serve.creds, serve.port, count),
  };
}

const targets: Target[] = [];
try {
  for (const v of variants) {
    const t = await startTarget(v);
    targets.push(t);
    await runLoad({ port: t.port, concurrency: 32, maxRequests: 5000, maxSeconds: 30, wire: t.wire(5000) });
  }
  const results = new Map<string, { rps: number; mainUs: number }[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, port, frontPid, pids, wire: makeWire } of targets) {
      const wire = makeWire(120_000);
      const serverMs = () => treeCpu(pids).reduce((sum, p) => sum + p.cpuMs, 0);
      const serverBefore = serverMs();
      const before = threadCpuMs(frontPid);
      const r = await runLoad({ port, concurrency: 32, maxRequests: 120_000, maxSeconds: SECONDS, wire });
      if (r.errors) throw new Error(`${name}: ${r.errors} failed requests; first:\n${r.firstError}`);
      const mainUs = ((threadCpuMs(frontPid) - before) * 1000) / r.requests;
      const serverUs = ((serverMs() - serverBefore) * 1000) / r.requests;
      const rps = r.requests / r.seconds;
      results.get(name)!.push({ rps, mainUs });
      console.log(`round ${round + 1} ${name.padEnd(16)} ${rps.toFixed(0).padStart(6)} req/s  main thread ${mainUs.toFixed(0)} µs/req  server ${serverUs.toFixed(0)} µs/req  front RSS ${residentMb(frontPid).toFixed(0)} MB`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, rs] of results) console.log(`median ${name.padEnd(16)} ${median(rs.map((r) => r.rps)).toFixed(0).padStart(6)} req/s  main thread ${median(rs.map((r) => r.mainUs)).toFixed(0)} µs/req`);
  // With a floor among the variants: each variant's throughput over the floor's in the same round.
  const floorRounds = [...results].find(([name]) => name.startsWith('floor-'));
  if (floorRounds) {
    for (const [name, rs] of results) {
      if (name === floorRounds[0]) continue;
      const ratios = rs.map((r, i) => r.rps / floorRounds[1][i]!.rps);
      console.log(`ratio  ${name.padEnd(16)} ${(100 * median(ratios)).toFixed(0).padStart(5)} % of ${floorRounds[0]} (median of rounds; range ${(100 * Math.min(...ratios)).toFixed(0)}-${(100 * Math.max(...ratios)).toFixed(0)} %)`);
    }
  }
} finally {
  for (const t of targets) await t.stop();
}

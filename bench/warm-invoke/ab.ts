// A/B of serve variants for the warm-invoke throughput (exploratory; not a benchmark of record).
// `node --import tsx bench/warm-invoke/ab.ts 'inline:OPENFC_SIGNATURE_THREADS=0' 'worker:'` starts
// one `openfc serve` per variant (its environment: comma-separated K=V after the colon), then
// measures the variants in turns (BENCH_AB_ROUNDS, default 3, of BENCH_AB_SECONDS, default 4, at concurrency 32), so
// the machine's drift hits every variant alike. It prints req/s and the serve main thread's CPU
// per request for each turn, and the medians.
import { createFcClient, $FC } from '../../test/helpers/sdk.js';
import { createFunctionInput } from '../../test/helpers/functions.js';
import { presignInvocations } from '../lib/acs3.js';
import { runLoad } from '../lib/load.js';
import { threadCpuMs } from '../lib/proc-cpu.js';
import { startBenchServe, type BenchServe } from '../lib/serve.js';

const PAYLOAD = Buffer.from(JSON.stringify({ key: 'value', list: [1, 2, 3], text: 'warm invocation payload!' }));
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_AB_SECONDS ?? 4);
const variants = process.argv.slice(2).map((arg) => {
  const [name, envText = ''] = arg.split(/:(.*)/s) as [string, string?];
  return { name, env: Object.fromEntries(envText.split(',').filter(Boolean).map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string])) };
});
if (variants.length < 2) throw new Error("usage: ab.ts 'name:K=V,K=V' 'name2:' …");

const serves: { name: string; serve: BenchServe }[] = [];
try {
  for (const v of variants) {
    const serve = await startBenchServe([], v.env, 'warn');
    serves.push({ name: v.name, serve });
    const client = createFcClient({ endpoint: serve.creds.host, accessKeyId: serve.creds.accessKeyId, accessKeySecret: serve.creds.accessKeySecret });
    await client.createFunction(new $FC.CreateFunctionRequest({
      body: await createFunctionInput('echo', { 'index.js': 'exports.handler = async (event) => event;\n' }, { instanceConcurrency: 32, memorySize: 2048 }),
    }));
    const wire = presignInvocations(serve.creds, serve.port, { path: '/2023-03-30/functions/echo/invocations', payload: PAYLOAD, invocationType: 'Sync', count: 5000 });
    await runLoad({ port: serve.port, concurrency: 32, maxRequests: 5000, maxSeconds: 30, wire });
  }
  const results = new Map<string, { rps: number; mainUs: number }[]>(serves.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, serve } of serves) {
      const wire = presignInvocations(serve.creds, serve.port, { path: '/2023-03-30/functions/echo/invocations', payload: PAYLOAD, invocationType: 'Sync', count: 120_000 });
      const before = threadCpuMs(serve.pid);
      const r = await runLoad({ port: serve.port, concurrency: 32, maxRequests: 120_000, maxSeconds: SECONDS, wire });
      if (r.errors) throw new Error(`${name}: ${r.errors} failed requests; first:\n${r.firstError}`);
      const mainUs = ((threadCpuMs(serve.pid) - before) * 1000) / r.requests;
      const rps = r.requests / r.seconds;
      results.get(name)!.push({ rps, mainUs });
      console.log(`round ${round + 1} ${name.padEnd(12)} ${rps.toFixed(0).padStart(6)} req/s  main thread ${mainUs.toFixed(0)} µs/req`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, rs] of results) console.log(`median ${name.padEnd(12)} ${median(rs.map((r) => r.rps)).toFixed(0).padStart(6)} req/s  main thread ${median(rs.map((r) => r.mainUs)).toFixed(0)} µs/req`);
} finally {
  for (const s of serves) await s.serve.stop();
}

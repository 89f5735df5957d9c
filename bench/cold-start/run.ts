// Cold-start benchmark: first-invocation latency through the API (signed HTTP requests to a real
// `openfc serve`), with and without the stem-cell pool, for each sandbox driver this host can run,
// against the floor of `node -e 0` in a clean environment, all in one run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createZip } from '../../src/functions/index.js';
import { checkHost } from '../../src/sandbox/index.js';
import { sendSigned } from '../lib/signed-request.js';
import { ROOT, startBenchServe } from '../lib/serve.js';
const RUNS = Number(process.env.COLD_START_RUNS ?? 30);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measureOpenfc(sandbox: string, poolSize: number): Promise<number[]> {
  const serve = await startBenchServe(['--sandbox', sandbox], { OPENFC_STEM_CELL_POOL_SIZE: String(poolSize) });
  const creds = serve.creds;
  const zip = (await createZip({ 'index.js': 'exports.handler = async (event) => event;' })).toString('base64');
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const name = `cold-${i}`;
      const created = await sendSigned(creds, 'POST', '/2023-03-30/functions', 'CreateFunction', Buffer.from(JSON.stringify({ functionName: name, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: zip } })));
      if (created.status !== 200) throw new Error(`CreateFunction: ${created.status} ${created.body}`);
      await pause(400); // let the pool refill in the background, as it would between real cold starts
      const t = performance.now();
      const r = await sendSigned(creds, 'POST', `/2023-03-30/functions/${name}/invocations`, 'InvokeFunction', Buffer.from('ping'), 'application/octet-stream');
      times.push(performance.now() - t);
      if (r.status !== 200 || r.body !== 'ping' || r.headers['x-fc-error-type']) throw new Error(`invoke: ${r.status} ${r.body}`);
    }
  } finally {
    await serve.stop();
  }
  return times;
}

function measureNodeFloor(): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env: { PATH: '/usr/bin:/bin' } });
    times.push(performance.now() - t);
  }
  return times;
}

const host = checkHost();
const drivers = host.isUsable ? ['linux', 'process'] : ['process'];
const rows: { scenario: string; p50: number; p99: number }[] = [];
const floor = measureNodeFloor();
rows.push({ scenario: 'floor: node -e 0 (clean env)', p50: pct(floor, 50), p99: pct(floor, 99) });
for (const driver of drivers) {
  for (const pool of [2, 0]) {
    const t = await measureOpenfc(driver, pool);
    rows.push({ scenario: `openfc ${driver}, ${pool ? 'stem-cell pool' : 'no pool'}`, p50: pct(t, 50), p99: pct(t, 99) });
  }
}
console.log(`cold start, first invocation through the API, ${RUNS} runs each (ms)`);
console.log('scenario'.padEnd(40), 'p50'.padStart(8), 'p99'.padStart(8));
for (const r of rows) console.log(r.scenario.padEnd(40), r.p50.toFixed(1).padStart(8), r.p99.toFixed(1).padStart(8));
if (!host.isUsable) console.log(`linux driver not measured: ${host.problems.join('; ')}`);
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/cold-start.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, runs: RUNS, rows }, null, 2));

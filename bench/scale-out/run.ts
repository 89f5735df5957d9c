// Scale-out benchmark (`npm run bench:scale-out`): a burst of BURST concurrent 1 s invocations at
// instanceConcurrency 1 against a function with no instances yet, through the API, on the default
// sandbox. Measures the time until all are served and instances started per second per core,
// against the floor of starting BURST bare Node processes at once, in the same run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createZip } from '../../src/functions/index.js';
import { startBenchServe, ROOT } from '../lib/serve.js';
import { sendSigned } from '../lib/signed-request.js';

const BURST = Number(process.env.SCALE_OUT_BURST ?? 100);
const HANDLER_MS = 1000;
const cores = os.cpus().length;

/** Starts BURST `node` processes at once; resolves when every one has started running JavaScript. */
async function measureFloor(): Promise<number> {
  const t = performance.now();
  const children = Array.from({ length: BURST }, () =>
    spawn(process.execPath, ['-e', 'process.stdout.write("up"); setTimeout(() => {}, 60000)'], { env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  await Promise.all(children.map((c) => new Promise((resolve) => c.stdout!.once('data', resolve))));
  const ms = performance.now() - t;
  for (const c of children) c.kill('SIGKILL');
  return ms;
}

async function measureOpenfc(): Promise<{ ms: number; instances: number; sandbox: string }> {
  const serve = await startBenchServe([], {}, 'error', process.env.BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? []);
  try {
    const zip = (await createZip({ 'index.js': `exports.handler = async () => { await new Promise((r) => setTimeout(r, ${HANDLER_MS})); return process.env.FC_INSTANCE_ID; };` })).toString('base64');
    const created = await sendSigned(serve.creds, 'POST', '/2023-03-30/functions', 'CreateFunction', Buffer.from(JSON.stringify({ functionName: 'burst', runtime: 'nodejs20', handler: 'index.handler', timeout: 60, internetAccess: process.env.SCALE_OUT_INTERNET !== '0', code: { zipFile: zip } })));
    if (created.status !== 200) throw new Error(`CreateFunction: ${created.status} ${created.body}`);
    const t = performance.now();
    const results = await Promise.all(
      Array.from({ length: BURST }, () => sendSigned(serve.creds, 'POST', '/2023-03-30/functions/burst/invocations', 'InvokeFunction', Buffer.from('go'), 'application/octet-stream')),
    );
    const ms = performance.now() - t;
    const bad = results.find((r) => r.status !== 200 || r.headers['x-fc-error-type']);
    if (bad) throw new Error(`an invocation failed: ${bad.status} ${bad.body}`);
    const sandbox = (JSON.parse(fs.readFileSync(path.join(serve.dataDir, 'serve.json'), 'utf8')) as { sandbox: string }).sandbox;
    return { ms, instances: new Set(results.map((r) => r.body)).size, sandbox };
  } finally {
    await serve.stop();
  }
}

console.error(`scale-out: a burst of ${BURST} concurrent ${HANDLER_MS} ms invocations, instanceConcurrency 1, ${cores} cores, node ${process.version}`);
const floorMs = await measureFloor();
const openfc = await measureOpenfc();
// Every invocation holds its instance for HANDLER_MS, so the last instance started by (all served - HANDLER_MS).
const startWindowMs = Math.max(1, openfc.ms - HANDLER_MS);
const rows = {
  floor: { ms: floorMs, perSecondPerCore: BURST / (floorMs / 1000) / cores },
  openfc: { ms: openfc.ms, startWindowMs, instances: openfc.instances, sandbox: openfc.sandbox, perSecondPerCore: openfc.instances / (startWindowMs / 1000) / cores },
};
console.log(`\nscenario                          all served ms   starts/s/core`);
console.log(`floor: ${BURST} bare node processes    ${floorMs.toFixed(0).padStart(10)}   ${rows.floor.perSecondPerCore.toFixed(1).padStart(13)}`);
console.log(`openfc (${openfc.sandbox}, ${openfc.instances} instances)  ${openfc.ms.toFixed(0).padStart(10)}   ${rows.openfc.perSecondPerCore.toFixed(1).padStart(13)}`);
console.log(`openfc starts/s/core vs target 8: ${rows.openfc.perSecondPerCore >= 8 ? 'meets target' : 'MISSES target'}; vs floor: ${(rows.openfc.perSecondPerCore / rows.floor.perSecondPerCore * 100).toFixed(0)} %`);
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/scale-out.json'), JSON.stringify({ when: new Date().toISOString(), burst: BURST, cores, ...rows }, null, 2));

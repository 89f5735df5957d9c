// Cold-start benchmark: first-invocation latency through the API (signed HTTP requests to a real
// `openfc serve`), with and without the stem-cell pool, for each sandbox driver this host can run,
// against the floor of `node -e 0` in a clean environment, all in one run.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createZip } from '../../src/functions/index.js';
import { canonicalRequest, computeSignature, parseAuthorization } from '../../src/iam/index.js';
import { checkHost } from '../../src/sandbox/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = Number(process.env.COLD_START_RUNS ?? 30);

interface Creds { accessKeyId: string; accessKeySecret: string; endpoints: { http: string } }

function signedRequest(creds: Creds, method: string, pathname: string, action: string, body: Buffer, contentType: string) {
  const host = creds.endpoints.http.replace('http://', '');
  const headers: Record<string, string> = {
    host, 'x-acs-action': action, 'x-acs-version': '2023-03-30', 'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'), 'x-acs-content-sha256': createHash('sha256').update(body).digest('hex'), 'content-type': contentType,
  };
  const signed = Object.keys(headers).sort().join(';');
  const auth = parseAuthorization({ authorization: `ACS3-HMAC-SHA256 Credential=${creds.accessKeyId},SignedHeaders=${signed},Signature=${'0'.repeat(64)}` });
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${creds.accessKeyId},SignedHeaders=${signed},Signature=${computeSignature(creds.accessKeySecret, canonicalRequest(method, pathname, headers, auth, headers['x-acs-content-sha256']!))}`;
  return { host, headers };
}

function send(creds: Creds, method: string, pathname: string, action: string, body: Buffer, contentType = 'application/json'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { host, headers } = signedRequest(creds, method, pathname, action, body, contentType);
  const [hostname, port] = host.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port: Number(port), method, path: pathname, headers: { ...headers, 'content-length': String(body.length) }, agent: false }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measureOpenfc(sandbox: string, poolSize: number): Promise<number[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-bench-cold-'));
  const serve = spawn(process.execPath, [path.join(ROOT, 'bin/openfc.js'), 'serve', '--data-dir', dataDir, '--port', '0', '--http-port', '0', '--sandbox', sandbox, '--log-level', 'warn'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', OPENFC_STEM_CELL_POOL_SIZE: String(poolSize) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    serve.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('openfc ready')) resolve();
    });
    serve.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const creds = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as Creds;
  const zip = (await createZip({ 'index.js': 'exports.handler = async (event) => event;' })).toString('base64');
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const name = `cold-${i}`;
      const created = await send(creds, 'POST', '/2023-03-30/functions', 'CreateFunction', Buffer.from(JSON.stringify({ functionName: name, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: zip } })));
      if (created.status !== 200) throw new Error(`CreateFunction: ${created.status} ${created.body}`);
      await pause(400); // let the pool refill in the background, as it would between real cold starts
      const t = performance.now();
      const r = await send(creds, 'POST', `/2023-03-30/functions/${name}/invocations`, 'InvokeFunction', Buffer.from('ping'), 'application/octet-stream');
      times.push(performance.now() - t);
      if (r.status !== 200 || r.body !== 'ping' || r.headers['x-fc-error-type']) throw new Error(`invoke: ${r.status} ${r.body}`);
    }
  } finally {
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
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

/** @module test/integration/cli — the client commands (`openfc deploy|function|invoke`) run as the real binary against a real `openfc serve`. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { createZip } from '../../src/functions/index.js';
import { uniqueName } from '../helpers/functions.js';
import { OPENFC_BIN, REPO_ROOT, startServe, type ServeProcess } from '../helpers/serve-process.js';

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/openfc.js ...args` from the repo root with a clean environment and waits for it to exit. */
async function run(args: string[], options: { stdin?: string } = {}): Promise<RunResult> {
  const proc = spawn(process.execPath, [OPENFC_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  proc.stdin.end(options.stdin ?? '');
  const [code] = (await once(proc, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Fails with the command's output when it did not exit with `expected`. */
function assertExit(r: RunResult, expected: number): void {
  assert.equal(r.code, expected, `exit code ${r.code}, expected ${expected}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

function writeTree(root: string, files: Record<string, string | { data: string; mode: number }>): string {
  for (const [rel, v] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const entry = typeof v === 'string' ? { data: v, mode: 0o644 } : v;
    fs.writeFileSync(file, entry.data, { mode: entry.mode });
    fs.chmodSync(file, entry.mode);
  }
  return root;
}

/** A handler that lists its code package (relative path and whether it is executable) and logs the event. */
const LISTING_HANDLER = `
const fs = require('fs');
const path = require('path');
function walk(dir, rel, out) {
  for (const name of fs.readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    const r = rel ? rel + '/' + name : name;
    const st = fs.statSync(abs);
    if (st.isDirectory()) walk(abs, r, out);
    else out[r] = (st.mode & 0o111) !== 0;
  }
  return out;
}
exports.handler = async (event) => {
  console.log('listing for ' + event);
  return JSON.stringify({ event: event.toString(), files: walk(__dirname, '', {}) });
};
`;

describe('openfc client commands', () => {
  let serve: ServeProcess;
  let work: string;
  /** Runs a client command against the test server (credentials and endpoint from its data dir). */
  const cli = (...args: string[]) => run([...args, '--data-dir', serve.dataDir]);

  before(async () => {
    serve = await startServe();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-cli-it-'));
  });
  after(async () => {
    await serve.stop();
    fs.rmSync(serve.dataDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function deployEcho(name: string, body = 'exports.handler = async (e) => "echo:" + e;'): Promise<void> {
    const dir = writeTree(fs.mkdtempSync(path.join(work, 'echo-')), { 'index.js': body });
    assertExit(await cli('deploy', dir, '--name', name, '--runtime', 'nodejs20'), 0);
  }

  test('deploy zips a directory with its file modes, leaves out .git and node_modules/.cache, and creates the function', async () => {
    const name = uniqueName('cli');
    const dir = writeTree(path.join(work, 'listing'), {
      'index.js': LISTING_HANDLER,
      'bin/tool.sh': { data: '#!/bin/sh\necho tool\n', mode: 0o755 },
      'node_modules/dep/index.js': 'module.exports = 1;',
      'node_modules/.cache/big.bin': 'cache',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'lib/.git/config': 'vendored repo',
    });
    const deployed = await cli('deploy', dir, '--name', name, '--runtime', 'nodejs20', '--memory', '256', '--env', 'GREETING=hi=there');
    assertExit(deployed, 0);
    assert.match(deployed.stderr, new RegExp(`created function ${name}`));
    assert.match(deployed.stdout, new RegExp(`^name: +${name}$`, 'm'));
    assert.match(deployed.stdout, /^runtime: +nodejs20$/m);
    assert.match(deployed.stdout, /^handler: +index\.handler$/m);
    assert.match(deployed.stdout, /^memory: +256 MB$/m);
    assert.match(deployed.stdout, /^code checksum: +\d+$/m);

    const invoked = await cli('invoke', name, '--payload', 'p1');
    assertExit(invoked, 0);
    const { files } = JSON.parse(invoked.stdout) as { files: Record<string, boolean> };
    assert.deepEqual(files, { 'bin/tool.sh': true, 'index.js': false, 'node_modules/dep/index.js': false });

    const fn = JSON.parse((await cli('function', 'get', name, '--json')).stdout) as Record<string, unknown>;
    assert.deepEqual(fn.environmentVariables, { GREETING: 'hi=there' });
  });

  test('function get and list print the API fields as JSON; list filters by prefix and honours --limit', async () => {
    const prefix = uniqueName('lst');
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const n of names) await deployEcho(n);

    const got = await cli('function', 'get', names[0]!, '--json');
    assertExit(got, 0);
    const fn = JSON.parse(got.stdout) as Record<string, unknown>;
    assert.equal(fn.functionName, names[0]);
    assert.equal(fn.runtime, 'nodejs20');
    assert.equal(fn.handler, 'index.handler');
    assert.match(String(fn.codeChecksum), /^\d+$/);

    const listed = await cli('function', 'list', '--prefix', prefix, '--json');
    assertExit(listed, 0);
    const { functions } = JSON.parse(listed.stdout) as { functions: { functionName: string }[] };
    assert.deepEqual(functions.map((f) => f.functionName).sort(), names);

    const limited = JSON.parse((await cli('function', 'list', '--prefix', prefix, '--limit', '2', '--json')).stdout) as { functions: unknown[] };
    assert.equal(limited.functions.length, 2);

    const table = await cli('function', 'list', '--prefix', prefix);
    assertExit(table, 0);
    assert.match(table.stdout, /^NAME +RUNTIME +MEMORY +LAST MODIFIED$/m);
    for (const n of names) assert.match(table.stdout, new RegExp(`^${n} +nodejs20 +128 MB`, 'm'));
  });

  test('invoke writes the result to stdout as-is and, with --log, the decoded log tail to stderr', async () => {
    const name = uniqueName('cli');
    const dir = writeTree(path.join(work, 'logging'), { 'index.js': 'exports.handler = async (e) => { console.log("saw " + e); return "result:" + e; };' });
    assertExit(await cli('deploy', dir, '--name', name, '--runtime', 'nodejs20'), 0);

    const plain = await cli('invoke', name, '--payload', 'abc');
    assertExit(plain, 0);
    assert.equal(plain.stdout, 'result:abc');
    assert.equal(plain.stderr, '');

    const logged = await cli('invoke', name, '--payload', 'xyz', '--log');
    assertExit(logged, 0);
    assert.equal(logged.stdout, 'result:xyz');
    assert.match(logged.stderr, /FC Invoke Start RequestId: /);
    assert.match(logged.stderr, /saw xyz/);

    const payloadFile = path.join(work, 'payload.bin');
    fs.writeFileSync(payloadFile, 'from-file');
    assert.equal((await cli('invoke', name, '--payload-file', payloadFile)).stdout, 'result:from-file');
    assert.equal((await run(['invoke', name, '--payload-file', '-', '--data-dir', serve.dataDir], { stdin: 'from-stdin' })).stdout, 'result:from-stdin');
  });

  test('invoke of a function that throws prints its error body to stderr and exits with 1', async () => {
    const name = uniqueName('cli');
    await deployEcho(name, 'exports.handler = async () => { throw new Error("kaboom"); };');
    const r = await cli('invoke', name, '--payload', 'x');
    assertExit(r, 1);
    assert.equal(r.stdout, '');
    const body = JSON.parse(r.stderr.trim()) as { errorMessage: string; errorType: string };
    assert.equal(body.errorMessage, 'kaboom');
    assert.equal(body.errorType, 'Error');
  });

  test('function update changes only the settings given, and the code when a code dir is given', async () => {
    const name = uniqueName('cli');
    await deployEcho(name);
    const before = JSON.parse((await cli('function', 'get', name, '--json')).stdout) as Record<string, unknown>;

    const settings = await cli('function', 'update', name, '--memory', '512', '--timeout', '10', '--description', 'updated by the CLI', '--json');
    assertExit(settings, 0);
    const afterSettings = JSON.parse(settings.stdout) as Record<string, unknown>;
    assert.equal(afterSettings.memorySize, 512);
    assert.equal(afterSettings.timeout, 10);
    assert.equal(afterSettings.description, 'updated by the CLI');
    assert.equal(afterSettings.handler, before.handler);
    assert.equal(afterSettings.codeChecksum, before.codeChecksum, 'code is unchanged without --code-dir or --zip');

    const dir = writeTree(path.join(work, 'v2'), { 'index.js': 'exports.handler = async (e) => "v2:" + e;' });
    const code = await cli('function', 'update', name, '--code-dir', dir, '--json');
    assertExit(code, 0);
    assert.notEqual((JSON.parse(code.stdout) as Record<string, unknown>).codeChecksum, before.codeChecksum);
    assert.equal((await cli('invoke', name, '--payload', 'q')).stdout, 'v2:q');

    const nothing = await cli('function', 'update', name);
    assertExit(nothing, 1);
    assert.match(nothing.stderr, /nothing to update/);
  });

  test('function create takes a --zip file, and deploy of an existing function updates its code', async () => {
    const name = uniqueName('cli');
    const zipFile = path.join(work, 'code.zip');
    fs.writeFileSync(zipFile, await createZip({ 'main.js': 'exports.run = async (e) => "zip:" + e;' }));
    const created = await cli('function', 'create', '--name', name, '--runtime', 'nodejs20', '--handler', 'main.run', '--zip', zipFile, '--json');
    assertExit(created, 0);
    assert.equal((JSON.parse(created.stdout) as Record<string, unknown>).handler, 'main.run');
    assert.equal((await cli('invoke', name, '--payload', '1')).stdout, 'zip:1');

    const dir = writeTree(path.join(work, 'redeploy'), { 'main.js': 'exports.run = async (e) => "redeployed:" + e;' });
    const redeployed = await cli('deploy', dir, '--name', name, '--runtime', 'nodejs20');
    assertExit(redeployed, 0);
    assert.match(redeployed.stderr, new RegExp(`updated function ${name}`));
    assert.match(redeployed.stdout, /^handler: +main\.run$/m, 'deploy keeps the handler of an existing function unless --handler is given');
    assert.equal((await cli('invoke', name, '--payload', '2')).stdout, 'redeployed:2');
  });

  test('function delete removes the function, after which get fails with FunctionNotFound', async () => {
    const name = uniqueName('cli');
    await deployEcho(name);
    const deleted = await cli('function', 'delete', name);
    assertExit(deleted, 0);
    assert.match(deleted.stdout, new RegExp(`deleted function ${name}`));
    const got = await cli('function', 'get', name);
    assertExit(got, 1);
    assert.match(got.stderr, /FunctionNotFound/);
  });

  test('an account made with `account create` uses its own keys via flags and sees none of the default account\'s functions', async () => {
    const name = uniqueName('cli');
    await deployEcho(name);
    const created = await run(['account', 'create', '--json', '--data-dir', serve.dataDir]);
    assertExit(created, 0);
    const account = JSON.parse(created.stdout) as { accountId: string; accessKeyId: string; accessKeySecret: string };
    assert.notEqual(account.accountId, serve.credentials.accountId);

    const keys = ['--access-key-id', account.accessKeyId, '--access-key-secret', account.accessKeySecret];
    const listed = await cli('function', 'list', '--json', ...keys);
    assertExit(listed, 0);
    assert.deepEqual(JSON.parse(listed.stdout), { functions: [] });
    const invoked = await cli('invoke', name, ...keys);
    assertExit(invoked, 1);
    assert.match(invoked.stderr, /FunctionNotFound/);

    // The same keys work against an explicit endpoint too.
    const explicit = await run(['function', 'list', '--json', '--endpoint', serve.httpHost, ...keys, '--data-dir', path.join(work, 'no-such-dir')]);
    assertExit(explicit, 0);
    assert.deepEqual(JSON.parse(explicit.stdout), { functions: [] });
  });

  test('talks HTTPS to the published endpoint, trusting the server certificate from the data dir', async () => {
    const r = await cli('function', 'list', '--json', '--endpoint', `https://${serve.httpsHost}`);
    assertExit(r, 0);
    assert.ok(Array.isArray((JSON.parse(r.stdout) as { functions: unknown[] }).functions));
  });

  test('says where to find credentials and exits with 1 when there is no server and no key', async () => {
    const r = await run(['function', 'list', '--data-dir', path.join(work, 'empty-data-dir')]);
    assertExit(r, 1);
    assert.match(r.stderr, /no credentials: start `openfc serve`.*--access-key-id/);
  });

  test('vpc create, list, get and delete; function create --vpc attaches a function, and a VPC in use is not deleted', async () => {
    const made = await cli('vpc', 'create', '--cidr', '10.214.7.0/24', '--name', 'cli-vpc', '--json');
    assertExit(made, 0);
    const vpc = JSON.parse(made.stdout) as { vpcId: string; cidrBlock: string; gatewayIp: string };
    assert.deepEqual([vpc.cidrBlock, vpc.gatewayIp], ['10.214.7.0/24', '10.214.7.1']);
    const listed = await cli('vpc', 'list');
    assertExit(listed, 0);
    assert.match(listed.stdout, new RegExp(`${vpc.vpcId}  cli-vpc  10.214.7.0/24`));
    assert.match((await cli('vpc', 'get', vpc.vpcId)).stdout, /registered services use 10\.214\.7\.128-10\.214\.7\.254/);
    const name = uniqueName('cli');
    const dir = writeTree(fs.mkdtempSync(path.join(work, 'vpcfn-')), { 'index.js': 'exports.handler = async () => "in vpc";' });
    const created = await cli('function', 'create', '--name', name, '--runtime', 'nodejs20', '--handler', 'index.handler', '--code-dir', dir, '--vpc', vpc.vpcId, '--no-internet', '--json');
    assertExit(created, 0);
    const fn = JSON.parse(created.stdout) as { vpcConfig: { vpcId: string }; internetAccess: boolean };
    assert.deepEqual([fn.vpcConfig.vpcId, fn.internetAccess], [vpc.vpcId, false]);
    const refused = await cli('vpc', 'delete', vpc.vpcId);
    assertExit(refused, 1);
    assert.match(refused.stderr, /ResourceInUse/);
    assertExit(await cli('function', 'delete', name), 0);
    assertExit(await cli('vpc', 'delete', vpc.vpcId), 0);
    assert.match((await cli('vpc', 'get', vpc.vpcId)).stderr, /VpcNotFound/);
    const bad = await cli('vpc', 'create', '--cidr', '10.214.7.5/24');
    assertExit(bad, 1);
    assert.match(bad.stderr, /InvalidArgument: cidrBlock '10.214.7.5\/24' is not aligned/);
  });

  test('async-config put, get, list and delete, with destinations and the openfc extension fields', async () => {
    const name = uniqueName('cli');
    await deployEcho(name);
    const { functionArn } = JSON.parse((await cli('function', 'get', name, '--json')).stdout) as { functionArn: string };
    const put = await cli('async-config', 'put', name, '--qualifier', 'LATEST', '--max-retries', '0', '--max-event-age', '600', '--task',
      '--on-success', 'https://hooks.example.com/done', '--on-failure', functionArn, '--max-concurrency', '3', '--dedicated-queue', '--json');
    assertExit(put, 0);
    const set = JSON.parse(put.stdout) as Record<string, unknown>;
    assert.deepEqual(
      [set.functionArn, set.asyncTask, set.maxAsyncRetryAttempts, set.maxAsyncEventAgeInSeconds, set.maxAsyncConcurrency, set.dedicatedQueue, set.destinationConfig],
      [functionArn, true, 0, 600, 3, true, { onSuccess: { destination: 'https://hooks.example.com/done' }, onFailure: { destination: functionArn } }],
    );
    const shown = await cli('async-config', 'get', name);
    assertExit(shown, 0);
    assert.match(shown.stdout, /^max retries: +0$/m);
    assert.match(shown.stdout, /^on success: +https:\/\/hooks\.example\.com\/done$/m);
    assert.match(shown.stdout, /^max concurrency: +3$/m);
    assert.match(shown.stdout, /^dedicated queue: +yes$/m);
    const listed = await cli('async-config', 'list', '--prefix', name);
    assertExit(listed, 0);
    assert.match(listed.stdout, new RegExp(`^${name} +0 +600 s +yes +https://hooks\\.example\\.com/done +${functionArn}$`, 'm'));
    const replaced = JSON.parse((await cli('async-config', 'put', name, '--json')).stdout) as Record<string, unknown>;
    assert.deepEqual([replaced.maxAsyncRetryAttempts, replaced.asyncTask, replaced.destinationConfig, replaced.maxAsyncConcurrency], [3, false, undefined, undefined], 'put replaces the whole config');
    const bad = await cli('async-config', 'put', name, '--on-failure', 'acs:mns:cn-hangzhou:1:/queues/q/messages');
    assertExit(bad, 1);
    assert.match(bad.stderr, /InvalidArgument: .*not available in openfc/);
    assertExit(await cli('async-config', 'delete', name), 0);
    const gone = await cli('async-config', 'get', name);
    assertExit(gone, 1);
    assert.match(gone.stderr, /AsyncConfigNotFound/);
    assertExit(await cli('function', 'delete', name), 0);
  });

  test('instance list shows the live instance and instance exec runs a command in it, with stdin and its exit code', async () => {
    const name = uniqueName('cli');
    const dir = writeTree(fs.mkdtempSync(path.join(work, 'execfn-')), { 'index.js': 'exports.handler = async () => { require("fs").writeFileSync("/tmp/mark", "made by the function"); return "ok"; };' });
    assertExit(await cli('function', 'create', '--name', name, '--runtime', 'nodejs20', '--handler', 'index.handler', '--code-dir', dir), 0);
    assertExit(await cli('invoke', name), 0);
    const listed = await cli('instance', 'list', name, '--json');
    assertExit(listed, 0);
    const [inst] = (JSON.parse(listed.stdout) as { instances: { instanceId: string }[] }).instances;
    assert.ok(inst, listed.stdout);
    const shown = await run(['instance', 'exec', name, inst.instanceId, '--data-dir', serve.dataDir, '--', 'sh', '-c', 'cat /tmp/mark; echo; cat; exit 3'], { stdin: 'from stdin' });
    assertExit(shown, 3);
    assert.equal(shown.stdout, 'made by the function\nfrom stdin');
    const missing = await cli('instance', 'exec', name, 'c-000000000000000000000000', 'true');
    assertExit(missing, 1);
    assert.match(missing.stderr, /InstanceNotFound/);
    assertExit(await cli('function', 'delete', name), 0);
  });

  test('iam creates a user with a policy and a key, a role, and temporary credentials; the user can do only what the policy says', async () => {
    assertExit(await cli('iam', 'user', 'create', 'cli.bob', '--display-name', 'Bob'), 0);
    const doc = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'fc:ListFunctions', Resource: '*' }] });
    assertExit(await cli('iam', 'policy', 'create', 'cli-list', '--document', doc), 0);
    assertExit(await cli('iam', 'policy', 'attach', 'cli-list', '--user', 'cli.bob'), 0);
    const made = await cli('iam', 'key', 'create', '--user', 'cli.bob', '--json');
    assertExit(made, 0);
    const key = JSON.parse(made.stdout) as { accessKeyId: string; accessKeySecret: string };
    const endpoint = (JSON.parse(fs.readFileSync(path.join(serve.dataDir, 'credentials.json'), 'utf8')) as { endpoints: { http: string } }).endpoints.http.replace('http://', '');
    const asBob = ['--endpoint', endpoint, '--access-key-id', key.accessKeyId, '--access-key-secret', key.accessKeySecret];
    assertExit(await run(['function', 'list', ...asBob]), 0);
    const refused = await run(['function', 'delete', 'anything', ...asBob]);
    assertExit(refused, 1);
    assert.match(refused.stderr, /AccessDenied/);
    assert.match((await cli('iam', 'user', 'list')).stdout, /cli\.bob {2}Bob/);
    const role = await cli('iam', 'role', 'create', 'cli.runner', '--json');
    assertExit(role, 0);
    const arn = (JSON.parse(role.stdout) as { arn: string }).arn;
    const creds = await cli('iam', 'assume-role', arn, '--session', 'cli-test', '--duration', '900', '--json');
    assertExit(creds, 0);
    assert.match((JSON.parse(creds.stdout) as { accessKeyId: string }).accessKeyId, /^STS\./);
    const inUse = await cli('iam', 'policy', 'delete', 'cli-list');
    assertExit(inUse, 1);
    assert.match(inUse.stderr, /DeleteConflict/);
    assertExit(await cli('iam', 'user', 'delete', 'cli.bob'), 0);
    assertExit(await cli('iam', 'policy', 'delete', 'cli-list'), 0);
  });

  test('--help works for every client command', async () => {
    const commands = [['function'], ['function', 'create'], ['function', 'get'], ['function', 'list'], ['function', 'update'], ['function', 'delete'], ['invoke'], ['deploy'], ['vpc'], ['vpc', 'create'], ['vpc', 'list'], ['vpc', 'get'], ['vpc', 'delete'], ['instance'], ['instance', 'list'], ['instance', 'exec'], ['iam'], ['iam', 'user', 'create'], ['iam', 'policy', 'attach'], ['iam', 'role', 'create'], ['iam', 'assume-role'], ['async-config'], ['async-config', 'put'], ['async-config', 'get'], ['async-config', 'delete'], ['async-config', 'list']];
    const results = await Promise.all(commands.map((c) => run([...c, '--help'])));
    results.forEach((r, i) => {
      assertExit(r, 0);
      assert.match(r.stdout, new RegExp(`^Usage: openfc ${commands[i]!.join(' ')} `, 'm'));
    });
    assert.match(results[7]!.stdout, /--runtime <runtime> +runtime/);
    assert.match(results[6]!.stdout, /--log +print the invocation's log tail/);
  });

  test('every command and option has a description', () => {
    const missing: string[] = [];
    const visit = (cmd: Command, prefix: string) => {
      const name = `${prefix}${cmd.name()}`;
      if (!cmd.description()) missing.push(name);
      for (const o of cmd.options) if (!o.description) missing.push(`${name} ${o.flags}`);
      for (const a of cmd.registeredArguments) if (!a.description) missing.push(`${name} <${a.name()}>`);
      for (const sub of cmd.commands) visit(sub, `${name} `);
    };
    visit(buildProgram(), '');
    assert.deepEqual(missing, []);
  });
});

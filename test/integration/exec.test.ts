/**
 * InstanceExec over its signed WebSocket: a command runs inside the instance with exactly what the
 * function sees (user, files, processes, cgroup, environment), with stdin, stdout, stderr, a tty
 * and the exit code; sessions end with their instance or when idle; every attempt is audited, and
 * callers without the right key are refused before anything runs. Both sandbox drivers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openExec, type ExecConnection, type ExecTarget } from '../../src/cli/exec-client.js';
import { acsDate } from '../../src/iam/index.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, type FCClient } from '../helpers/sdk.js';

/** Writes what the function itself sees to /tmp/seen.json, which only its instance can read. */
const PROBE_FUNCTION = {
  'index.js': `const fs = require('fs');
exports.handler = async () => {
  const seen = { pid: process.pid, uid: process.getuid(), cgroup: fs.readFileSync('/proc/self/cgroup', 'utf8'), hostname: require('os').hostname() };
  fs.writeFileSync('/tmp/seen.json', JSON.stringify(seen));
  return JSON.stringify(seen);
};\n`,
};

interface Collected {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  reason: string;
}

async function collect(conn: ExecConnection, stdin?: string): Promise<Collected> {
  let stdout = '';
  let stderr = '';
  conn.onStdout((c) => (stdout += c.toString()));
  conn.onStderr((c) => (stderr += c.toString()));
  if (stdin !== undefined) {
    conn.write(stdin);
    conn.closeStdin();
  }
  const end = await conn.done;
  return { stdout, stderr, ...end };
}

function suite(sandbox: 'linux' | 'process'): void {
  describe(`InstanceExec (${sandbox} sandbox)`, () => {
    let platform: Platform;
    let client: FCClient;
    let creds: { endpoint: string; protocol: 'http'; accessKeyId: string; accessKeySecret: string; isInsecure: boolean };

    before(async () => {
      platform = await createTestPlatform({ sandbox, freezeAfterIdleMs: 20 });
      const endpoint = platform.endpoints.http!.replace('http://', '');
      const { accessKeyId, accessKeySecret } = platform.defaultAccount;
      client = createFcClient({ endpoint, accessKeyId, accessKeySecret });
      creds = { endpoint, protocol: 'http', accessKeyId, accessKeySecret, isInsecure: false };
    });
    after(() => platform.close());

    const auditEvents = () =>
      fs.readFileSync(path.join(platform.config.dataDir, 'audit', 'exec.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

    async function functionWithInstance(env: Record<string, string> = {}): Promise<{ name: string; instanceId: string; seen: { pid: number; uid: number; cgroup: string; hostname: string } }> {
      const name = uniqueName('exec');
      await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, PROBE_FUNCTION, { environmentVariables: env, timeout: 10 }) }));
      const r = await invoke(client, name);
      assert.equal(r.statusCode, 200, r.body.toString());
      return { name, instanceId: r.headers['x-fc-instance-id']!, seen: JSON.parse(r.body.toString()) };
    }

    const exec = (target: ExecTarget) => openExec(creds, target);

    test('runs a command inside the instance with what the function sees; stdout, stderr and the exit code come back apart', async () => {
      const { name, instanceId, seen } = await functionWithInstance({ GREETING: 'hello from config' });
      const script = 'cat /tmp/seen.json; echo; id -u; cat /proc/self/cgroup; hostname; echo "$GREETING|$FC_INSTANCE_ID|$FC_FUNCTION_NAME"; pwd; [ -d /proc/$TARGET ] && echo sees-runtime; echo oops >&2; exit 7';
      const out = await collect(await exec({ functionName: name, instanceId, command: ['sh', '-c', script.replace('$TARGET', String(seen.pid))], stdin: false }));
      assert.equal(out.exitCode, 7);
      assert.equal(out.reason, 'exited');
      assert.equal(out.stderr, 'oops\n');
      const lines = out.stdout.split('\n');
      assert.deepEqual(JSON.parse(lines[0]!), seen, "the function's /tmp is the session's /tmp");
      assert.equal(Number(lines[1]), seen.uid, 'same user as the function');
      assert.ok(out.stdout.includes(seen.cgroup), `same cgroup as the function: ${seen.cgroup} in ${out.stdout}`);
      assert.ok(out.stdout.includes(`hello from config|${instanceId}|${name}`), 'the function environment');
      assert.ok(out.stdout.includes('sees-runtime'), "the function's processes are visible (same pid namespace)");
      if (sandbox === 'linux') {
        const filtered = await collect(await exec({ functionName: name, instanceId, command: ['sh', '-c', 'grep ^Seccomp: /proc/self/status; unshare -n true || echo unshare-denied'], stdin: false }));
        assert.match(filtered.stdout, /^Seccomp:\s+2\n[^]*unshare-denied/, `the session runs under the function's seccomp filter: ${filtered.stdout}${filtered.stderr}`);
        assert.equal(lines[lines.length - 3], '/code');
        assert.ok(out.stdout.includes(`${seen.hostname}\n`));
      }
    });

    test('stdin reaches the command and EOF ends it; a tty merges output on a terminal', async () => {
      const { name, instanceId } = await functionWithInstance();
      const echoed = await collect(await exec({ functionName: name, instanceId, command: ['cat'] }), 'line one\nline two\n');
      assert.deepEqual([echoed.stdout, echoed.exitCode], ['line one\nline two\n', 0]);
      const tty = await collect(await exec({ functionName: name, instanceId, command: ['sh', '-c', 'tty; stty size; echo to-stderr >&2'], tty: true, stdin: false }));
      assert.equal(tty.exitCode, 0);
      assert.match(tty.stdout, /^\/dev\/pts\/\d+\r?\n24 80\r?\nto-stderr\r?\n$/);
      assert.equal(tty.stderr, '');
    });

    test('the session thaws a frozen instance and keeps it awake; it ends when idle, or when its instance stops', async () => {
      const { name, instanceId } = await functionWithInstance();
      if (platform.driver.name === 'linux') {
        const isFrozen = () => platform.scheduler.listInstances({ functionName: name })[0]?.isFrozen === true;
        if (!isFrozen()) await new Promise<void>((resolve) => platform.events.on('instance:frozen', (e) => e.instanceId === instanceId && resolve()));
      }
      const idle = await collect(await exec({ functionName: name, instanceId, command: ['sleep', '600'], idleTimeoutSec: 1 }));
      assert.equal(idle.reason, 'idle-timeout');
      assert.equal(idle.exitCode === 0, false);

      const conn = await exec({ functionName: name, instanceId, command: ['sh', '-c', 'echo started; exec sleep 600'] });
      const started = new Promise<void>((resolve) => conn.onStdout((c) => c.toString().includes('started') && resolve()));
      const ended = collect(conn);
      await started;
      assert.equal(platform.scheduler.listInstances({ functionName: name })[0]?.isFrozen, false, 'not frozen while a session is open');
      await client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ description: 'a new revision stops the old instance' }) }));
      const out = await ended;
      assert.notEqual(out.exitCode, 0);
      assert.equal(out.reason, 'exited');
    });

    test('refuses unsigned, badly signed and other accounts\' requests, and unknown instances, before anything runs; all audited', async () => {
      const { name, instanceId } = await functionWithInstance();
      const target = { functionName: name, instanceId, command: ['id'] };
      const refusal = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (e: unknown) {
          return e as { code: string; statusCode: number };
        }
        throw new Error('the exec was not refused');
      };
      const unsigned = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.get(`${platform.endpoints.http}/2023-03-30/functions/${name}/instances/${instanceId}/exec?command=id`, {
          headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'x-acs-date': acsDate() },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('upgrade', () => reject(new Error('an unsigned exec was upgraded')));
        req.on('error', reject);
      });
      assert.equal(unsigned.status, 403);
      assert.equal((JSON.parse(unsigned.body) as { Code: string }).Code, 'AccessDenied');
      const forged = await refusal(openExec({ ...creds, accessKeySecret: 'not-the-secret' }, target));
      assert.deepEqual([forged.statusCode, forged.code], [403, 'SignatureNotMatch']);
      const other = platform.accounts.createAccount();
      const stranger = await refusal(openExec({ ...creds, accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret }, target));
      assert.deepEqual([stranger.statusCode, stranger.code], [404, 'FunctionNotFound'], "another account cannot even see the function");
      const unknown = await refusal(exec({ ...target, instanceId: 'c-000000000000000000000000' }));
      assert.deepEqual([unknown.statusCode, unknown.code], [404, 'InstanceNotFound']);
      const bad = await refusal(exec({ ...target, idleTimeoutSec: 0 }));
      assert.equal(bad.code, 'InvalidArgument');

      const refused = auditEvents().filter((e) => e.event === 'exec.refused' && (e.functionName === name || e.instanceId === instanceId));
      assert.deepEqual(refused.map((e) => e.code), ['AccessDenied', 'SignatureNotMatch', 'FunctionNotFound', 'InstanceNotFound', 'InvalidArgument']);
      assert.equal(refused[2]!.accountId, other.accountId, 'the refused caller is on record');
      assert.equal(auditEvents().filter((e) => e.event === 'exec.opened' && e.functionName === name).length, 0, 'nothing ran');
      const ok = await collect(await exec(target));
      assert.equal(ok.exitCode, 0);
      const opened = auditEvents().filter((e) => e.functionName === name && e.event !== 'exec.refused');
      assert.deepEqual(opened.map((e) => e.event), ['exec.opened', 'exec.ended']);
      assert.deepEqual(opened[0]!.command, ['id']);
      assert.equal(opened[1]!.exitCode, 0);
      assert.equal(opened[0]!.accessKeyId, creds.accessKeyId);
    });
  });
}

suite('linux');
suite('process');

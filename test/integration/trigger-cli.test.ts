/** `openfc trigger create|get|list|update|delete` run as the real binary against a real `openfc serve`. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildProgram } from '../../src/cli/main.js';
import { uniqueName } from '../helpers/functions.js';
import { request } from '../helpers/http-client.js';
import { OPENFC_BIN, REPO_ROOT, startServe, type ServeProcess } from '../helpers/serve-process.js';

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/openfc.js ...args` with a clean environment; killed if it has not exited within 60 s. */
async function run(args: string[]): Promise<RunResult> {
  const proc = spawn(process.execPath, [OPENFC_BIN, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  try {
    const [code] = (await once(proc, 'close')) as [number | null];
    return { code, stdout, stderr };
  } finally {
    clearTimeout(killer);
  }
}

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

describe('openfc trigger', () => {
  let serve: ServeProcess;
  let work: string;
  const cli = (...args: string[]) => run([...args, '--data-dir', serve.dataDir]);

  before(async () => {
    serve = await startServe();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-trigger-cli-'));
  });
  after(async () => {
    await serve.stop();
    fs.rmSync(serve.dataDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('creates an HTTP trigger whose URL works, a timer trigger, and lists, updates, gets and deletes them', async () => {
    const name = uniqueName('cli-trg');
    const dir = path.join(work, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async (e) => { const ev = JSON.parse(e.toString()); return { statusCode: 200, body: "hi " + ev.requestContext.http.method }; };\n');
    ok(await cli('deploy', dir, '--name', name, '--runtime', 'nodejs20'));

    const web = JSON.parse(ok(await cli('trigger', 'create', name, 'web', '--type', 'http', '--auth-type', 'anonymous', '--methods', 'get,post', '--json')).stdout) as { httpTrigger: { urlIntranet: string }; triggerConfig: string };
    assert.deepEqual(JSON.parse(web.triggerConfig).methods, ['GET', 'POST']);
    const answer = await request(`${web.httpTrigger.urlIntranet}/`, { method: 'POST' });
    assert.deepEqual([answer.status, answer.body.toString()], [200, 'hi POST']);

    const shown = ok(await cli('trigger', 'create', name, 'nightly', '--type', 'timer', '--cron', 'CRON_TZ=Asia/Shanghai 0 0 4 * * *', '--payload', 'p')).stdout;
    assert.match(shown, /^nightly {2}timer {2}OK /m);
    ok(await cli('trigger', 'create', name, 'bucket', '--type', 'oss', '--config', '{"events":["oss:ObjectCreated:*"]}', '--source-arn', 'acs:oss:cn-hangzhou:1:b'));
    const listed = JSON.parse(ok(await cli('trigger', 'list', name, '--json')).stdout) as { triggers: { triggerName: string; status: string }[] };
    assert.deepEqual(listed.triggers.map((t) => [t.triggerName, t.status]), [['bucket', 'Unsupported'], ['nightly', 'OK'], ['web', 'OK']]);
    assert.match(ok(await cli('trigger', 'get', name, 'bucket')).stdout, /nothing fires them/);

    ok(await cli('trigger', 'update', name, 'nightly', '--cron', '@every 10m', '--disable', '--description', 'paused'));
    const got = JSON.parse(ok(await cli('trigger', 'get', name, 'nightly', '--json')).stdout) as { status: string; description: string; triggerConfig: string };
    assert.deepEqual([got.status, got.description, JSON.parse(got.triggerConfig).cronExpression], ['Disabled', 'paused', '@every 10m']);

    const bad = await cli('trigger', 'create', name, 'broken', '--type', 'timer', '--cron', '0 0 4 * *');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidArgument.*six/);

    ok(await cli('trigger', 'delete', name, 'web'));
    assert.equal((await request(`${web.httpTrigger.urlIntranet}/`)).status, 404);
  });

  test('--help describes every trigger command and option', () => {
    const trigger = buildProgram().commands.find((c) => c.name() === 'trigger')!;
    assert.deepEqual(trigger.commands.map((c) => c.name()), ['create', 'get', 'list', 'update', 'delete']);
    for (const c of trigger.commands) {
      assert.match(c.helpInformation(), new RegExp(`^Usage: openfc trigger ${c.name()} `, 'm'));
      for (const o of c.options) assert.ok(o.description, `${c.name()} ${o.flags}`);
    }
    assert.match(trigger.commands[0]!.helpInformation(), /--cron <expression>/);
  });
});

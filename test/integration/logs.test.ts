/**
 * Function logs end to end: functions invoked through the official SDK, their records read back
 * through GetFunctionLogs (signed with the SDK's generic callApi), follow (long-poll), the
 * `openfc logs` CLI (the real binary, --follow ended with SIGINT), and the platform's own log kept
 * free of function output.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { callFc } from '../../src/cli/fc-client.js';
import { buildProgram } from '../../src/cli/main.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { startBarrier } from '../helpers/barrier.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $dara, $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';
import { OPENFC_BIN, REPO_ROOT } from '../helpers/serve-process.js';
import { FakeClock } from '../../src/time/clock.js';

interface RecordView {
  kind: string;
  requestId?: string;
  instanceId: string;
  qualifier: string;
  message: string;
  functionError?: string;
  errorType?: string;
  errorMessage?: string;
  errorStack?: string;
  startTime: string;
  endTime: string;
}
interface PageView {
  records: RecordView[];
  nextToken: string;
  hasMore: boolean;
}

/** Bounds a wait: rejects after `ms` with `what`. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe('function logs', () => {
  let platform: Platform;
  let client: FCClient;
  const memory = createMemoryLogger();

  before(async () => {
    platform = await createTestPlatform({ logger: memory });
    client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
  });
  after(() => platform.close());

  const logs = async (functionName: string, query: Record<string, string> = {}, c: FCClient = client): Promise<PageView> =>
    (await callFc(c, { action: 'GetFunctionLogs', method: 'GET', pathname: `/2023-03-30/functions/${encodeURIComponent(functionName)}/logs`, query }, new $dara.RuntimeOptions({ readTimeout: 60_000, connectTimeout: 60_000 }))) as PageView;

  /** The record of one request, waiting (bounded, by long-poll) for it to be written. */
  async function recordOf(functionName: string, requestId: string): Promise<RecordView> {
    const page = await logs(functionName, { requestId, follow: 'true', waitMs: '15000' });
    assert.equal(page.records.length, 1, `one record for ${requestId}: ${JSON.stringify(page.records)}`);
    return page.records[0]!;
  }

  async function deploy(files: Record<string, string>, extra: Record<string, unknown> = {}): Promise<string> {
    const name = uniqueName('logs');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, files, extra) }));
    return name;
  }

  test("an invocation's lines are stored as one record with FC's markers, found by request id", async () => {
    const name = await deploy({ 'index.js': 'console.log("module loaded");\nexports.handler = async (e, ctx) => { console.log("got " + e); ctx.logger.warn("careful"); process.stdout.write("raw write\\n"); return "ok"; };' });
    const r = await invoke(client, name, 'abc');
    const id = r.headers['x-fc-request-id']!;
    const rec = await recordOf(name, id);
    assert.equal(rec.kind, 'invocation');
    assert.equal(rec.instanceId, r.headers['x-fc-instance-id']);
    assert.equal(rec.qualifier, 'LATEST');
    const lines = rec.message.trimEnd().split('\n');
    assert.equal(lines[0], `FC Invoke Start RequestId: ${id}`);
    assert.match(lines[1]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${id} \\[info\\] got abc$`));
    assert.match(lines[2]!, new RegExp(`${id} \\[warn\\] careful$`));
    assert.equal(lines[3], 'raw write');
    assert.equal(lines.at(-1), `FC Invoke End RequestId: ${id}`);
    assert.equal(rec.errorType, undefined);
    assert.ok(Date.parse(rec.startTime) <= Date.parse(rec.endTime));
    // The module's own line was printed outside any invocation: an instance record of that instance.
    const instance = await logs(name, { instanceId: rec.instanceId });
    assert.ok(instance.records.some((x) => x.kind === 'instance' && x.message.includes('module loaded') && x.requestId === undefined), JSON.stringify(instance.records));
    assert.equal((await logs(name, { requestId: 'no-such-request' })).records.length, 0);
  });

  test('an invocation that prints nothing still gets its record with both markers, and its Tail log has them too', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async (e) => e;' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await invoke(client, name, `quiet-${i}`, { logTail: true });
      const id = r.headers['x-fc-request-id']!;
      ids.push(id);
      assert.equal(Buffer.from(r.headers['x-fc-log-result']!, 'base64').toString(), `FC Invoke Start RequestId: ${id}\nFC Invoke End RequestId: ${id}\n`);
      const rec = await recordOf(name, id);
      assert.equal(rec.message, `FC Invoke Start RequestId: ${id}\nFC Invoke End RequestId: ${id}\n`);
      assert.ok(Date.parse(rec.startTime) <= Date.parse(rec.endTime));
    }
    // Three records and nothing else: no stray marker line became an instance record.
    const page = await logs(name);
    assert.deepEqual(page.records.map((r) => [r.kind, r.requestId]), ids.map((id) => ['invocation', id]));
  });

  test("output that bypasses console (a child process on the inherited pipes, a write to fd 1) stays in its invocation's record, which starts when the invocation did", async (t) => {
    // The handler waits at a barrier before its first output, so its record must start before the test releases it.
    const barrier = await startBarrier();
    t.after(() => barrier.close());
    const name = await deploy({
      'index.js': [
        "const { execSync } = require('child_process'); const fs = require('fs');",
        'exports.handler = async () => {',
        `  await fetch(${JSON.stringify(barrier.url + '/wait')}).then((r) => r.text());`,
        "  execSync('echo from the child', { stdio: 'inherit' });",
        "  fs.writeSync(1, 'straight to fd 1\\n');",
        "  return 'ok';",
        '};',
      ].join('\n'),
    });
    const pending = invoke(client, name, 'x');
    await barrier.arrived(1);
    const heldAtMs = Date.now();
    barrier.release();
    const r = await pending;
    const id = r.headers['x-fc-request-id']!;
    const rec = await recordOf(name, id);
    assert.deepEqual(rec.message.trimEnd().split('\n'), [`FC Invoke Start RequestId: ${id}`, 'from the child', 'straight to fd 1', `FC Invoke End RequestId: ${id}`]);
    assert.ok(Date.parse(rec.startTime) <= heldAtMs, `the record starts when the invocation did, not at its first output: ${rec.startTime}, released at ${new Date(heldAtMs).toISOString()}`);
  });

  test('concurrent invocations on one instance are attributed to their own records', async () => {
    const name = await deploy(
      {
        'index.js': `
let n = 0, release; const all = new Promise((r) => (release = r));
setTimeout(() => release(), 10000).unref();
exports.handler = async (e) => {
  const me = String(e);
  if (me === 'warm') return process.env.FC_INSTANCE_ID;
  console.log('before ' + me);
  if (++n === 4) release();
  await all;
  console.log('after ' + me);
  return process.env.FC_INSTANCE_ID;
};`,
      },
      { instanceConcurrency: 4, timeout: 30 },
    );
    const warm = await invoke(client, name, 'warm');
    const results = await Promise.all(['p0', 'p1', 'p2', 'p3'].map((p) => invoke(client, name, p)));
    for (const r of results) assert.equal(r.body.toString(), warm.body.toString(), 'all four ran on the warm instance at once');
    for (const [i, r] of results.entries()) {
      const rec = await recordOf(name, r.headers['x-fc-request-id']!);
      const mine = rec.message.match(/(before|after) p\d/g);
      assert.deepEqual(mine, [`before p${i}`, `after p${i}`], rec.message);
    }
  });

  test("an error record carries the error's type, message and stack", async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async () => { console.log("about to fail"); throw new TypeError("bad input"); };' });
    const r = await invoke(client, name);
    assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
    const rec = await recordOf(name, r.headers['x-fc-request-id']!);
    assert.equal(rec.functionError, 'UnhandledInvocationError');
    assert.equal(rec.errorType, 'TypeError');
    assert.equal(rec.errorMessage, 'bad input');
    assert.match(rec.errorStack!, /TypeError: bad input\n\s+at /);
    assert.match(rec.message, /about to fail/);
    assert.match(rec.message, /\[error\] TypeError: bad input/);
  });

  test('an initializer run is an initializer record of its instance; a failing one carries its error type and stack', async () => {
    const hooks = { instanceLifecycleConfig: new $FC.InstanceLifecycleConfig({ initializer: new $FC.LifecycleHook({ handler: 'index.init', timeout: 5 }) }) };
    const good = await deploy({ 'index.js': 'exports.init = async () => { console.log("initializing"); };\nexports.handler = async () => "ok";' }, hooks);
    const r = await invoke(client, good);
    const page = await logs(good, { instanceId: r.headers['x-fc-instance-id']!, follow: 'true', waitMs: '15000' });
    const init = page.records.find((x) => x.kind === 'initializer');
    assert.ok(init, JSON.stringify(page.records));
    assert.match(init.message, /^FC Initialize Start RequestId: (\S+)\n.*\[info\] initializing\nFC Initialize End RequestId: \1\n$/);
    const bad = await deploy({ 'index.js': 'exports.init = async () => { throw new RangeError("no config"); };\nexports.handler = async () => "ok";' }, hooks);
    const failed = await invoke(client, bad);
    assert.equal(failed.headers['x-fc-error-type'], 'UnhandledInvocationError');
    const failedPage = await logs(bad, { follow: 'true', waitMs: '15000' });
    const rec = failedPage.records.find((x) => x.kind === 'initializer');
    assert.ok(rec, JSON.stringify(failedPage.records));
    assert.equal(rec.errorType, 'RangeError');
    assert.equal(rec.errorMessage, 'no config');
    assert.match(rec.errorStack!, /RangeError: no config/);
  });

  test('a timed-out invocation is stored with its lines, the timeout error and the End marker', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async () => { console.log("hanging"); await new Promise(() => setInterval(() => {}, 1000)); };' }, { timeout: 1 });
    const r = await invoke(client, name);
    const id = r.headers['x-fc-request-id']!;
    const rec = await recordOf(name, id);
    assert.equal(rec.errorType, 'FunctionTimeoutError');
    assert.match(rec.message, /hanging\n/);
    assert.ok(rec.message.endsWith(`FC Invoke End RequestId: ${id}\n`), rec.message);
  });

  test('follow (long-poll) answers with a record written after the poll began', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async (e) => { console.log("event " + e); return "ok"; };' });
    await invoke(client, name, 'first');
    const first = await logs(name, { follow: 'true', waitMs: '15000' });
    assert.equal(first.records.length, 1);
    const polling = logs(name, { follow: 'true', waitMs: '15000', nextToken: first.nextToken });
    // Nothing new yet: the poll is waiting on the server when the invocation starts.
    let isAnswered = false;
    void polling.then(() => (isAnswered = true), () => (isAnswered = true));
    await within(15_000, 'the poll to wait on the server', (async () => {
      while (platform.functionLogs.followers === 0 && !isAnswered) await new Promise((resolve) => setImmediate(resolve));
    })());
    assert.equal(isAnswered, false, 'the poll waits while nothing new is written');
    const r = await invoke(client, name, 'second');
    const page = await polling;
    assert.deepEqual(page.records.map((x) => x.requestId), [r.headers['x-fc-request-id']]);
    assert.match(page.records[0]!.message, /event second/);
    assert.notEqual(page.nextToken, first.nextToken);
  });

  test('bad parameters are InvalidArgument; an unknown function or another account is FunctionNotFound', async () => {
    const name = await deploy({ 'index.js': 'exports.handler = async () => "ok";' });
    const bad: Record<string, string>[] = [{ limit: '0' }, { limit: 'x' }, { since: 'yesterday' }, { nextToken: 'abc' }, { follow: 'yes' }, { follow: 'true', waitMs: '999999' }, { waitMs: '10' }];
    for (const query of bad) {
      const e = await rejectionOf(logs(name, query));
      assert.equal(e.code, 'InvalidArgument', JSON.stringify(query));
    }
    assert.equal((await rejectionOf(logs('no-such-function'))).code, 'FunctionNotFound');
    const other = platform.accounts.createAccount();
    const otherClient = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret });
    assert.equal((await rejectionOf(logs(name, {}, otherClient))).code, 'FunctionNotFound');
  });

  test("the platform's own log holds no function output", () => {
    const text = JSON.stringify(memory.entries);
    for (const line of ['module loaded', 'got abc', 'about to fail', 'before p0', 'hanging', 'event second']) assert.equal(text.includes(line), false, line);
  });

  describe('openfc logs (the CLI)', () => {
    const cliEnv = () => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', OPENFC_ENDPOINT: platform.endpoints.http!,
      OPENFC_ACCESS_KEY_ID: platform.defaultAccount.accessKeyId, OPENFC_ACCESS_KEY_SECRET: platform.defaultAccount.accessKeySecret,
    });
    const children = new Set<ChildProcess>();
    after(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });

    function start(args: string[]): { child: ChildProcess; output: () => string; waitFor: (re: RegExp) => Promise<void> } {
      const child = spawn(process.execPath, [OPENFC_BIN, ...args], { cwd: REPO_ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let out = '';
      let err = '';
      const watchers = new Set<() => void>();
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        for (const w of watchers) w();
      });
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      const waitFor = (re: RegExp) =>
        within(30_000, `CLI output matching ${re} (stdout: ${out} stderr: ${err})`, new Promise<void>((resolve) => {
          const check = () => {
            if (re.test(out)) {
              watchers.delete(check);
              resolve();
            }
          };
          watchers.add(check);
          check();
        }));
      return { child, output: () => out + err, waitFor };
    }

    test("prints a function's logs, and one request's with --request-id", async () => {
      const name = await deploy({ 'index.js': 'exports.handler = async (e) => { console.log("cli line " + e); return "ok"; };' });
      const a = await invoke(client, name, 'one');
      const b = await invoke(client, name, 'two');
      await recordOf(name, b.headers['x-fc-request-id']!);
      const all = start(['logs', name]);
      const [code] = (await within(60_000, 'openfc logs to exit', once(all.child, 'close'))) as [number];
      assert.equal(code, 0, all.output());
      assert.match(all.output(), new RegExp(`FC Invoke Start RequestId: ${a.headers['x-fc-request-id']}\\n.*cli line one\\nFC Invoke End`));
      assert.match(all.output(), /cli line two/);
      const one = start(['logs', name, '--request-id', b.headers['x-fc-request-id']!, '--since', '10m']);
      const [code2] = (await within(60_000, 'openfc logs --request-id to exit', once(one.child, 'close'))) as [number];
      assert.equal(code2, 0, one.output());
      assert.doesNotMatch(one.output(), /cli line one/);
      assert.match(one.output(), /cli line two/);
    });

    test('--follow prints new records as they are written and ends cleanly on SIGINT', async () => {
      const name = await deploy({ 'index.js': 'exports.handler = async (e) => { console.log("followed " + e); return "ok"; };' });
      await invoke(client, name, 'before');
      await recordOf(name, (await invoke(client, name, 'before2')).headers['x-fc-request-id']!);
      const f = start(['logs', name, '--follow']);
      await f.waitFor(/followed before2\n/);
      await invoke(client, name, 'later');
      await f.waitFor(/followed later\n/);
      const closed = once(f.child, 'close');
      f.child.kill('SIGINT');
      const [code] = (await within(10_000, 'openfc logs --follow to end on SIGINT', closed)) as [number];
      assert.equal(code, 0, f.output());
    });

    test('--help describes the command', () => {
      const help = buildProgram().commands.find((c) => c.name() === 'logs')!.helpInformation();
      assert.match(help, /--follow/);
      assert.match(help, /--request-id <id>/);
      assert.match(help, /--since <time\|duration>/);
    });
  });

  describe('retention (fake clock)', () => {
    test('records past the age limit, and an account\'s oldest beyond its size budget, are deleted when retention runs', async () => {
      const clock = new FakeClock(Date.now());
      await using p = await createTestPlatform({ clock, logRetentionMaxAgeMs: 60_000, logRetentionIntervalMs: 10_000, logRetentionMaxBytesPerAccount: 1000 });
      const c = createFcClient({ endpoint: p.endpoints.http!.replace('http://', ''), accessKeyId: p.defaultAccount.accessKeyId, accessKeySecret: p.defaultAccount.accessKeySecret });
      const name = uniqueName('ret');
      await c.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': 'exports.handler = async (e) => { console.log("kept " + e + " " + "x".repeat(200)); return "ok"; };' }) }));
      const q = { accountId: p.defaultAccount.accountId, functionName: name, limit: 100 };
      /** Invokes and waits (bounded) until the invocation's record is stored; the flush timer runs on the fake clock, so the read flushes. */
      const invokeStored = async (payload: string) => {
        const id = (await invoke(c, name, payload)).headers['x-fc-request-id']!;
        await within(15_000, `the record of ${payload}`, (async () => {
          while (p.functionLogs.query({ ...q, requestId: id }).records.length === 0) await new Promise((resolve) => setImmediate(resolve));
        })());
      };
      const kept = () => p.functionLogs.query(q).records.filter((r) => r.kind === 'invocation').map((r) => /kept (\w+)/.exec(r.message)![1]);
      await invokeStored('old');
      clock.advance(30_000);
      await invokeStored('young');
      assert.deepEqual(kept(), ['old', 'young']);
      clock.advance(45_000);
      assert.deepEqual(kept(), ['young'], 'retention at 70 s: written 70 s ago is past the age limit (60 s), 40 s ago is not');
      for (const n of ['a', 'b', 'c', 'd']) await invokeStored(n);
      clock.advance(10_000);
      const left = kept();
      assert.ok(p.functionLogs.query(q).records.reduce((n, r) => n + Buffer.byteLength(r.message), 0) <= 1000);
      assert.deepEqual(left, ['young', 'a', 'b', 'c', 'd'].slice(-left.length), 'the newest records are the ones kept');
      assert.ok(left.length < 5 && left.length >= 2, `kept ${left.join(',')}`);
    });
  });
});

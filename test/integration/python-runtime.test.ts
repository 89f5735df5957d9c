/**
 * The Python runtime (python3.10, python3.9, python3.12) through the real platform and the official
 * SDK, on both sandbox drivers: handler(event, context) with bytes, the initializer once per
 * instance, FC's context fields, FC's log format and markers, errors as FC's error body, and a log
 * tail that holds only its own invocation's lines while others run on the same instance.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { uniqueName, zipBase64 } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, type FCClient } from '../helpers/sdk.js';

const PYTHON_FUNCTION = {
  'index.py': `import json, logging, os, threading

state = {'inits': 0}
overlap = threading.Barrier(4, timeout=30)

def initializer(context):
    state['inits'] += 1
    state['initRequestId'] = context.request_id
    state['initializerName'] = context.function.initializer
    print('initializer ran for', context.function.name)

def handler(event, context):
    e = json.loads(event) if event else {}
    if e.get('fail'):
        raise ValueError('bad input: ' + e['fail'])
    if e.get('tag'):
        tag = e['tag']
        for i in range(3):
            print('line-%s-%d' % (tag, i))
        overlap.wait()
        logging.getLogger().info('after-%s', tag)
        return tag
    logging.getLogger().info('hello from python')
    print('printed plainly')
    return {
        'isBytes': isinstance(event, bytes),
        'event': e,
        'requestId': context.request_id,
        'function': {'name': context.function.name, 'handler': context.function.handler, 'memory': context.function.memory,
                     'timeout': context.function.timeout, 'initializer': context.function.initializer},
        'region': context.region,
        'accountId': context.account_id,
        'qualifier': context.service.qualifier,
        'credentials': [context.credentials.access_key_id, context.credentials.security_token],
        'state': state,
        'cwd': os.getcwd(),
        'env': os.environ.get('GREETING'),
        'fcName': os.environ.get('FC_FUNCTION_NAME'),
    }
`,
  'helper_mod.py': 'VALUE = 42\n',
  'other.py': 'import helper_mod\ndef handler(event, context):\n    return str(helper_mod.VALUE).encode()\n',
};

const logOf = (headers: Record<string, string>): string => Buffer.from(headers['x-fc-log-result'] ?? '', 'base64').toString();

function suite(sandbox: 'linux' | 'process'): void {
  describe(`Python runtime (${sandbox} sandbox)`, () => {
    let platform: Platform;
    let client: FCClient;

    before(async () => {
      // A pool of one: later functions start from python stem cells (specialised, thawed), not fresh sandboxes.
      platform = await createTestPlatform({ sandbox, stemCellPoolSize: 1 });
      const { accessKeyId, accessKeySecret } = platform.defaultAccount;
      client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId, accessKeySecret });
    });
    after(() => platform.close());

    async function deploy(extra: Record<string, unknown>, runtime = 'python3.10'): Promise<string> {
      const name = uniqueName('py');
      await client.createFunction(new $FC.CreateFunctionRequest({
        body: new $FC.CreateFunctionInput({
          functionName: name, runtime, handler: 'index.handler', timeout: 30, internetAccess: false,
          code: new $FC.InputCodeLocation({ zipFile: await zipBase64(PYTHON_FUNCTION) }), ...extra,
        }),
      }));
      return name;
    }

    test('runs handler(event, context) with bytes, the initializer once, and FC context fields; logs in FC format', async () => {
      const name = await deploy({
        environmentVariables: { GREETING: 'hi' },
        instanceLifecycleConfig: new $FC.InstanceLifecycleConfig({ initializer: new $FC.LifecycleHook({ handler: 'index.initializer', timeout: 10 }) }),
      });
      const first = await invoke(client, name, '{"a":1}', { logTail: true });
      assert.equal(first.statusCode, 200, first.body.toString());
      assert.equal(first.headers['x-fc-error-type'], undefined, first.body.toString());
      const out = JSON.parse(first.body.toString());
      const requestId = first.headers['x-fc-request-id']!;
      assert.deepEqual(
        { ...out, state: undefined, cwd: undefined },
        {
          isBytes: true, event: { a: 1 }, requestId, region: platform.config.region, accountId: platform.defaultAccount.accountId, qualifier: 'LATEST',
          function: { name, handler: 'index.handler', memory: 128, timeout: 30, initializer: 'index.initializer' },
          credentials: ['', ''], env: 'hi', fcName: name, state: undefined, cwd: undefined,
        },
      );
      assert.equal(out.state.inits, 1);
      assert.equal(out.state.initializerName, 'index.initializer');
      assert.notEqual(out.state.initRequestId, requestId, 'the initializer has its own request id');
      const log = logOf(first.headers);
      assert.match(log, new RegExp(`^FC Invoke Start RequestId: ${requestId}\\n\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ${requestId} \\[INFO\\] hello from python\\nprinted plainly\\nFC Invoke End RequestId: ${requestId}\\n$`));

      const second = await invoke(client, name, '', { logTail: false });
      const again = JSON.parse(second.body.toString());
      assert.equal(second.headers['x-fc-instance-id'], first.headers['x-fc-instance-id']);
      assert.equal(again.state.inits, 1, 'the initializer ran once per instance');
      assert.equal(second.headers['x-fc-log-result'], undefined);
    });

    test('a raised exception is an UnhandledInvocationError with FC error body; a missing handler fails clearly', async () => {
      const name = await deploy({}, 'python3.9');
      const r = await invoke(client, name, '{"fail":"nope"}', { logTail: true });
      assert.equal(r.headers['x-fc-error-type'], 'UnhandledInvocationError');
      const body = JSON.parse(r.body.toString());
      assert.equal(body.errorType, 'ValueError');
      assert.equal(body.errorMessage, 'bad input: nope');
      assert.ok(body.stackTrace.some((s: string) => s.includes('index.py') && s.includes('in handler')), JSON.stringify(body.stackTrace));
      assert.ok(!body.stackTrace.some((s: string) => s.includes('bootstrap.py')), 'runtime frames are not shown');
      assert.match(logOf(r.headers), /\[ERROR\] ValueError: bad input: nope/);

      const other = uniqueName('py');
      await client.createFunction(new $FC.CreateFunctionRequest({
        body: new $FC.CreateFunctionInput({ functionName: other, runtime: 'python3.12', handler: 'other.handler', code: new $FC.InputCodeLocation({ zipFile: await zipBase64(PYTHON_FUNCTION) }) }),
      }));
      assert.equal((await invoke(client, other)).body.toString(), '42', 'modules beside the handler import');

      const missing = uniqueName('py');
      await client.createFunction(new $FC.CreateFunctionRequest({
        body: new $FC.CreateFunctionInput({ functionName: missing, runtime: 'python3.10', handler: 'nothere.handler', code: new $FC.InputCodeLocation({ zipFile: await zipBase64(PYTHON_FUNCTION) }) }),
      }));
      const m = await invoke(client, missing);
      assert.equal(m.headers['x-fc-error-type'], 'UnhandledInvocationError');
      const mb = JSON.parse(m.body.toString());
      assert.equal(mb.errorType, 'HandlerNotFound');
      assert.match(mb.errorMessage, /nothere/);
    });

    test('with instanceConcurrency 4, each log tail holds only its own invocation, while all four overlap on one instance', async () => {
      const pool = platform.driver as typeof platform.driver & { ready(): Promise<void>; stats(): { hits: number; ready: Record<string, number> } };
      await pool.ready();
      assert.equal(pool.stats().ready['python/128/512/none'], 1, 'a python stem cell waits');
      const hitsBefore = pool.stats().hits;
      const name = await deploy({ instanceConcurrency: 4 });
      const warm = await invoke(client, name, '');
      assert.equal(pool.stats().hits, hitsBefore + 1, 'the instance was a specialised python stem cell');
      assert.equal(warm.statusCode, 200);
      const tags = ['a', 'b', 'c', 'd'];
      const results = await Promise.all(tags.map((tag) => invoke(client, name, JSON.stringify({ tag }), { logTail: true })));
      for (const [i, r] of results.entries()) {
        const tag = tags[i]!;
        assert.equal(r.body.toString(), tag, `${r.headers['x-fc-error-type'] ?? ''} ${r.body.toString()}`);
        assert.equal(r.headers['x-fc-instance-id'], warm.headers['x-fc-instance-id'], 'all ran on the warm instance (the barrier needs all four)');
        const log = logOf(r.headers);
        const id = r.headers['x-fc-request-id']!;
        assert.match(log, new RegExp(`^FC Invoke Start RequestId: ${id}\\nline-${tag}-0\\nline-${tag}-1\\nline-${tag}-2\\n\\S+ ${id} \\[INFO\\] after-${tag}\\nFC Invoke End RequestId: ${id}\\n$`), log);
      }
    });

    test('preStop and preFreeze hooks run with FC markers; a failing hook reports FC error body and its log', async () => {
      const codeDir = path.join(platform.config.dataDir, 'py-hooks-' + randomBytes(4).toString('hex'));
      fs.mkdirSync(codeDir, { mode: 0o755 });
      fs.writeFileSync(path.join(codeDir, 'index.py'), [
        'def handler(event, context):', '    return event',
        'def pre_stop(context):', "    print('stopping', context.request_id, context.function.name)",
        'def pre_freeze(context):', "    raise RuntimeError('cannot freeze')", '',
      ].join('\n'), { mode: 0o644 });
      const box = await platform.driver.start({ sandboxId: 'c-' + randomBytes(12).toString('hex'), runtimeFamily: 'python', memoryMb: 128, cpu: 0.1, diskSizeMb: 512, network: { internet: false }, codeDir });
      try {
        const assigned = await box.channel.assign({
          instanceId: box.id, accountId: '1', region: 'cn-local', codeDir: box.codeDirInside, env: {}, initRequestId: 'init-x', runtime: 'python3.10',
          function: { name: 'hooks', handler: 'index.handler', memory: 128, timeout: 3, preStop: 'index.pre_stop', preFreeze: 'index.pre_freeze', qualifier: 'LATEST', versionId: '0' },
        });
        assert.deepEqual(assigned, { ok: true });
        const echoed = await box.channel.invoke({ requestId: 'r-1', isLogTail: false, deadlineMs: Date.now() + 3000 }, Buffer.from('\u00ffbytes'));
        assert.equal(echoed.body.toString(), '\u00ffbytes', 'bytes come back as they went in');
        const freeze = await box.channel.hook('preFreeze', 'freeze-1');
        assert.equal(freeze.ok, false);
        assert.ok(!freeze.ok && freeze.error.errorType === 'RuntimeError' && freeze.error.errorMessage === 'cannot freeze');
        assert.match(freeze.log ?? '', /^FC PreFreeze Start RequestId: freeze-1\n\S+ freeze-1 \[ERROR\] RuntimeError: cannot freeze\n[^]*FC PreFreeze End RequestId: freeze-1\n$/);
        const stop = await box.channel.hook('preStop', 'stop-1');
        assert.deepEqual(stop, { ok: true });
      } finally {
        await box.destroy();
      }
    });
  });
}

suite('process');
suite('linux');

/**
 * Function versions and aliases through the official SDK against the real platform (process
 * sandbox, for speed): every operation, a version keeps running its frozen code after LATEST
 * changes (on its own instances), weighted alias routing within a stated statistical tolerance,
 * the refusal to delete a version an alias uses, async invocation of an alias, removal with the
 * function, and isolation between accounts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName, zipBase64 } from '../helpers/functions.js';
import { $dara, $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';
import { OPENFC_BIN, REPO_ROOT } from '../helpers/serve-process.js';

/** Answers with its code's mark and the version the instance was told it serves. */
const code = (mark: string) => ({
  'index.js': `exports.handler = async () => JSON.stringify({ mark: ${JSON.stringify(mark)}, version: process.env.FC_FUNCTION_VERSION, qualifier: process.env.FC_QUALIFIER });\n`,
});

/** Bounds a wait on an event: fails instead of hanging. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `node bin/openfc.js ...args`; killed (and failed) if it has not exited within a minute. */
async function openfc(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [OPENFC_BIN, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  try {
    const [code] = (await once(proc, 'close')) as [number | null];
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

describe('function versions and aliases', () => {
  let platform: Platform;
  let client: FCClient;
  let other: FCClient;

  before(async () => {
    platform = await createTestPlatform({ sandbox: 'process' });
    const endpoint = platform.endpoints.http!.replace('http://', '');
    client = createFcClient({ endpoint, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const second = platform.accounts.createAccount();
    other = createFcClient({ endpoint, accessKeyId: second.accessKeyId, accessKeySecret: second.accessKeySecret });
  });
  after(() => platform.close());

  const createFunction = async (c: FCClient = client, mark = 'one') => {
    const name = uniqueName('ver');
    await c.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, code(mark)) }));
    return name;
  };
  const updateCode = async (name: string, mark: string) =>
    client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ code: new $FC.InputCodeLocation({ zipFile: await zipBase64(code(mark)) }) }) }));
  const publish = async (name: string, description?: string, c: FCClient = client) =>
    (await c.publishFunctionVersion(name, new $FC.PublishFunctionVersionRequest({ body: new $FC.PublishVersionInput({ description }) }))).body!;
  const listVersions = async (name: string, query: { direction?: string; limit?: number; nextToken?: string } = {}) =>
    (await client.listFunctionVersions(name, new $FC.ListFunctionVersionsRequest(query))).body!;
  const createAlias = async (name: string, body: Record<string, unknown>, c: FCClient = client) =>
    (await c.createAlias(name, new $FC.CreateAliasRequest({ body: new $FC.CreateAliasInput(body) }))).body!;
  const updateAlias = async (name: string, alias: string, body: Record<string, unknown>) =>
    (await client.updateAlias(name, alias, new $FC.UpdateAliasRequest({ body: new $FC.UpdateAliasInput(body) }))).body!;
  const run = async (name: string, qualifier?: string, c: FCClient = client) => {
    const r = await invoke(c, name, '', { ...(qualifier !== undefined && { qualifier }) });
    return { ...(JSON.parse(r.body.toString()) as { mark: string; version: string; qualifier: string }), instanceId: r.headers['x-fc-instance-id'], checksum: r.headers['x-fc-code-checksum'] };
  };

  test('publish, list in both directions with paging, and delete versions; ids are never reused', async () => {
    const name = await createFunction();
    const v1 = await publish(name, 'first');
    assert.equal(v1.versionId, '1');
    assert.equal(v1.description, 'first');
    assert.match(v1.createdTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(v1.lastModifiedTime, v1.createdTime);

    const unchanged = await rejectionOf(publish(name));
    assert.deepEqual([unchanged.statusCode, unchanged.code], [400, 'VersionNotChanged']);
    assert.match(unchanged.message, /nothing changed .* since version 1/);

    await updateCode(name, 'two');
    assert.equal((await publish(name)).versionId, '2');
    await client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ memorySize: 256 }) }));
    assert.equal((await publish(name)).versionId, '3', 'a configuration change is a change too');

    const newestFirst = await listVersions(name);
    assert.deepEqual(newestFirst.versions!.map((v) => v.versionId), ['3', '2', '1']);
    assert.equal(newestFirst.direction, 'BACKWARD');
    assert.equal(newestFirst.nextToken, undefined);
    const page1 = await listVersions(name, { direction: 'FORWARD', limit: 2 });
    assert.deepEqual([page1.versions!.map((v) => v.versionId), page1.nextToken, page1.direction], [['1', '2'], '3', 'FORWARD']);
    const page2 = await listVersions(name, { direction: 'FORWARD', limit: 2, nextToken: page1.nextToken });
    assert.deepEqual([page2.versions!.map((v) => v.versionId), page2.nextToken], [['3'], undefined]);
    const back = await listVersions(name, { limit: 1, nextToken: '2' });
    assert.deepEqual([back.versions!.map((v) => v.versionId), back.nextToken], [['2'], '1']);
    assert.equal((await rejectionOf(listVersions(name, { direction: 'SIDEWAYS' }))).code, 'InvalidArgument');

    assert.equal((await client.deleteFunctionVersion(name, '3')).statusCode, 204);
    assert.deepEqual((await rejectionOf(client.deleteFunctionVersion(name, '3'))).code, 'VersionNotFound');
    await updateCode(name, 'four');
    assert.equal((await publish(name)).versionId, '4', 'version 3 was deleted, and its id is not handed out again');
    assert.deepEqual((await listVersions(name)).versions!.map((v) => v.versionId), ['4', '2', '1']);
  });

  test('a version keeps its code and configuration, and its instances, after LATEST changes', async () => {
    const name = await createFunction(client, 'one');
    await publish(name);
    const first = await run(name, '1');
    assert.deepEqual([first.mark, first.version, first.qualifier], ['one', '1', '1'], 'the instance is told its version (FC_FUNCTION_VERSION)');
    const latestBefore = await run(name);
    assert.deepEqual([latestBefore.mark, latestBefore.version], ['one', 'LATEST']);
    assert.notEqual(latestBefore.instanceId, first.instanceId, 'LATEST and version 1 do not share instances');

    await updateCode(name, 'two');
    const latest = await run(name, 'LATEST');
    assert.equal(latest.mark, 'two');
    const again = await run(name, '1');
    assert.equal(again.mark, 'one', 'version 1 still runs the code it was published with');
    assert.equal(again.instanceId, first.instanceId, "UpdateFunction drained only LATEST's instances");
    assert.equal(again.checksum, first.checksum, 'x-fc-code-checksum is that of the version that ran');
    assert.notEqual(latest.checksum, again.checksum);

    const v1 = (await client.getFunction(name, new $FC.GetFunctionRequest({ qualifier: '1' }))).body!;
    const now = (await client.getFunction(name, new $FC.GetFunctionRequest({}))).body!;
    assert.equal(v1.codeChecksum, first.checksum);
    assert.equal(now.codeChecksum, latest.checksum);
    const code1 = (await client.getFunctionCode(name, new $FC.GetFunctionCodeRequest({ qualifier: '1' }))).body!;
    assert.equal(code1.checksum, first.checksum);
    assert.equal((await client.getFunctionCode(name, new $FC.GetFunctionCodeRequest({}))).body!.checksum, latest.checksum);

    const instances = (await client.listInstances(name, new $FC.ListInstancesRequest({ qualifier: '1' }))).body!.instances!;
    assert.deepEqual(instances.map((i) => [i.instanceId, i.qualifier, i.versionId]), [[first.instanceId, '1', '1']]);
    const onLatest = (await client.listInstances(name, new $FC.ListInstancesRequest({ qualifier: 'LATEST' }))).body!.instances!;
    assert.ok(onLatest.length >= 1 && onLatest.every((i) => i.qualifier === 'LATEST' && i.versionId === '0'));

    for (const [q, codeName] of [['9', 'VersionNotFound'], ['nope', 'AliasNotFound'], ['bad/q', 'InvalidArgument']] as const) {
      assert.equal((await rejectionOf(run(name, q))).code, codeName, q);
      assert.equal((await rejectionOf(client.getFunction(name, new $FC.GetFunctionRequest({ qualifier: q })))).code, codeName, q);
    }

    const stopped = within(platform.events.next('instance:stopped', (e) => e.instanceId === first.instanceId), 30_000, 'the version instance to stop');
    await client.deleteFunctionVersion(name, '1');
    assert.equal((await stopped).reason, 'version-deleted');
  });

  test('aliases: create, get, list, update and delete, with their checks', async () => {
    const name = await createFunction();
    await publish(name);
    await updateCode(name, 'two');
    await publish(name);
    const created = await createAlias(name, { aliasName: 'prod', versionId: '1', description: 'production' });
    assert.deepEqual([created.aliasName, created.versionId, created.description, created.additionalVersionWeight], ['prod', '1', 'production', {}]);
    assert.match(created.createdTime!, /Z$/);
    assert.deepEqual((await client.getAlias(name, 'prod')).body!.toMap(), created.toMap());
    await createAlias(name, { aliasName: 'canary', versionId: '2' });
    await createAlias(name, { aliasName: 'preview', versionId: '2' });

    const all = (await client.listAliases(name, new $FC.ListAliasesRequest({}))).body!;
    assert.deepEqual(all.aliases!.map((a) => a.aliasName), ['canary', 'preview', 'prod']);
    const page = (await client.listAliases(name, new $FC.ListAliasesRequest({ limit: 2 }))).body!;
    assert.deepEqual([page.aliases!.map((a) => a.aliasName), page.nextToken], [['canary', 'preview'], 'preview']);
    const rest = (await client.listAliases(name, new $FC.ListAliasesRequest({ limit: 2, nextToken: page.nextToken }))).body!;
    assert.deepEqual([rest.aliases!.map((a) => a.aliasName), rest.nextToken], [['prod'], undefined]);
    assert.deepEqual((await client.listAliases(name, new $FC.ListAliasesRequest({ prefix: 'pr' }))).body!.aliases!.map((a) => a.aliasName), ['preview', 'prod']);

    assert.equal((await run(name, 'prod')).mark, 'one');
    assert.equal((await run(name, 'canary')).mark, 'two');
    const updated = await updateAlias(name, 'prod', { versionId: '2', description: 'moved' });
    assert.deepEqual([updated.versionId, updated.description, updated.createdTime], ['2', 'moved', created.createdTime]);
    assert.equal((await run(name, 'prod')).mark, 'two', 'an alias moved to another version runs it at once');
    const weighted = await updateAlias(name, 'prod', { additionalVersionWeight: { '1': 0.25 } });
    assert.deepEqual([weighted.versionId, weighted.description, weighted.additionalVersionWeight], ['2', 'moved', { '1': 0.25 }], 'update changes only what it sends');
    assert.deepEqual((await updateAlias(name, 'prod', { additionalVersionWeight: {} })).additionalVersionWeight, {});

    const refusals: [() => Promise<unknown>, number, string, RegExp?][] = [
      [() => createAlias(name, { aliasName: 'prod', versionId: '1' }), 409, 'AliasAlreadyExists'],
      [() => createAlias(name, { aliasName: 'x', versionId: '7' }), 404, 'VersionNotFound'],
      [() => createAlias(name, { aliasName: 'x', versionId: '1', additionalVersionWeight: { '9': 0.1 } }), 404, 'VersionNotFound'],
      [() => createAlias(name, { aliasName: 'x', versionId: '1', additionalVersionWeight: { '2': 1.5 } }), 400, 'InvalidArgument', /from 0 to 1/],
      [() => createAlias(name, { aliasName: 'x', versionId: '1', additionalVersionWeight: { '1': 0.5 } }), 400, 'InvalidArgument', /own version/],
      [() => createAlias(name, { aliasName: 'LATEST', versionId: '1' }), 400, 'InvalidArgument'],
      [() => createAlias(name, { aliasName: '9lives', versionId: '1' }), 400, 'InvalidArgument'],
      [() => createAlias(name, { aliasName: 'x' }), 400, 'InvalidArgument', /versionId/],
      [() => updateAlias(name, 'ghost', { versionId: '1' }), 404, 'AliasNotFound'],
      [() => client.getAlias(name, 'ghost'), 404, 'AliasNotFound'],
      [() => client.deleteAlias(name, 'ghost'), 404, 'AliasNotFound'],
      [() => createAlias('no-such-function', { aliasName: 'x', versionId: '1' }), 404, 'FunctionNotFound'],
    ];
    for (const [attempt, status, codeName, pattern] of refusals) {
      const e = await rejectionOf(attempt());
      assert.deepEqual([e.statusCode, e.code], [status, codeName], e.message);
      if (pattern) assert.match(e.message, pattern);
    }

    assert.equal((await client.deleteAlias(name, 'preview')).statusCode, 204);
    assert.equal((await rejectionOf(client.getAlias(name, 'preview'))).code, 'AliasNotFound');
    assert.equal((await rejectionOf(run(name, 'preview'))).code, 'AliasNotFound', 'a deleted alias cannot be invoked');
  });

  test('a version an alias uses cannot be deleted, and the refusal names the alias', async () => {
    const name = await createFunction();
    await publish(name);
    await updateCode(name, 'two');
    await publish(name);
    await createAlias(name, { aliasName: 'stable', versionId: '1' });
    await createAlias(name, { aliasName: 'trial', versionId: '1', additionalVersionWeight: { '2': 0.1 } });
    const asMain = await rejectionOf(client.deleteFunctionVersion(name, '1'));
    assert.deepEqual([asMain.statusCode, asMain.code], [409, 'VersionInUse']);
    assert.match(asMain.message, /'stable', 'trial'/);
    const asWeight = await rejectionOf(client.deleteFunctionVersion(name, '2'));
    assert.deepEqual([asWeight.statusCode, asWeight.code], [409, 'VersionInUse']);
    assert.match(asWeight.message, /alias 'trial'/);
    await updateAlias(name, 'trial', { additionalVersionWeight: {} });
    assert.equal((await client.deleteFunctionVersion(name, '2')).statusCode, 204, 'free once no alias routes to it');
    assert.deepEqual((await listVersions(name)).versions!.map((v) => v.versionId), ['1']);
  });

  test('an alias with additionalVersionWeight 0.3 sends about 30% of invocations to the canary', async () => {
    const name = await createFunction(client, 'stable');
    await publish(name);
    await updateCode(name, 'canary');
    await publish(name);
    await createAlias(name, { aliasName: 'live', versionId: '1', additionalVersionWeight: { '2': 0.3 } });
    const n = 400;
    const p = 0.3;
    let canary = 0;
    for (let i = 0; i < n; i++) {
      const r = await run(name, 'live');
      if (r.mark === 'canary') {
        canary++;
        assert.equal(r.version, '2');
      } else assert.deepEqual([r.mark, r.version], ['stable', '1']);
    }
    // Binomial(400, 0.3): mean 120, sigma = sqrt(n p (1-p)) ≈ 9.17. Five sigma (±45.8) fails a correct router about once in 1.7 million runs.
    const mean = n * p;
    const sigma = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(canary - mean) <= 5 * sigma, `${canary} of ${n} invocations went to the canary; expected ${mean} ± ${(5 * sigma).toFixed(1)}`);
  });

  test('async invocation of an alias runs the version the alias points at, with the alias\'s async config', async () => {
    const name = await createFunction(client, 'one');
    await publish(name);
    await updateCode(name, 'two');
    await createAlias(name, { aliasName: 'jobs', versionId: '1' });
    await client.putAsyncInvokeConfig(name, new $FC.PutAsyncInvokeConfigRequest({ qualifier: 'jobs', body: new $FC.PutAsyncInvokeConfigInput({ asyncTask: true }) }));
    assert.equal((await rejectionOf(client.getAsyncInvokeConfig(name, new $FC.GetAsyncInvokeConfigRequest({})))).code, 'AsyncConfigNotFound', "the config is the alias's, not LATEST's");
    assert.equal((await rejectionOf(client.getAsyncInvokeConfig(name, new $FC.GetAsyncInvokeConfigRequest({ qualifier: 'ghost' })))).code, 'AliasNotFound');

    const settled = within(platform.events.next('async:settled', (e) => e.taskId === 'alias-task'), 60_000, 'the async task to settle');
    const r = await client.invokeFunctionWithOptions(
      name,
      new $FC.InvokeFunctionRequest({ qualifier: 'jobs', body: Readable.from([Buffer.from('{}')]) }),
      new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async', xFcAsyncTaskId: 'alias-task' }),
      new $dara.RuntimeOptions({}),
    );
    for await (const _ of r.body as AsyncIterable<Buffer>) void _;
    assert.equal(r.statusCode, 202);
    assert.equal(r.headers!['x-fc-async-task-id'], 'alias-task', 'the alias has asyncTask on, so the event is a task');
    assert.equal((await settled).status, 'Succeeded');
    const task = (await client.getAsyncTask(name, 'alias-task', new $FC.GetAsyncTaskRequest({ qualifier: 'jobs' }))).body!;
    assert.equal(task.qualifier, 'jobs');
    assert.deepEqual(JSON.parse(task.returnPayload!), { mark: 'one', version: '1', qualifier: '1' });

    const unknown = await rejectionOf(client.invokeFunctionWithOptions(name, new $FC.InvokeFunctionRequest({ qualifier: 'ghost', body: Readable.from([Buffer.from('{}')]) }), new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async' }), new $dara.RuntimeOptions({})));
    assert.deepEqual([unknown.statusCode, unknown.code], [404, 'AliasNotFound'], 'nothing is queued for an alias that does not exist');
  });

  test('deleting a function removes its versions and aliases', async () => {
    const name = await createFunction();
    await publish(name);
    await createAlias(name, { aliasName: 'prod', versionId: '1' });
    await client.deleteFunction(name);
    assert.equal((await rejectionOf(listVersions(name))).code, 'FunctionNotFound');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, code('again')) }));
    assert.deepEqual((await listVersions(name)).versions, []);
    assert.equal((await rejectionOf(client.getAlias(name, 'prod'))).code, 'AliasNotFound');
    assert.equal((await rejectionOf(run(name, '1'))).code, 'VersionNotFound');
    assert.equal((await publish(name)).versionId, '1', 'a new function starts its own count');
  });

  test('a version or alias a trigger fires cannot be deleted; a deleted alias takes its async config with it', async () => {
    const name = await createFunction();
    await publish(name);
    await createAlias(name, { aliasName: 'live', versionId: '1' });
    await client.createTrigger(name, new $FC.CreateTriggerRequest({ body: new $FC.CreateTriggerInput({
      triggerName: 'web', triggerType: 'http', qualifier: 'live', triggerConfig: JSON.stringify({ authType: 'anonymous', methods: ['GET'] }),
    }) }));
    const inUse = await rejectionOf(client.deleteAlias(name, 'live'));
    assert.equal(inUse.code, 'ResourceInUse');
    assert.match(String(inUse.data?.Message), /triggers web/);
    await client.deleteTrigger(name, 'web');

    const putConfig = () => client.putAsyncInvokeConfig(name, new $FC.PutAsyncInvokeConfigRequest({ qualifier: 'live', body: new $FC.PutAsyncInvokeConfigInput({ maxAsyncRetryAttempts: 0 }) }));
    await putConfig();
    await client.deleteAlias(name, 'live');
    await createAlias(name, { aliasName: 'live', versionId: '1' });
    const gone = await rejectionOf(client.getAsyncInvokeConfig(name, new $FC.GetAsyncInvokeConfigRequest({ qualifier: 'live' })));
    assert.equal(gone.code, 'AsyncConfigNotFound', 'a new alias of the same name starts without the old config');
    await client.deleteFunction(name);
  });

  test('the CLI publishes and lists versions, manages aliases and invokes with --qualifier', async () => {
    const name = await createFunction(client, 'one');
    const keys = ['--endpoint', platform.endpoints.http!, '--access-key-id', platform.defaultAccount.accessKeyId, '--access-key-secret', platform.defaultAccount.accessKeySecret];
    const cli = async (...args: string[]) => {
      const r = await openfc([...args, ...keys]);
      assert.equal(r.code, 0, `openfc ${args.join(' ')}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      return r.stdout;
    };
    assert.match(await cli('function', 'publish', name, '--description', 'first'), /^version 1 .*first/);
    await updateCode(name, 'two');
    assert.match(await cli('function', 'publish', name), /^version 2 /);
    assert.deepEqual((JSON.parse(await cli('function', 'versions', name, '--json')) as { versions: { versionId: string }[] }).versions.map((v) => v.versionId), ['2', '1']);
    assert.match(await cli('alias', 'create', name, 'prod', '--version', '1', '--weight', '2=0.25'), /^prod -> version 1 \(also version 2 0\.25\)/);
    assert.match(await cli('alias', 'list', name), /^prod -> version 1/);
    assert.match(await cli('alias', 'update', name, 'prod', '--clear-weights', '--version', '2'), /^prod -> version 2\n/);
    assert.deepEqual(JSON.parse(await cli('invoke', name, '--qualifier', 'prod')), { mark: 'two', version: '2', qualifier: '2' });
    assert.deepEqual(JSON.parse(await cli('invoke', name, '--qualifier', '1')), { mark: 'one', version: '1', qualifier: '1' });
    const refused = await openfc(['function', 'delete-version', name, '2', ...keys]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /VersionInUse: .*alias 'prod'/);
    assert.match(await cli('alias', 'delete', name, 'prod'), /deleted alias prod/);
    assert.match(await cli('function', 'delete-version', name, '2'), /deleted version 2/);
    assert.equal((await client.getAlias(name, 'prod').catch((e: { code: string }) => e)).code, 'AliasNotFound');
  });

  test("another account sees none of a function's versions or aliases", async () => {
    const name = await createFunction();
    await publish(name);
    await createAlias(name, { aliasName: 'prod', versionId: '1' });
    const attempts: (() => Promise<unknown>)[] = [
      () => other.listFunctionVersions(name, new $FC.ListFunctionVersionsRequest({})), () => other.getAlias(name, 'prod'), () => other.deleteFunctionVersion(name, '1'),
      () => other.deleteAlias(name, 'prod'), () => publish(name, undefined, other), () => run(name, 'prod', other), () => run(name, '1', other),
      () => other.getFunction(name, new $FC.GetFunctionRequest({ qualifier: '1' })),
    ];
    for (const attempt of attempts) assert.equal((await rejectionOf(attempt())).code, 'FunctionNotFound');
    // The same name in the other account is a different function with its own versions.
    await other.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, code('theirs')) }));
    assert.deepEqual((await other.listFunctionVersions(name, new $FC.ListFunctionVersionsRequest({}))).body!.versions, []);
    assert.equal((await rejectionOf(other.getAlias(name, 'prod'))).code, 'AliasNotFound');
    assert.equal((await publish(name, undefined, other)).versionId, '1');
    await createAlias(name, { aliasName: 'prod', versionId: '1' }, other);
    assert.equal((await run(name, 'prod', other)).mark, 'theirs');
    assert.equal((await run(name, 'prod')).mark, 'one');
    assert.equal((await client.getAlias(name, 'prod')).body!.versionId, '1');
  });
});

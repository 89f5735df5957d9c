/**
 * Which sandbox runs, and what users are told about it: `auto` picks the linux driver where the
 * machine allows; the process driver is flagged as not isolated in every Function view; the
 * linux driver shapes each instance's bandwidth (1 Gbit/s, 5 Gbit/s for performance instances).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { createTestPlatform } from '../../src/platform.js';
import { checkHost } from '../../src/sandbox/index.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke } from '../helpers/sdk.js';

const host = checkHost();

async function withFunction(options: Parameters<typeof createTestPlatform>[0], extra: Record<string, unknown>, fn: (ctx: { name: string; client: ReturnType<typeof createFcClient>; driver: string }) => Promise<void>) {
  const platform = await createTestPlatform(options);
  try {
    const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const name = uniqueName('sbx');
    await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, undefined, extra) }));
    await fn({ name, client, driver: platform.driver.name });
  } finally {
    await platform.close();
  }
}

describe('sandbox choice', () => {
  test('auto picks the linux driver where the machine allows it, and then no warning is shown', async () => {
    await withFunction({}, {}, async ({ name, client, driver }) => {
      assert.equal(driver, host.isUsable ? 'linux' : 'process');
      const fn = (await client.getFunction(name, new $FC.GetFunctionRequest({}))).body!;
      if (host.isUsable) assert.equal(fn.stateReason, '');
    });
  });

  test('the process driver is flagged as NOT isolated in GetFunction, ListFunctions and ListInstances', async () => {
    await withFunction({ sandbox: 'process' }, {}, async ({ name, client }) => {
      const fn = (await client.getFunction(name, new $FC.GetFunctionRequest({}))).body!;
      assert.equal(fn.state, 'Active');
      assert.equal(fn.stateReasonCode, 'InstancesNotIsolated');
      assert.match(fn.stateReason ?? '', /NOT isolated/);
      const listed = (await client.listFunctions(new $FC.ListFunctionsRequest({}))).body!.functions!;
      assert.match(listed[0]!.stateReason ?? '', /NOT isolated/);
      await invoke(client, name, 'x');
      const [instance] = (await client.listInstances(name, new $FC.ListInstancesRequest({}))).body!.instances as unknown as Record<string, unknown>[];
      assert.equal(instance!.resourceType, 'OnDemand (NOT isolated)');
    });
  });

  const tbfRates = () =>
    new Map(
      execFileSync('tc', ['qdisc', 'show'], { encoding: 'utf8' })
        .split('\n')
        .map((l) => /^qdisc tbf \S+ dev (ofc\d+x\d+) .*rate (\S+)/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, m[2]!] as const),
    );
  const newRate = (before: Map<string, string>) => [...tbfRates()].filter(([dev]) => !before.has(dev)).map(([, rate]) => rate);

  for (const [diskSize, rate] of [[512, '1Gbit'], [10240, '5Gbit']] as const) {
    test(`an instance with diskSize ${diskSize} is shaped to ${rate}`, { skip: !(host.isUsable && host.hasNetworking) && 'the linux driver cannot wire networks here' }, async () => {
      await withFunction({ sandbox: 'linux', stemCellPoolSize: 0 }, { diskSize, internetAccess: true }, async ({ name, client }) => {
        const before = tbfRates();
        assert.equal((await invoke(client, name, 'x')).body.toString(), 'x');
        assert.deepEqual(newRate(before), [rate]);
      });
    });
  }

  test('sandbox slots are reused at once: under provisioned and on-demand churn every instance starts', { skip: !(host.isUsable && host.hasNetworking) && 'the linux driver cannot wire networks here' }, async () => {
    const platform = await createTestPlatform({ sandbox: 'linux' });
    try {
      const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
      const failed: string[] = [];
      platform.events.on('instance:stopped', (e) => {
        if (e.reason === 'start-failed' || e.reason === 'init-failed') failed.push(e.instanceId);
      });
      for (let round = 0; round < 10; round++) {
        const name = uniqueName('churn');
        await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, { 'index.js': 'exports.handler = async (e) => { await new Promise((r) => setImmediate(r)); return e; };' }) }));
        await client.putProvisionConfig(name, new $FC.PutProvisionConfigRequest({ body: new $FC.PutProvisionConfigInput({ target: 3 }) }));
        const out = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => invoke(client, name, String(n))));
        assert.deepEqual(out.map((r) => r.body.toString()), ['1', '2', '3', '4', '5', '6']);
        await client.deleteFunction(name);
      }
      assert.deepEqual(failed, [], 'no sandbox failed to start in a reused slot');
    } finally {
      await platform.close();
    }
  });
});

/**
 * Runtime deprecation through the official SDK: with `runtimePhases` (OPENFC_RUNTIME_PHASES), each
 * phase refuses what it says and lets the rest through, on one data dir restarted per phase.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveConfig, type RuntimePhaseName } from '../../src/config/index.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $FC, createFcClient, invoke, rejectionOf, type FCClient } from '../helpers/sdk.js';

describe('runtime deprecation phases', () => {
  let dataDir: string;
  const existing = uniqueName('rt18');

  async function start(phases: Record<string, RuntimePhaseName>): Promise<{ platform: Platform; client: FCClient }> {
    const platform = await createTestPlatform({ dataDir, runtimePhases: phases });
    const client = createFcClient({ endpoint: platform.endpoints.http!.replace('http://', ''), accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    return { platform, client };
  }
  const createOn = async (client: FCClient, runtime: string) => client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(uniqueName('rt'), undefined, { runtime }) }));
  const update = (client: FCClient, name: string, input: Record<string, unknown>) => client.updateFunction(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput(input) }));

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-runtime-phases-'));
    const { platform, client } = await start({});
    try {
      await client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(existing, undefined, { runtime: 'nodejs18' }) }));
      assert.equal((await invoke(client, existing, 'hi')).body.toString(), 'hi');
    } finally {
      await platform.close();
    }
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('FC phase-2 runtimes are refused on create with their date and a migration target', async () => {
    const { platform, client } = await start({});
    try {
      const err = await rejectionOf(createOn(client, 'nodejs10'));
      assert.equal(err.code, 'InvalidArgument');
      assert.equal(err.statusCode, 400);
      assert.match(String(err.data?.Message), /^runtime 'nodejs10' is deprecated \(phase create-and-update-blocked since 2024-12-15\): new functions can no longer be created with it; existing functions can still be invoked; use nodejs20 instead$/);
    } finally {
      await platform.close();
    }
  });

  test('create-blocked: no new functions, but the existing one is updated and invoked', async () => {
    const { platform, client } = await start({ nodejs18: 'create-blocked' });
    try {
      const err = await rejectionOf(createOn(client, 'nodejs18'));
      assert.equal(err.code, 'InvalidArgument');
      assert.match(String(err.data?.Message), /runtime 'nodejs18' is deprecated \(phase create-blocked\): new functions can no longer be created with it; existing functions can still be updated and invoked; use nodejs20 instead/);
      assert.equal((await update(client, existing, { timeout: 7 })).body!.timeout, 7);
      assert.equal((await invoke(client, existing, 'a')).body.toString(), 'a');
      assert.equal((await createOn(client, 'nodejs20')).statusCode, 200, 'other runtimes are untouched');
    } finally {
      await platform.close();
    }
  });

  test('create-and-update-blocked: no create, no update, but invocations go on', async () => {
    const { platform, client } = await start({ nodejs18: 'create-and-update-blocked' });
    try {
      assert.equal((await rejectionOf(createOn(client, 'nodejs18'))).code, 'InvalidArgument');
      const err = await rejectionOf(update(client, existing, { timeout: 8 }));
      assert.equal(err.code, 'InvalidArgument');
      assert.match(String(err.data?.Message), /runtime 'nodejs18' is deprecated \(phase create-and-update-blocked\): functions with it can no longer be updated; existing functions can still be invoked; migrate to nodejs20/);
      assert.equal((await client.getFunction(existing, new $FC.GetFunctionRequest({}))).body!.timeout, 7, 'the refused update changed nothing');
      assert.equal((await invoke(client, existing, 'b')).body.toString(), 'b');
    } finally {
      await platform.close();
    }
  });

  test('invoke-blocked: invocations (sync and async) answer an error; reading and migrating still work', async () => {
    const { platform, client } = await start({ nodejs18: 'invoke-blocked' });
    try {
      for (const type of ['Sync', 'Async']) {
        const err = await rejectionOf(invoke(client, existing, 'c', { type }));
        assert.equal(err.code, 'InvalidArgument', type);
        assert.equal(err.statusCode, 400, type);
        assert.match(String(err.data?.Message), /runtime 'nodejs18' is deprecated \(phase invoke-blocked\): functions with it can no longer be invoked; existing functions can only be migrated to another runtime or deleted; migrate to nodejs20/, type);
      }
      assert.equal((await rejectionOf(update(client, existing, { timeout: 9 }))).code, 'InvalidArgument');
      assert.equal((await client.getFunction(existing, new $FC.GetFunctionRequest({}))).body!.runtime, 'nodejs18');
      assert.equal((await update(client, existing, { runtime: 'nodejs20' })).body!.runtime, 'nodejs20', 'migrating off the runtime is allowed');
      assert.equal((await invoke(client, existing, 'd')).body.toString(), 'd');
    } finally {
      await platform.close();
    }
  });

  test('OPENFC_RUNTIME_PHASES is JSON over the built-in phases; bad JSON, runtimes or phases stop start-up', async () => {
    assert.deepEqual(resolveConfig({}, { OPENFC_RUNTIME_PHASES: '{"nodejs18":"create-blocked"}' }).runtimePhases, { nodejs18: 'create-blocked' });
    assert.throws(() => resolveConfig({}, { OPENFC_RUNTIME_PHASES: '{nodejs18' }), /OPENFC_RUNTIME_PHASES must be a JSON object/);
    assert.throws(() => resolveConfig({}, { OPENFC_RUNTIME_PHASES: '{"nodejs18":"gone"}' }), /runtimePhases.nodejs18 must be one of active, create-blocked, create-and-update-blocked, invoke-blocked/);
    await assert.rejects(createTestPlatform({ dataDir: path.join(dataDir, 'bad'), runtimePhases: { nodejs99: 'active' } }), /runtimePhases names runtime 'nodejs99', which is not an FC runtime/);
  });
});

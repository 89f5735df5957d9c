/** @module functions/runtimes.test — the runtime catalogue: built-in phases from FC's policy, overrides, and what each phase allows. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { KNOWN_FC_RUNTIMES, RUNTIME_PHASES, createRuntimeCatalogue, type RuntimePhase, type RuntimeUse } from './runtimes.js';
import { buildFunctionConfig } from './validation.js';

const USES: RuntimeUse[] = ['create', 'update', 'invoke'];

describe('runtime catalogue', () => {
  test('the runtimes openfc serves are active, and FC phase-2 runtimes carry their published dates', () => {
    const c = createRuntimeCatalogue();
    for (const id of ['nodejs20', 'nodejs18']) {
      assert.equal(c.get(id)?.phase, 'active');
      assert.equal(c.get(id)?.isServed, true);
    }
    assert.deepEqual(c.get('nodejs10')?.since, { 'create-and-update-blocked': '2024-12-15' });
    assert.deepEqual(c.get('nodejs8')?.since, { 'create-and-update-blocked': '2024-12-15' });
    for (const id of ['python2.7', 'dotnetcore2.1', 'nodejs6', 'nodejs4.4']) {
      assert.equal(c.get(id)?.phase, 'create-and-update-blocked', id);
      assert.equal(c.get(id)?.since['create-and-update-blocked'], '2024-09-25', id);
    }
    assert.equal(c.get('nodejs16')?.phase, 'active', 'FC has published no date for nodejs16');
    assert.equal(c.get('no-such-runtime'), undefined);
    assert.ok(KNOWN_FC_RUNTIMES.includes('java11') && !KNOWN_FC_RUNTIMES.includes('nodejs20') && !KNOWN_FC_RUNTIMES.includes('python3.10'));
  });

  test('each phase allows exactly what FC says', () => {
    const expected: Record<RuntimePhase, RuntimeUse[]> = {
      active: ['create', 'update', 'invoke'],
      'create-blocked': ['update', 'invoke'],
      'create-and-update-blocked': ['invoke'],
      'invoke-blocked': [],
    };
    for (const phase of RUNTIME_PHASES) {
      const c = createRuntimeCatalogue({ nodejs18: phase });
      assert.deepEqual(USES.filter((u) => c.isAllowed('nodejs18', u)), expected[phase], phase);
    }
  });

  test('a refusal names the runtime, its phase and date, and what to migrate to', () => {
    const c = createRuntimeCatalogue();
    assert.throws(() => c.check('nodejs10', 'update'), (e: unknown) =>
      isPlatformError(e, 'InvalidArgument')
      && e.message === "runtime 'nodejs10' is deprecated (phase create-and-update-blocked since 2024-12-15): functions with it can no longer be updated; "
        + "existing functions can still be invoked; migrate to nodejs20 (UpdateFunction with runtime 'nodejs20')"
      && e.fields.phase === 'create-and-update-blocked' && e.fields.since === '2024-12-15');
    assert.throws(() => c.check('python2.7', 'create'), /phase create-and-update-blocked since 2024-09-25\): new functions can no longer be created with it; .*; use python3\.10 instead$/);
    assert.doesNotThrow(() => c.check('nodejs10', 'invoke'));
  });

  test('an overridden phase has no date unless FC published one for it, and the migration target is one new functions may use', () => {
    const c = createRuntimeCatalogue({ nodejs20: 'create-blocked' });
    assert.throws(() => c.check('nodejs20', 'create'), /: runtime 'nodejs20' is deprecated \(phase create-blocked\): new functions can no longer be created with it; existing functions can still be updated and invoked; use nodejs18 instead$/);
    const none = createRuntimeCatalogue({ nodejs20: 'create-blocked', nodejs18: 'invoke-blocked', nodejs10: 'active' });
    assert.throws(() => none.check('nodejs18', 'invoke'), /: runtime 'nodejs18' is deprecated \(phase invoke-blocked\): functions with it can no longer be invoked; existing functions can only be migrated to another runtime or deleted$/);
    assert.doesNotThrow(() => none.check('nodejs10', 'create'), 'an override can also re-open a runtime');
  });

  test('overrides of unknown runtimes or phases are refused', () => {
    assert.throws(() => createRuntimeCatalogue({ nodejs99: 'active' }), /runtimePhases names runtime 'nodejs99', which is not an FC runtime/);
    assert.throws(() => createRuntimeCatalogue({ nodejs20: 'retired' }), /runtimePhases.nodejs20 must be one of active, create-blocked, create-and-update-blocked, invoke-blocked/);
  });
});

describe('buildFunctionConfig with the catalogue', () => {
  const input = { functionName: 'f', runtime: 'nodejs18', handler: 'index.handler' };

  test('create-blocked: no create, but updates of an existing function go on', () => {
    const c = createRuntimeCatalogue({ nodejs18: 'create-blocked' });
    assert.throws(() => buildFunctionConfig(input, undefined, c), /runtime 'nodejs18' is deprecated \(phase create-blocked\)/);
    const base = buildFunctionConfig(input, undefined);
    assert.equal(buildFunctionConfig({ memorySize: 256 }, base, c).memorySize, 256);
    assert.equal(buildFunctionConfig({ runtime: 'nodejs18', timeout: 5 }, base, c).timeout, 5, 'naming the same runtime is still an update');
  });

  test('a function cannot move onto a create-blocked runtime, and can always move off a blocked one', () => {
    const c = createRuntimeCatalogue({ nodejs18: 'create-blocked', nodejs20: 'invoke-blocked' });
    const on20 = buildFunctionConfig({ ...input, runtime: 'nodejs20' }, undefined);
    const on18 = buildFunctionConfig(input, undefined);
    assert.throws(() => buildFunctionConfig({ runtime: 'nodejs18' }, on20, c), /new functions can no longer be created with it/);
    assert.throws(() => buildFunctionConfig({ memorySize: 256 }, on20, c), /phase invoke-blocked\): functions with it can no longer be updated/);
    const c2 = createRuntimeCatalogue({ nodejs18: 'create-and-update-blocked' });
    assert.throws(() => buildFunctionConfig({ memorySize: 256 }, on18, c2), /can no longer be updated/);
    assert.equal(buildFunctionConfig({ runtime: 'nodejs20' }, on18, c2).runtime, 'nodejs20', 'migrating is an update that is allowed');
  });

  test('deprecated FC runtimes say so before saying openfc does not serve them', () => {
    assert.throws(() => buildFunctionConfig({ ...input, runtime: 'nodejs10' }, undefined), /runtime 'nodejs10' is deprecated \(phase create-and-update-blocked since 2024-12-15\)/);
    assert.throws(() => buildFunctionConfig({ ...input, runtime: 'java11' }, undefined), /runtime 'java11' is not supported by openfc yet; supported: nodejs20, nodejs18, python3.12, python3.10, python3.9, custom, custom.debian10/);
    assert.throws(() => buildFunctionConfig({ ...input, runtime: 'cobol' }, undefined), /runtime 'cobol' is not a valid runtime/);
  });
});

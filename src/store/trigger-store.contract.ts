/**
 * @module store/trigger-store.contract
 * The behaviour every MetadataStore backend must have for triggers (store/trigger-types.ts). Each
 * backend's test file calls `runTriggerStoreContract` with a factory.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import type { MetadataStoreFixture } from './metadata-store.contract.js';
import type { TriggerRecord } from './types.js';

function triggerRecord(accountId: string, functionName: string, triggerName: string, type = 'timer'): TriggerRecord {
  const now = new Date().toISOString();
  return {
    accountId, functionName, triggerName, triggerId: randomUUID(), triggerType: type, triggerConfig: '{"cronExpression":"@every 1m","payload":"","enable":true}',
    qualifier: 'LATEST', invocationRole: '', sourceArn: '', description: '', createdTime: now, lastModifiedTime: now,
  };
}

export function runTriggerStoreContract(name: string, create: () => Promise<MetadataStoreFixture>): void {
  describe(`TriggerStore contract: ${name}`, () => {
    async function withFunction(t: { after(fn: () => Promise<void>): void }) {
      const fx = await create();
      t.after(() => fx.cleanup());
      const acct = `1${Math.floor(Math.random() * 1e15)}`;
      const now = new Date().toISOString();
      fx.store.createAccount({ accountId: acct, createdTime: now });
      fx.store.createFunction({
        accountId: acct, functionName: 'f', functionId: randomUUID(), revision: 1, config: {}, codeBlobKey: 'a'.repeat(64), codeChecksum: '1', codeSize: 1, createdTime: now, lastModifiedTime: now,
      });
      return { ...fx, acct };
    }

    test('creates, finds (by name and by id), updates and deletes triggers', async (t) => {
      const { store, acct } = await withFunction(t);
      const r = triggerRecord(acct, 'f', 'tick');
      store.createTrigger(r);
      assert.deepEqual(store.getTrigger(acct, 'f', 'tick'), r);
      assert.deepEqual(store.getTriggerById(r.triggerId), r);
      assert.throws(() => store.createTrigger({ ...r, triggerId: randomUUID() }), (e: unknown) => isPlatformError(e) && e.code === 'TriggerAlreadyExists');
      assert.throws(() => store.createTrigger(triggerRecord(acct, 'no-such-fn', 'x')), (e: unknown) => isPlatformError(e) && e.code === 'FunctionNotFound');
      assert.equal(store.updateTrigger({ ...r, description: 'changed', triggerType: 'http', triggerId: 'ignored' }), true);
      const updated = store.getTrigger(acct, 'f', 'tick')!;
      assert.deepEqual([updated.description, updated.triggerType, updated.triggerId], ['changed', 'timer', r.triggerId]);
      assert.equal(store.updateTrigger({ ...r, triggerName: 'missing' }), false);
      assert.equal(store.deleteTrigger(acct, 'f', 'tick'), true);
      assert.equal(store.deleteTrigger(acct, 'f', 'tick'), false);
      assert.equal(store.getTriggerById(r.triggerId), undefined);
    });

    test('lists the triggers of one function by name, with prefix and pages, and every trigger of a type', async (t) => {
      const { store, acct } = await withFunction(t);
      for (const n of ['b', 'a1', 'a2', 'c']) store.createTrigger(triggerRecord(acct, 'f', n, n === 'c' ? 'http' : 'timer'));
      const p1 = store.listTriggers(acct, 'f', { limit: 2 });
      assert.deepEqual([p1.items.map((r) => r.triggerName), p1.nextToken], [['a1', 'a2'], 'a2']);
      const p2 = store.listTriggers(acct, 'f', { limit: 2, nextToken: p1.nextToken });
      assert.deepEqual([p2.items.map((r) => r.triggerName), p2.nextToken], [['b', 'c'], undefined]);
      assert.deepEqual(store.listTriggers(acct, 'f', { limit: 10, prefix: 'a' }).items.map((r) => r.triggerName), ['a1', 'a2']);
      assert.deepEqual(store.listTriggersByType('http').filter((r) => r.accountId === acct).map((r) => r.triggerName), ['c']);
    });

    test('a timer watermark only moves forward and survives a reopen', async (t) => {
      const fx = await withFunction(t);
      const r = triggerRecord(fx.acct, 'f', 'tick');
      fx.store.createTrigger(r);
      assert.equal(fx.store.getTriggerById(r.triggerId)!.lastPointMs, undefined);
      fx.store.setTriggerLastPoint(r.triggerId, 2000);
      fx.store.setTriggerLastPoint(r.triggerId, 1000);
      assert.equal(fx.store.getTriggerById(r.triggerId)!.lastPointMs, 2000);
      if (fx.reopen) assert.equal((await fx.reopen()).getTriggerById(r.triggerId)!.lastPointMs, 2000);
    });

    test('deleting a function deletes its triggers', async (t) => {
      const { store, acct } = await withFunction(t);
      const r = triggerRecord(acct, 'f', 'tick');
      store.createTrigger(r);
      store.deleteFunction(acct, 'f');
      assert.equal(store.getTriggerById(r.triggerId), undefined);
    });
  });
}

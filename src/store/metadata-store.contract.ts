/**
 * @module store/metadata-store.contract
 * The behaviour every MetadataStore backend must have. Each backend's test file calls
 * `runMetadataStoreContract` with a factory.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import type { FunctionRecord, MetadataStore } from './types.js';

export interface MetadataStoreFixture {
  store: MetadataStore;
  cleanup(): Promise<void>;
  /** Closes and reopens the same storage; absent for backends without persistence. */
  reopen?(): Promise<MetadataStore>;
}

/** A function record for contract suites; each revision has its own code checksum. */
export function fnRecord(accountId: string, functionName: string, revision = 1): FunctionRecord {
  const now = new Date().toISOString();
  return {
    accountId, functionName, functionId: randomUUID(), revision,
    config: { runtime: 'nodejs20', handler: 'index.handler', memorySize: 128, environmentVariables: { A: 'b' } },
    codeBlobKey: 'a'.repeat(64), codeChecksum: `sum-${revision}`, codeSize: 10, createdTime: now, lastModifiedTime: now,
  };
}

/** A fresh store from `create` (cleaned up after the test) with one new account in it. */
export async function storeWithAccount(create: () => Promise<MetadataStoreFixture>, t: { after(fn: () => Promise<void>): void }): Promise<MetadataStoreFixture & { acct: string }> {
  const fx = await create();
  t.after(() => fx.cleanup());
  const acct = `1${Math.floor(Math.random() * 1e15)}`;
  fx.store.createAccount({ accountId: acct, createdTime: new Date().toISOString() });
  return Object.assign(fx, { acct });
}

export function runMetadataStoreContract(name: string, create: () => Promise<MetadataStoreFixture>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    const withStore = (t: { after(fn: () => Promise<void>): void }) => storeWithAccount(create, t);

    test('stores accounts and their access keys', async (t) => {
      const { store, acct } = await withStore(t);
      assert.equal(store.getAccount(acct)?.accountId, acct);
      store.putAccessKey({ accessKeyId: 'LTAIx' + acct, accessKeySecret: 's', accountId: acct, principal: 'root', status: 'Active', createdTime: new Date().toISOString() });
      assert.equal(store.getAccessKey('LTAIx' + acct)?.accountId, acct);
      assert.equal(store.listAccessKeys(acct).length, 1);
      assert.equal(store.getAccessKey('nope'), undefined);
    });

    test('refuses a second function with the same name in one account', async (t) => {
      const { store, acct } = await withStore(t);
      store.createFunction(fnRecord(acct, 'f'));
      assert.throws(() => store.createFunction(fnRecord(acct, 'f')), (e) => isPlatformError(e, 'FunctionAlreadyExists'));
    });

    test('keeps functions of different accounts apart', async (t) => {
      const { store, acct } = await withStore(t);
      const other = acct + '9';
      store.createAccount({ accountId: other, createdTime: new Date().toISOString() });
      store.createFunction(fnRecord(acct, 'same'));
      store.createFunction(fnRecord(other, 'same'));
      assert.equal(store.listFunctions(acct, { limit: 100 }).items.length, 1);
      assert.ok(store.deleteFunction(other, 'same'));
      assert.ok(store.getFunction(acct, 'same'));
    });

    test('updates only when the revision is the expected one', async (t) => {
      const { store, acct } = await withStore(t);
      const r = fnRecord(acct, 'f');
      store.createFunction(r);
      store.updateFunction({ ...r, revision: 2, config: { ...r.config, memorySize: 256 } }, 1);
      assert.equal(store.getFunction(acct, 'f')?.config.memorySize, 256);
      assert.throws(() => store.updateFunction({ ...r, revision: 3 }, 1), (e) => isPlatformError(e, 'ConcurrentUpdateError'));
      assert.throws(() => store.updateFunction({ ...r, functionName: 'gone', revision: 2 }, 1), (e) => isPlatformError(e, 'FunctionNotFound'));
    });

    test('lists functions by prefix, in pages', async (t) => {
      const { store, acct } = await withStore(t);
      for (const n of ['a1', 'a2', 'a3', 'b1', 'a_%']) store.createFunction(fnRecord(acct, n));
      const p1 = store.listFunctions(acct, { prefix: 'a', limit: 2 });
      assert.deepEqual(p1.items.map((f) => f.functionName), ['a1', 'a2']);
      const p2 = store.listFunctions(acct, { prefix: 'a', limit: 2, nextToken: p1.nextToken });
      assert.deepEqual(p2.items.map((f) => f.functionName), ['a3', 'a_%']);
      assert.equal(p2.nextToken, undefined);
      assert.deepEqual(store.listFunctions(acct, { prefix: 'a_', limit: 10 }).items.map((f) => f.functionName), ['a_%']);
    });

    test('stores VPCs per account and finds the functions that use one', async (t) => {
      const { store, acct } = await withStore(t);
      const other = `2${Math.floor(Math.random() * 1e15)}`;
      store.createAccount({ accountId: other, createdTime: new Date().toISOString() });
      const vpc = (id: string, accountId: string, bridgeIndex: number) => ({
        vpcId: id, accountId, vpcName: id, cidrBlock: `10.9.${bridgeIndex}.0/24`, description: '', bridgeIndex, createdTime: new Date().toISOString(),
      });
      store.createVpc(vpc('vpc-a', acct, 1));
      store.createVpc(vpc('vpc-b', other, 2));
      assert.throws(() => store.createVpc(vpc('vpc-c', acct, 1)), 'bridge indexes are unique');
      assert.deepEqual(store.listVpcs(acct).map((v) => v.vpcId), ['vpc-a']);
      assert.deepEqual(store.listVpcs().map((v) => v.vpcId).sort(), ['vpc-a', 'vpc-b']);
      assert.equal(store.getVpc('vpc-b')?.cidrBlock, '10.9.2.0/24');
      store.createFunction({ ...fnRecord(acct, 'in-vpc'), config: { ...fnRecord(acct, 'x').config, vpcConfig: { vpcId: 'vpc-a' } } });
      store.createFunction(fnRecord(acct, 'outside'));
      assert.deepEqual(store.functionsInVpc(acct, 'vpc-a'), ['in-vpc']);
      assert.deepEqual(store.functionsInVpc(other, 'vpc-a'), []);
      assert.equal(store.deleteVpc('vpc-b'), true);
      assert.equal(store.deleteVpc('vpc-b'), false);
      assert.equal(store.getVpc('vpc-b'), undefined);
    });

    test('keeps reserved concurrency per function and drops it with the function', async (t) => {
      const { store, acct } = await withStore(t);
      store.createFunction(fnRecord(acct, 'a'));
      store.createFunction(fnRecord(acct, 'b'));
      store.putConcurrencyConfig(acct, 'a', 5);
      store.putConcurrencyConfig(acct, 'a', 7);
      store.putConcurrencyConfig(acct, 'b', 0);
      assert.equal(store.getConcurrencyConfig(acct, 'a'), 7);
      assert.deepEqual(store.listConcurrencyConfigs(acct), [{ functionName: 'a', reservedConcurrency: 7 }, { functionName: 'b', reservedConcurrency: 0 }]);
      assert.throws(() => store.putConcurrencyConfig(acct, 'missing', 1), (e) => isPlatformError(e, 'FunctionNotFound'));
      store.deleteFunction(acct, 'a');
      assert.equal(store.getConcurrencyConfig(acct, 'a'), undefined, 'deleted with its function');
      assert.equal(store.deleteConcurrencyConfig(acct, 'b'), true);
      assert.deepEqual(store.listConcurrencyConfigs(acct), []);
    });

    test('keeps provision configs per function and drops them with the function', async (t) => {
      const { store, acct } = await withStore(t);
      store.createFunction(fnRecord(acct, 'p'));
      store.putProvisionConfig(acct, 'p', { target: 2 });
      store.putProvisionConfig(acct, 'p', { target: 3, alwaysAllocateCPU: false });
      assert.deepEqual(store.getProvisionConfig(acct, 'p'), { target: 3, alwaysAllocateCPU: false });
      assert.deepEqual(store.listProvisionConfigs(acct).map((c) => [c.functionName, c.config.target]), [['p', 3]]);
      assert.ok(store.listProvisionConfigs().some((c) => c.accountId === acct));
      assert.throws(() => store.putProvisionConfig(acct, 'missing', { target: 1 }), (e) => isPlatformError(e, 'FunctionNotFound'));
      store.deleteFunction(acct, 'p');
      assert.equal(store.getProvisionConfig(acct, 'p'), undefined);
      assert.equal(store.deleteProvisionConfig(acct, 'p'), false);
    });

    test('keeps async invoke configs per function and qualifier, keeping the first createdTime on replace', async (t) => {
      const { store, acct } = await withStore(t);
      const other = `3${Math.floor(Math.random() * 1e15)}`;
      store.createAccount({ accountId: other, createdTime: new Date().toISOString() });
      store.createFunction(fnRecord(acct, 'b'));
      store.createFunction(fnRecord(acct, 'a'));
      store.createFunction(fnRecord(other, 'a'));
      const rec = (accountId: string, functionName: string, qualifier: string, config: Record<string, unknown>, time: string) => ({
        accountId, functionName, qualifier, config, createdTime: time, lastModifiedTime: time,
      });
      store.putAsyncInvokeConfig(rec(acct, 'a', 'LATEST', { maxAsyncRetryAttempts: 1 }, '2026-01-01T00:00:00Z'));
      store.putAsyncInvokeConfig(rec(acct, 'a', 'LATEST', { maxAsyncRetryAttempts: 2, destinationConfig: { onSuccess: { destination: 'x' } } }, '2026-01-02T00:00:00Z'));
      store.putAsyncInvokeConfig(rec(acct, 'a', 'prod', { maxAsyncRetryAttempts: 5 }, '2026-01-03T00:00:00Z'));
      store.putAsyncInvokeConfig(rec(acct, 'b', 'LATEST', {}, '2026-01-04T00:00:00Z'));
      store.putAsyncInvokeConfig(rec(other, 'a', 'LATEST', { asyncTask: true }, '2026-01-05T00:00:00Z'));
      const got = store.getAsyncInvokeConfig(acct, 'a', 'LATEST');
      assert.deepEqual(got, {
        ...rec(acct, 'a', 'LATEST', { maxAsyncRetryAttempts: 2, destinationConfig: { onSuccess: { destination: 'x' } } }, '2026-01-01T00:00:00Z'),
        lastModifiedTime: '2026-01-02T00:00:00Z',
      }, 'replaced config and lastModifiedTime, first createdTime');
      assert.equal(store.getAsyncInvokeConfig(acct, 'a', 'prod')?.config.maxAsyncRetryAttempts, 5);
      assert.equal(store.getAsyncInvokeConfig(acct, 'a', 'v9'), undefined);
      assert.deepEqual(store.listAsyncInvokeConfigs(acct).map((c) => [c.functionName, c.qualifier]), [['a', 'LATEST'], ['a', 'prod'], ['b', 'LATEST']]);
      assert.deepEqual(store.listAsyncInvokeConfigs(other).map((c) => [c.functionName, c.config]), [['a', { asyncTask: true }]]);
      assert.throws(() => store.putAsyncInvokeConfig(rec(acct, 'missing', 'LATEST', {}, '2026-01-06T00:00:00Z')), (e) => isPlatformError(e, 'FunctionNotFound'));
      assert.equal(store.deleteAsyncInvokeConfig(acct, 'a', 'prod'), true);
      assert.equal(store.deleteAsyncInvokeConfig(acct, 'a', 'prod'), false);
      assert.equal(store.getAsyncInvokeConfig(acct, 'a', 'LATEST')?.qualifier, 'LATEST', 'other qualifiers are untouched');
    });

    test('drops async invoke configs with their function, and only that function\'s', async (t) => {
      const { store, acct } = await withStore(t);
      store.createFunction(fnRecord(acct, 'gone'));
      store.createFunction(fnRecord(acct, 'kept'));
      const now = new Date().toISOString();
      for (const [functionName, qualifier] of [['gone', 'LATEST'], ['gone', 'prod'], ['kept', 'LATEST']] as const) {
        store.putAsyncInvokeConfig({ accountId: acct, functionName, qualifier, config: {}, createdTime: now, lastModifiedTime: now });
      }
      store.deleteFunction(acct, 'gone');
      assert.equal(store.getAsyncInvokeConfig(acct, 'gone', 'LATEST'), undefined);
      assert.deepEqual(store.listAsyncInvokeConfigs(acct).map((c) => [c.functionName, c.qualifier]), [['kept', 'LATEST']]);
      store.createFunction(fnRecord(acct, 'gone'));
      assert.equal(store.getAsyncInvokeConfig(acct, 'gone', 'prod'), undefined, 'a function made again under the same name starts without configs');
      assert.equal(store.deleteAsyncInvokeConfig(acct, 'gone', 'LATEST'), false);
    });

    test('keeps VPC bindings per function, finds them by VPC, and drops them with the function', async (t) => {
      const { store, acct } = await withStore(t);
      const now = new Date().toISOString();
      for (const [id, i] of [['vpc-x', 11], ['vpc-y', 12]] as const) store.createVpc({ vpcId: id, accountId: acct, vpcName: id, cidrBlock: `10.9.${i}.0/24`, description: '', bridgeIndex: i, createdTime: now });
      store.createFunction(fnRecord(acct, 'bound'));
      store.createFunction(fnRecord(acct, 'also'));
      assert.equal(store.putVpcBinding(acct, 'bound', 'vpc-y', now), true);
      assert.equal(store.putVpcBinding(acct, 'bound', 'vpc-x', now), true);
      assert.equal(store.putVpcBinding(acct, 'bound', 'vpc-x', now), false, 'binding twice is one binding');
      store.putVpcBinding(acct, 'also', 'vpc-x', now);
      assert.deepEqual(store.listVpcBindings(acct, 'bound'), ['vpc-x', 'vpc-y']);
      assert.deepEqual(store.functionsBoundToVpc('vpc-x'), ['also', 'bound']);
      assert.throws(() => store.deleteVpc('vpc-y'), 'a bound VPC cannot be deleted under its bindings');
      assert.equal(store.deleteVpcBinding(acct, 'bound', 'vpc-y'), true);
      assert.equal(store.deleteVpcBinding(acct, 'bound', 'vpc-y'), false);
      store.deleteFunction(acct, 'bound');
      assert.deepEqual(store.functionsBoundToVpc('vpc-x'), ['also'], 'deleted with its function');
      store.createFunction(fnRecord(acct, 'bound'));
      assert.deepEqual(store.listVpcBindings(acct, 'bound'), [], 'a function made again under the same name starts without bindings');
    });

    test('keeps everything across a reopen', async (t) => {
      const fx = await withStore(t);
      if (!fx.reopen) return t.skip('backend has no persistence');
      fx.store.createFunction(fnRecord(fx.acct, 'kept'));
      const again = await fx.reopen();
      assert.deepEqual(again.getFunction(fx.acct, 'kept')?.config.environmentVariables, { A: 'b' });
    });
  });
}

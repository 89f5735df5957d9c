/**
 * @module store/version-store.contract
 * The behaviour every backend's versions-and-aliases store (store/version-types.ts) must have.
 * Each backend's test file calls `runVersionStoreContract` with a factory of a whole MetadataStore.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPlatformError, type ErrorCode } from '../errors/index.js';
import { fnRecord, type MetadataStoreFixture } from './metadata-store.contract.js';
import type { AliasRecord, FunctionRecord, MetadataStore, VersionRecord } from './types.js';

const NOW = '2026-03-01T08:00:00Z';

const snapshot = (fn: FunctionRecord, description = ''): Omit<VersionRecord, 'versionId'> => ({
  accountId: fn.accountId, functionName: fn.functionName, description, revision: fn.revision, config: fn.config,
  codeBlobKey: fn.codeBlobKey, codeChecksum: fn.codeChecksum, codeSize: fn.codeSize, createdTime: NOW, lastModifiedTime: NOW,
});

const alias = (fn: FunctionRecord, aliasName: string, versionId: string, additionalVersionWeight: Record<string, number> = {}): AliasRecord => ({
  accountId: fn.accountId, functionName: fn.functionName, aliasName, versionId, description: '', additionalVersionWeight, createdTime: NOW, lastModifiedTime: NOW,
});

const throwsCode = (fn: () => unknown, code: ErrorCode, pattern?: RegExp) =>
  assert.throws(fn, (e: unknown) => isPlatformError(e, code) && (!pattern || pattern.test(e.message)), code);

export function runVersionStoreContract(name: string, create: () => Promise<MetadataStoreFixture>): void {
  describe(`VersionStore contract: ${name}`, () => {
    async function withFunction(t: { after(fn: () => Promise<void>): void }): Promise<{ store: MetadataStore; fn: FunctionRecord; fx: MetadataStoreFixture }> {
      const fx = await create();
      t.after(() => fx.cleanup());
      const acct = `1${Math.floor(Math.random() * 1e15)}`;
      fx.store.createAccount({ accountId: acct, createdTime: NOW });
      const fn = fnRecord(acct, 'f');
      fx.store.createFunction(fn);
      return { store: fx.store, fn, fx };
    }

    test('publishes versions with ids counting up from 1 that are never reused, even after a delete or a restart', async (t) => {
      const { store, fn, fx } = await withFunction(t);
      assert.equal(store.publishFunctionVersion(snapshot(fn, 'one'), 1).versionId, '1');
      assert.equal(store.publishFunctionVersion(snapshot(fn), 1).versionId, '2');
      assert.ok(store.deleteFunctionVersion(fn.accountId, 'f', '2'));
      assert.equal(store.deleteFunctionVersion(fn.accountId, 'f', '2'), false);
      const reopened = fx.reopen ? await fx.reopen() : store;
      assert.equal(reopened.publishFunctionVersion(snapshot(fn), 1).versionId, '3');
      const v1 = reopened.getFunctionVersion(fn.accountId, 'f', '1');
      assert.deepEqual(v1, { ...snapshot(fn, 'one'), versionId: '1' });
      assert.equal(reopened.getFunctionVersion(fn.accountId, 'f', '2'), undefined);
      assert.equal(reopened.getFunctionVersion(fn.accountId, 'f', 'x'), undefined);
    });

    test('publishes only a snapshot of the current revision of an existing function', async (t) => {
      const { store, fn } = await withFunction(t);
      store.updateFunction({ ...fn, revision: 2 }, 1);
      throwsCode(() => store.publishFunctionVersion(snapshot(fn), 1), 'ConcurrentUpdateError');
      throwsCode(() => store.publishFunctionVersion({ ...snapshot(fn), functionName: 'nope' }, 1), 'FunctionNotFound');
      assert.deepEqual(store.listFunctionVersions(fn.accountId, 'f', { direction: 'BACKWARD', limit: 10 }).items, [], 'nothing was stored');
    });

    test('lists versions newest or oldest first, a page at a time', async (t) => {
      const { store, fn } = await withFunction(t);
      for (let i = 0; i < 5; i++) store.publishFunctionVersion(snapshot(fn), 1);
      const ids = (p: { items: VersionRecord[] }) => p.items.map((v) => v.versionId);
      const back = store.listFunctionVersions(fn.accountId, 'f', { direction: 'BACKWARD', limit: 2 });
      assert.deepEqual([ids(back), back.nextToken], [['5', '4'], '3']);
      const back2 = store.listFunctionVersions(fn.accountId, 'f', { direction: 'BACKWARD', limit: 2, from: 3 });
      assert.deepEqual([ids(back2), back2.nextToken], [['3', '2'], '1']);
      const fwd = store.listFunctionVersions(fn.accountId, 'f', { direction: 'FORWARD', limit: 3, from: 3 });
      assert.deepEqual([ids(fwd), fwd.nextToken], [['3', '4', '5'], undefined]);
    });

    test('aliases must name existing versions, and a version an alias routes to cannot be deleted', async (t) => {
      const { store, fn } = await withFunction(t);
      store.publishFunctionVersion(snapshot(fn), 1);
      store.publishFunctionVersion(snapshot(fn), 1);
      throwsCode(() => store.createAlias(alias(fn, 'a', '3')), 'VersionNotFound');
      throwsCode(() => store.createAlias(alias(fn, 'a', '1', { '7': 0.1 })), 'VersionNotFound');
      store.createAlias(alias(fn, 'prod', '1'));
      store.createAlias(alias(fn, 'canary', '1', { '2': 0.3 }));
      throwsCode(() => store.createAlias(alias(fn, 'prod', '2')), 'AliasAlreadyExists');
      throwsCode(() => store.deleteFunctionVersion(fn.accountId, 'f', '1'), 'VersionInUse', /'canary', 'prod'/);
      throwsCode(() => store.deleteFunctionVersion(fn.accountId, 'f', '2'), 'VersionInUse', /alias 'canary'/);
      store.updateAlias({ ...alias(fn, 'canary', '1'), lastModifiedTime: '2026-03-02T00:00:00Z' });
      assert.deepEqual(store.getAlias(fn.accountId, 'f', 'canary')?.additionalVersionWeight, {});
      assert.equal(store.getAlias(fn.accountId, 'f', 'canary')?.lastModifiedTime, '2026-03-02T00:00:00Z');
      assert.ok(store.deleteFunctionVersion(fn.accountId, 'f', '2'));
      throwsCode(() => store.updateAlias(alias(fn, 'ghost', '1')), 'AliasNotFound');
      throwsCode(() => store.updateAlias(alias(fn, 'prod', '2')), 'VersionNotFound');
    });

    test('lists aliases by name with a prefix and pages, and deletes them', async (t) => {
      const { store, fn } = await withFunction(t);
      store.publishFunctionVersion(snapshot(fn), 1);
      for (const n of ['beta', 'alpha', 'prod', 'preview']) store.createAlias(alias(fn, n, '1'));
      const names = (p: { items: AliasRecord[] }) => p.items.map((a) => a.aliasName);
      const page = store.listAliases(fn.accountId, 'f', { limit: 3 });
      assert.deepEqual([names(page), page.nextToken], [['alpha', 'beta', 'preview'], 'preview']);
      assert.deepEqual(names(store.listAliases(fn.accountId, 'f', { limit: 3, nextToken: 'preview' })), ['prod']);
      assert.deepEqual(names(store.listAliases(fn.accountId, 'f', { limit: 10, prefix: 'pr' })), ['preview', 'prod']);
      assert.ok(store.deleteAlias(fn.accountId, 'f', 'beta'));
      assert.equal(store.deleteAlias(fn.accountId, 'f', 'beta'), false);
      assert.equal(store.getAlias(fn.accountId, 'f', 'beta'), undefined);
    });

    test('a deleted function takes its versions, aliases and version count with it; other functions keep theirs', async (t) => {
      const { store, fn } = await withFunction(t);
      const kept = fnRecord(fn.accountId, 'kept');
      store.createFunction(kept);
      store.publishFunctionVersion(snapshot(fn), 1);
      store.publishFunctionVersion(snapshot(kept), 1);
      store.createAlias(alias(fn, 'prod', '1'));
      store.createAlias(alias(kept, 'prod', '1'));
      assert.ok(store.deleteFunction(fn.accountId, 'f'));
      store.createFunction(fnRecord(fn.accountId, 'f'));
      assert.deepEqual(store.listFunctionVersions(fn.accountId, 'f', { direction: 'BACKWARD', limit: 10 }).items, []);
      assert.equal(store.getAlias(fn.accountId, 'f', 'prod'), undefined);
      assert.equal(store.publishFunctionVersion(snapshot(fn), 1).versionId, '1', 'a new function with the same name counts from 1');
      assert.equal(store.getAlias(kept.accountId, 'kept', 'prod')?.versionId, '1');
      assert.equal(store.listFunctionVersions(kept.accountId, 'kept', { direction: 'BACKWARD', limit: 10 }).items.length, 1);
    });
  });
}

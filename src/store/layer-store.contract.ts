/**
 * @module store/layer-store.contract
 * The behaviour every LayerStore backend must have (version numbering, listing, ACL). Each
 * backend's test file calls `runLayerStoreContract` with a factory.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NewLayerVersion } from './layer-types.js';
import type { MetadataStore } from './types.js';

export interface LayerStoreFixture {
  store: MetadataStore;
  cleanup(): Promise<void>;
}

function newVersion(accountId: string, layerName: string, extra: Partial<NewLayerVersion> = {}): NewLayerVersion {
  return {
    accountId, layerName, description: '', license: '', compatibleRuntime: ['nodejs20'], codeBlobKey: 'b'.repeat(64), codeChecksum: '42', codeSize: 7,
    createdTime: '2026-01-01T00:00:00Z', ...extra,
  };
}

export function runLayerStoreContract(name: string, create: () => Promise<LayerStoreFixture>): void {
  describe(`LayerStore contract: ${name}`, () => {
    async function withStore(t: { after(fn: () => Promise<void>): void }) {
      const fx = await create();
      t.after(() => fx.cleanup());
      const accounts = ['1000000000000001', '1000000000000002'];
      for (const accountId of accounts) fx.store.createAccount({ accountId, createdTime: '2026-01-01T00:00:00Z' });
      return { store: fx.store, a: accounts[0]!, b: accounts[1]! };
    }

    test('numbers versions 1, 2, 3 per layer and never reuses a deleted number', async (t) => {
      const { store, a, b } = await withStore(t);
      const v1 = store.createLayerVersion(newVersion(a, 'lib', { description: 'one', compatibleRuntime: ['nodejs20', 'nodejs18'] }));
      assert.deepEqual(v1, { ...newVersion(a, 'lib', { description: 'one', compatibleRuntime: ['nodejs20', 'nodejs18'] }), version: 1, isPublic: false });
      assert.equal(store.createLayerVersion(newVersion(a, 'lib')).version, 2);
      assert.equal(store.createLayerVersion(newVersion(b, 'lib')).version, 1, 'numbering is per account and layer');
      assert.equal(store.deleteLayerVersion(a, 'lib', 2), true);
      assert.equal(store.deleteLayerVersion(a, 'lib', 2), false);
      assert.equal(store.deleteLayerVersion(a, 'lib', 1), true);
      assert.equal(store.createLayerVersion(newVersion(a, 'lib')).version, 3);
      assert.equal(store.getLayerVersion(a, 'lib', 1), undefined);
      assert.equal(store.getLayerVersion(a, 'lib', 3)?.version, 3);
    });

    test('lists versions from startVersion with nextVersion, and the newest version of each layer with paging', async (t) => {
      const { store, a, b } = await withStore(t);
      for (let i = 0; i < 3; i++) store.createLayerVersion(newVersion(a, 'x'));
      const p1 = store.listLayerVersions(a, 'x', { limit: 2 });
      assert.deepEqual([p1.items.map((v) => v.version), p1.nextVersion], [[1, 2], 3]);
      const p2 = store.listLayerVersions(a, 'x', { startVersion: 3, limit: 2 });
      assert.deepEqual([p2.items.map((v) => v.version), p2.nextVersion], [[3], undefined]);

      store.createLayerVersion(newVersion(a, 'y'));
      store.createLayerVersion(newVersion(a, 'zz'));
      store.createLayerVersion(newVersion(b, 'y'));
      const first = store.listLayers({ accountId: a, limit: 2 });
      assert.deepEqual(first.items.map((v) => [v.layerName, v.version]), [['x', 3], ['y', 1]]);
      assert.ok(first.nextToken);
      const rest = store.listLayers({ accountId: a, limit: 2, nextToken: first.nextToken! });
      assert.deepEqual(rest.items.map((v) => v.layerName), ['zz']);
      assert.equal(rest.nextToken, undefined);
      assert.deepEqual(store.listLayers({ accountId: a, prefix: 'z', limit: 10 }).items.map((v) => v.layerName), ['zz']);
      assert.deepEqual(store.listLayers({ accountId: a, prefix: '%', limit: 10 }).items, [], 'the prefix is literal, not a pattern');
    });

    test('a layer is public for every version; the public listing spans accounts; a layer without versions is not listed', async (t) => {
      const { store, a, b } = await withStore(t);
      store.createLayerVersion(newVersion(a, 'shared'));
      store.createLayerVersion(newVersion(b, 'mine'));
      assert.equal(store.setLayerPublic(a, 'shared', true), true);
      assert.equal(store.setLayerPublic(a, 'missing', true), false);
      assert.equal(store.getLayerVersion(a, 'shared', 1)?.isPublic, true);
      assert.equal(store.createLayerVersion(newVersion(a, 'shared')).isPublic, true, 'new versions of a public layer are public');
      assert.deepEqual(store.listLayers({ isPublicOnly: true, limit: 10 }).items.map((v) => [v.accountId, v.layerName, v.version]), [[a, 'shared', 2]]);
      store.deleteLayerVersion(b, 'mine', 1);
      assert.deepEqual(store.listLayers({ accountId: b, limit: 10 }).items, []);
      assert.equal(store.setLayerPublic(b, 'mine', true), false, 'a layer without versions has nothing to share');
      assert.equal(store.setLayerPublic(a, 'shared', false), true);
      assert.deepEqual(store.listLayers({ isPublicOnly: true, limit: 10 }).items, []);
    });
  });
}

/**
 * @module store/blob-store.contract
 * The behaviour every BlobStore backend must have.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { BlobStore } from './types.js';

export function runBlobStoreContract(name: string, create: () => Promise<{ store: BlobStore; cleanup(): Promise<void> }>): void {
  describe(`BlobStore contract: ${name}`, () => {
    test('stores bytes under their sha256 and reads them back', async (t) => {
      const { store, cleanup } = await create();
      t.after(cleanup);
      const bytes = Buffer.from('code package ' + Math.random());
      const { key, size } = await store.put(bytes);
      assert.equal(key, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(size, bytes.length);
      assert.ok(await store.has(key));
      assert.deepEqual(await store.get(key), bytes);
      assert.equal(await store.size(key), bytes.length);
      const chunks: Buffer[] = [];
      for await (const c of store.createReadStream(key)) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), bytes);
    });

    test('putting the same content twice keeps one blob', async (t) => {
      const { store, cleanup } = await create();
      t.after(cleanup);
      const a = await store.put(Buffer.from('same'));
      const b = await store.put(Buffer.from('same'));
      assert.equal(a.key, b.key);
    });

    test('an unknown or deleted key is not found, and malformed keys are refused', async (t) => {
      const { store, cleanup } = await create();
      t.after(cleanup);
      const { key } = await store.put(Buffer.from('gone soon'));
      await store.delete(key);
      assert.equal(await store.has(key), false);
      await assert.rejects(store.get(key));
      assert.throws(() => store.createReadStream(key));
      await assert.rejects(store.has('../../etc/passwd'));
    });
  });
}

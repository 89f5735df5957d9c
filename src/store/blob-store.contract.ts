/**
 * @module store/blob-store.contract
 * The behaviour every BlobStore backend must have, as node:test tests. A backend's test file calls
 * `runBlobStoreContract('name', create)`, where `create` gives a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Readable } from 'node:stream';
import type { BlobStore } from './types.js';

export type CreateBlobStore = () => Promise<{ store: BlobStore; cleanup: () => Promise<void> }>;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

const isBlobNotFound = (e: unknown): boolean => (e as { code?: unknown }).code === 'BLOB_NOT_FOUND';

export function runBlobStoreContract(name: string, create: CreateBlobStore): void {
  describe(`BlobStore contract: ${name}`, () => {
    async function fresh(t: { after(fn: () => Promise<void>): void }): Promise<BlobStore> {
      const { store, cleanup } = await create();
      t.after(cleanup);
      return store;
    }

    test('stores bytes under their sha256 and reads them back whole, streamed and sized', async (t) => {
      const store = await fresh(t);
      const bytes = randomBytes(1000);
      const { key, size } = await store.put(bytes);
      assert.equal(key, sha256(bytes));
      assert.equal(size, bytes.length);
      assert.equal(await store.has(key), true);
      assert.deepEqual(await store.get(key), bytes);
      assert.equal(await store.size(key), bytes.length);
      assert.deepEqual(await readAll(store.createReadStream(key)), bytes);
    });

    test('stores an empty blob', async (t) => {
      const store = await fresh(t);
      const { key, size } = await store.put(Buffer.alloc(0));
      assert.equal(key, sha256(Buffer.alloc(0)));
      assert.equal(size, 0);
      assert.equal((await store.get(key)).length, 0);
      assert.equal(await store.size(key), 0);
    });

    test('streams a multi-megabyte blob intact', async (t) => {
      const store = await fresh(t);
      const bytes = randomBytes(5 * 1024 * 1024 + 7);
      const { key } = await store.put(bytes);
      const streamed = await readAll(store.createReadStream(key));
      assert.equal(sha256(streamed), key);
    });

    test('putting the same content twice, even concurrently, keeps one blob under one key', async (t) => {
      const store = await fresh(t);
      const bytes = Buffer.from('same content');
      const [a, b] = await Promise.all([store.put(bytes), store.put(Buffer.from(bytes))]);
      const c = await store.put(bytes);
      assert.equal(a.key, b.key);
      assert.equal(a.key, c.key);
      assert.equal(c.size, bytes.length);
      assert.deepEqual(await store.get(a.key), bytes);
    });

    test('keeps different contents apart', async (t) => {
      const store = await fresh(t);
      const a = await store.put(Buffer.from('a'));
      const b = await store.put(Buffer.from('b'));
      assert.notEqual(a.key, b.key);
      await store.delete(a.key);
      assert.equal(await store.has(a.key), false);
      assert.deepEqual(await store.get(b.key), Buffer.from('b'));
    });

    test('reports an unknown key as not found with code BLOB_NOT_FOUND', async (t) => {
      const store = await fresh(t);
      const unknown = sha256(Buffer.from('never stored'));
      assert.equal(await store.has(unknown), false);
      await assert.rejects(store.get(unknown), isBlobNotFound);
      await assert.rejects(store.size(unknown), isBlobNotFound);
      assert.throws(() => store.createReadStream(unknown), isBlobNotFound);
    });

    test('forgets a deleted blob, and deleting an unknown key is a no-op', async (t) => {
      const store = await fresh(t);
      const { key } = await store.put(Buffer.from('gone soon'));
      await store.delete(key);
      assert.equal(await store.has(key), false);
      await assert.rejects(store.get(key), isBlobNotFound);
      assert.throws(() => store.createReadStream(key), isBlobNotFound);
      await store.delete(key);
    });

    test('refuses keys that are not 64 lowercase hex digits', async (t) => {
      const store = await fresh(t);
      const valid = sha256(Buffer.from('x'));
      for (const bad of ['../../etc/passwd', '', valid.toUpperCase(), valid.slice(1), `${valid}0`, `../${valid.slice(3)}`]) {
        await assert.rejects(store.has(bad), (e: unknown) => e instanceof Error && !isBlobNotFound(e), `has(${JSON.stringify(bad)})`);
        await assert.rejects(store.get(bad), (e: unknown) => e instanceof Error && !isBlobNotFound(e));
        await assert.rejects(store.size(bad));
        await assert.rejects(store.delete(bad));
        assert.throws(() => store.createReadStream(bad));
      }
    });
  });
}
